package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The last-mile probe and the member list against real relays on 127.0.0.1. */
class NodeProbeIT {

    @Test
    @Timeout(30)
    void membersFetchedFromOneNode_thenFiveNodesProbed_deadOneRankedLast_preferredRegionFirst() throws Exception {
        List<RelayNode> relays = new ArrayList<>();
        InetSocketAddress dead;
        try (DatagramSocket reserved = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            dead = new InetSocketAddress(InetAddress.getLoopbackAddress(), reserved.getLocalPort());
        }
        try {
            for (int i = 0; i < 4; i++) {
                relays.add(RelayNode.builder().build().start());
            }
            List<NodeInfo> cluster = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                cluster.add(new NodeInfo(relays.get(i).localAddress(), i == 2 ? "eu-west" : "us-east"));
            }
            cluster.add(new NodeInfo(dead, "ap-south"));
            RelayNode seed = RelayNode.builder().members(cluster).build().start();
            relays.add(seed);

            NodeProbe probe = NodeProbe.builder()
                    .scorer(NodeScorer.builder().preferredRegion("eu-west", 1000).build()).build();
            List<NodeInfo> members = probe.fetchMembers(List.of(dead, seed.localAddress()));
            assertEquals(cluster, members, "the seed's list; the dead seed is skipped");

            ProbeReport report = probe.probe(members);
            assertEquals(5, report.ranked().size());
            assertTrue(report.durationMs() <= 2000, "full result for 5 nodes within 2 s: " + report.durationMs());
            assertEquals(cluster.get(2), report.recommended(), "preferred region wins on loopback: " + report);
            ProbeResult last = report.ranked().get(4);
            assertEquals(dead, last.node().address());
            assertFalse(last.reachable());
            assertEquals(1.0, last.lossFraction());
            for (ProbeResult r : report.ranked().subList(0, 4)) {
                assertTrue(r.reachable(), r.toString());
                assertTrue(r.rttMs() >= 0 && r.rttMs() < 1000, r.toString());
                assertTrue(r.bandwidthBps() > 0, r.toString());
                assertEquals(0, r.clients(), r.toString());
            }
            assertTrue(report.startBitrateBps() >= NodeScorer.DEFAULT_MIN_START_BITRATE_BPS, report.toString());
            assertEquals(dead, report.rankedAddresses().get(4));
        } finally {
            relays.forEach(RelayNode::close);
        }
    }
}
