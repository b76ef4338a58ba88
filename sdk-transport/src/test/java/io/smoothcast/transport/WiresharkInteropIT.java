package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.smoothcast.netsim.LinkModel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standard check: everything a relay, a broadcaster and a viewer put on the wire (RTP, RTX,
 * RTCP feedback: generic NACK, PLI, transport-cc; plus our control messages) is captured on the
 * loopback interface with dumpcap and decoded by tshark without a single malformed packet.
 * Loss between viewer and relay makes the NACK/RTX path run.
 */
@Tag("interop")
class WiresharkInteropIT {

    @TempDir
    Path dir;

    @Test
    @Timeout(150)
    void everyPacketOnTheWire_decodesWithoutMalformedFlags() throws Exception {
        assumeTrue(LoopbackCapture.available(), "dumpcap and tshark are needed");
        Path pcap = dir.resolve("smoothcast.pcap");
        int relayPort;
        int broadcasterPort;
        long plisSent;
        LoopbackCapture capture;
        try (RelayNode relay = RelayNode.builder().build().start();
                NetworkEmulator lossy = NetworkEmulator.builder().target(relay.localAddress())
                        .toTarget(LinkModel.builder().constantCapacityBps(50_000_000L).randomLoss(0.05).seed(5))
                        .fromTarget(LinkModel.builder().constantCapacityBps(50_000_000L).randomLoss(0.05).seed(6))
                        .build().start()) {
            relayPort = relay.localAddress().getPort();
            capture = LoopbackCapture.start(pcap, relayPort);
            try {
                FrameCollector collector = new FrameCollector(149);
                int port;
                try (Viewer viewer = Viewer.builder().node(lossy.localAddress()).streamId("it-show")
                        .fixedPlayoutDelayMs(300).listener(collector)
                        .failover(StallTolerantFailover.POLICY).build().start()) {
                    FrameCollector.await(collector.connected, FrameCollector.CONNECT_WAIT_S, "viewer connected",
                            () -> "; viewer " + viewer.stats() + ", relay " + relay.stats() + ", " + lossy.stats());
                    try (Broadcaster broadcaster = BroadcastThroughRelayIT.connectedBroadcaster(relay,
                            new AtomicInteger(), StallTolerantFailover.POLICY)) {
                        port = broadcaster.localAddress().getPort();
                        // A viewer joining a live stream makes the relay ask the publisher for a
                        // keyframe: a PLI on the wire whatever the loss pattern repairs or not. It
                        // joins a second into the stream, well after the keyframe request the
                        // publisher got at publish time (the relay spaces them 200 ms apart).
                        CountDownLatch midStream = new CountDownLatch(1);
                        AtomicReference<Throwable> sendFailure = new AtomicReference<>();
                        Thread sender = new Thread(() -> {
                            try {
                                BroadcastThroughRelayIT.sendFrames(broadcaster, 150, i -> {
                                    if (i == 30) {
                                        midStream.countDown();
                                    }
                                });
                            } catch (Throwable t) {
                                sendFailure.set(t);
                            } finally {
                                midStream.countDown();
                            }
                        }, "it-sender");
                        sender.start();
                        FrameCollector.await(midStream, 30, "30 frames sent");
                        FrameCollector lateCollector = new FrameCollector(1);
                        try (Viewer late = Viewer.builder().node(relay.localAddress()).streamId("it-show")
                                .fixedPlayoutDelayMs(300).listener(lateCollector)
                                .failover(StallTolerantFailover.POLICY).build().start()) {
                            FrameCollector.await(lateCollector.connected, FrameCollector.CONNECT_WAIT_S, "late viewer connected",
                                    () -> "; late viewer " + late.stats() + ", relay " + relay.stats());
                            sender.join(TimeUnit.SECONDS.toMillis(40));
                            assertNull(sendFailure.get(), "sending frames");
                            FrameCollector.await(collector.lastFrame, 10, "last frame");
                        }
                    }
                }
                broadcasterPort = port;
            } finally {
                plisSent = relay.stats().keyframeRequestsForwarded();
                capture.close();
            }
        }
        // Our control messages (first byte 0x0A) have no Wireshark dissector; tshark's heuristics
        // sometimes take them for DNS and then call them malformed, so they are left out.
        String notControl = "!(udp.payload[0:1] == 0a)";
        List<String> malformed = capture.tshark("-Y", "_ws.malformed && " + notControl, "-T", "fields", "-e", "frame.number",
                "-e", "_ws.col.Info");
        List<String> rtp = capture.tshark("-Y", "rtp", "-T", "fields", "-e", "rtp.ssrc");
        List<String> nacks = capture.tshark("-Y", "rtcp.rtpfb.fmt == 1", "-T", "fields", "-e", "rtcp.rtpfb.nack_pid");
        // The heuristic RTCP dissector skips padded packets such as transport-cc feedback: decode
        // what the relay sends to the broadcaster as RTCP explicitly.
        String toBroadcaster = "udp.srcport == " + relayPort + " && udp.dstport == " + broadcasterPort + " && " + notControl;
        List<String> feedbackMalformed = capture.tshark("-d", "udp.port==" + broadcasterPort + ",rtcp",
                "-Y", toBroadcaster + " && _ws.malformed", "-T", "fields", "-e", "frame.number");
        List<String> transportCc = capture.tshark("-d", "udp.port==" + broadcasterPort + ",rtcp",
                "-Y", toBroadcaster + " && rtcp.rtpfb.fmt == 15", "-T", "fields", "-e", "rtcp.rtpfb.transportcc.statuscount");
        // The relay's keyframe request to the publisher is a lone 12-byte PLI, which the heuristic
        // dissector does not pick up either: decode it the same explicit way.
        List<String> plis = capture.tshark("-d", "udp.port==" + broadcasterPort + ",rtcp",
                "-Y", toBroadcaster + " && rtcp.psfb.fmt == 1", "-T", "fields", "-e", "frame.number");
        String detail = rtp.size() + " RTP, " + nacks.size() + " NACK, " + transportCc.size() + " transport-cc, "
                + plis.size() + " PLI packets (relay sent " + plisSent + "); malformed: " + malformed;
        System.out.println("WiresharkInteropIT: " + detail);
        assertEquals(List.of(), malformed, detail);
        assertEquals(List.of(), feedbackMalformed, detail);
        assertTrue(rtp.size() > 300, detail);
        assertTrue(!nacks.isEmpty() && !transportCc.isEmpty() && !plis.isEmpty(), detail);
    }
}
