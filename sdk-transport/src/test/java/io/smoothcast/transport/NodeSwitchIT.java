package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.alert.Subject;
import io.smoothcast.netsim.LinkModel;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.transport.metrics.OpsMetrics;
import io.smoothcast.transport.metrics.PrometheusText;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A viewer leaving a node that still answers, over real UDP sockets on 127.0.0.1: a lossy path
 * (a {@link NetworkEmulator} in front of one edge) and a node without the publisher. The clients
 * allow 1 s of silence and 4 s for a join ({@link StallTolerantFailover}): a loaded machine stalled
 * the test's threads for 273 ms once, and the 271 ms default allowance then made a failover of the
 * switch under test; a first join answered after the default 1.5 s put a client on its second node
 * from the start.
 */
class NodeSwitchIT {

    /** 15 s at a frame every 10 ms: time to degrade, probe and switch (about 4 s), then to stay. */
    private static final int FRAMES = 1500;

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    @Test
    @Timeout(90)
    void lossyNode_viewerMovesToTheCleanNode_andDoesNotMoveBack() throws Exception {
        try (RelayNode origin = RelayNode.builder().build().start();
                RelayNode edgeA = RelayNode.builder().upstream(origin.localAddress()).build().start();
                RelayNode edgeB = RelayNode.builder().upstream(origin.localAddress()).build().start();
                NetworkEmulator lossy = NetworkEmulator.builder().target(edgeA.localAddress())
                        .toTarget(LinkModel.builder().propagationDelayNs(2_000_000).constantCapacityBps(200_000_000))
                        .fromTarget(LinkModel.builder().propagationDelayNs(2_000_000).randomLoss(0.15)
                                .constantCapacityBps(200_000_000))
                        .build().start()) {
            StateLog log = new StateLog(new FrameCollector(FRAMES - 1));
            InetSocketAddress viaLossyPath = lossy.localAddress();
            // The broadcaster first: with media flowing the lossy path never looks silent (with
            // keepalive answers alone, three lost in a row would count as a dead node).
            try (Broadcaster broadcaster = BroadcastThroughRelayIT.connectedBroadcaster(origin,
                    new AtomicInteger(), StallTolerantFailover.POLICY)) {
                try (Viewer viewer = Viewer.builder().nodes(List.of(viaLossyPath, edgeB.localAddress()))
                        .failover(StallTolerantFailover.POLICY)
                        .streamId("it-show").listener(log).build().start();
                        OpsMonitor ops = watching(viewer)) {
                    FrameCollector.await(log.frames.connected, FrameCollector.CONNECT_WAIT_S, "viewer connected");
                    assertJoined("viewer", log, viaLossyPath);
                    BroadcastThroughRelayIT.sendFrames(broadcaster, FRAMES, null);
                    awaitLastFrame(log, viewer, 25, () -> "origin " + origin.stats() + "; edge A " + edgeA.stats()
                            + "; edge B " + edgeB.stats() + "; " + broadcaster.stats() + "; " + lossy.stats());
                    List<String> switches = log.switches();
                    assertEquals(1, switches.size(), "one switch, never back: " + log.changes());
                    assertTrue(switches.get(0).startsWith("DEGRADED_PATH " + viaLossyPath + " -> "
                            + edgeB.localAddress()), switches.get(0));
                    assertEquals(1, edgeB.stats().subscribers(), "on the clean node: " + log.changes());
                    assertEquals(0, edgeA.stats().subscribers(), "left the lossy one: " + log.changes());
                    assertEquals(ConnectionState.CONNECTED, viewer.state());
                    assertEquals(0, viewer.failoverCount(), "a switch is not a failover: " + log.changes());
                    assertEquals(0, log.frames.corrupted());
                    assertOpsSeeOneMove(ops, viewer, NodeSwitchReason.DEGRADED_PATH, viaLossyPath, edgeB.localAddress());
                }
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    @Test
    @Timeout(60)
    void nodeWithoutThePublisher_viewerMovesToTheNodeThatHasIt() throws Exception {
        try (RelayNode a = RelayNode.builder().build().start(); RelayNode b = RelayNode.builder().build().start()) {
            StateLog log = new StateLog(new FrameCollector(FRAMES / 5 - 1));
            FailoverPolicy policy = StallTolerantFailover.tolerantPolicy()
                    .joinTimeoutMs(StallTolerantFailover.JOIN_TIMEOUT_MS).noPublisherTimeoutMs(1000).build();
            try (Viewer viewer = Viewer.builder().nodes(List.of(a.localAddress(), b.localAddress()))
                    .failover(policy).streamId("it-show").listener(log).build().start();
                    OpsMonitor ops = watching(viewer)) {
                FrameCollector.await(log.frames.connected, FrameCollector.CONNECT_WAIT_S, "viewer connected");
                assertEquals(1, a.stats().subscribers(), "on A, which has no publisher and no cascade");
                // The broadcaster only knows B (say it failed over there). It streams from the
                // start: frames sent while the viewer is still on A are lost to it, the rest arrive.
                try (Broadcaster broadcaster = BroadcastThroughRelayIT.connectedBroadcaster(b,
                        new AtomicInteger(), policy)) {
                    BroadcastThroughRelayIT.sendFrames(broadcaster, FRAMES / 5, null);
                    awaitLastFrame(log, viewer, 10, () -> "A " + a.stats() + "; B " + b.stats() + "; "
                            + broadcaster.stats());
                    assertEquals(List.of("NO_PUBLISHER"), log.switches().stream()
                            .map(s -> s.substring(0, s.indexOf(' '))).toList(), log.changes().toString());
                    assertEquals(1, b.stats().subscribers());
                    assertEquals(0, a.stats().subscribers());
                    assertEquals(ConnectionState.CONNECTED, viewer.state());
                    assertOpsSeeOneMove(ops, viewer, NodeSwitchReason.NO_PUBLISHER, a.localAddress(), b.localAddress());
                }
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    @Test
    @Timeout(90)
    void lossyIngestPath_broadcasterMovesToTheCleanNode_viewersKeepReceiving_andItDoesNotMoveBack() throws Exception {
        try (HostStallMonitor stalls = HostStallMonitor.start(); RelayNode a = RelayNode.builder().build().start();
                RelayNode b = RelayNode.builder().upstream(a.localAddress()).build().start();
                NetworkEmulator lossyIngest = NetworkEmulator.builder().target(a.localAddress())
                        .toTarget(LinkModel.builder().propagationDelayNs(2_000_000).randomLoss(0.15)
                                .constantCapacityBps(200_000_000))
                        .fromTarget(LinkModel.builder().propagationDelayNs(2_000_000).constantCapacityBps(200_000_000))
                        .build().start()) {
            InetSocketAddress viaLossyPath = lossyIngest.localAddress();
            StateLog onA = new StateLog(new FrameCollector(FRAMES - 1));
            StateLog onB = new StateLog(new FrameCollector(FRAMES - 1));
            StateLog broadcasterLog = new StateLog(null);
            // One viewer on A, where the broadcaster starts (over the lossy path); one on B, which
            // gets the stream from A by cascade until the broadcaster publishes on B itself.
            FailoverPolicy policy = StallTolerantFailover.POLICY;
            try (Viewer viewerA = Viewer.builder().nodes(List.of(a.localAddress(), b.localAddress()))
                    .failover(policy).streamId("it-show").listener(onA).build().start();
                    Viewer viewerB = Viewer.builder().nodes(List.of(b.localAddress(), a.localAddress()))
                            .failover(policy).streamId("it-show").listener(onB).build().start()) {
                FrameCollector.await(onA.frames.connected, FrameCollector.CONNECT_WAIT_S, "viewer on A connected");
                FrameCollector.await(onB.frames.connected, FrameCollector.CONNECT_WAIT_S, "viewer on B connected");
                assertJoined("viewer on A", onA, a.localAddress());
                assertJoined("viewer on B", onB, b.localAddress());
                try (Broadcaster broadcaster = Broadcaster.builder().nodes(List.of(viaLossyPath, b.localAddress()))
                        .streamId("it-show").bitrateLimits(4_000_000, 5_000_000, 8_000_000).failover(policy)
                        .listener(broadcasterLog).build().start()) {
                    FrameCollector.await(broadcasterLog.latch(ConnectionState.CONNECTED), FrameCollector.CONNECT_WAIT_S,
                            "broadcaster connected");
                    assertJoined("broadcaster", broadcasterLog, viaLossyPath);
                    long startNs = System.nanoTime();
                    BroadcastThroughRelayIT.sendFrames(broadcaster, FRAMES, null);
                    Supplier<String> nodes = () -> "A " + a.stats() + "; B " + b.stats() + "; "
                            + broadcaster.stats() + "; " + lossyIngest.stats() + "; broadcaster " + broadcasterLog.changes()
                            + ", switched at " + seconds(broadcasterLog.switchTimesNs(), startNs) + " s; viewer on A switched at "
                            + seconds(onA.switchTimesNs(), startNs) + " s, on B at " + seconds(onB.switchTimesNs(), startNs)
                            + " s (from the first frame sent); " + stalls.describe(startNs) + "; kernel receive-buffer drops:"
                            + socketDrops("viewer on A", viewerA.localAddress()) + socketDrops("viewer on B", viewerB.localAddress())
                            + socketDrops("broadcaster", broadcaster.localAddress()) + socketDrops("A", a.localAddress())
                            + socketDrops("B", b.localAddress());
                    awaitLastFrame(onA, viewerA, 25, nodes);
                    awaitLastFrame(onB, viewerB, 25, nodes);
                    List<String> switches = broadcasterLog.switches();
                    assertEquals(1, switches.size(), "one switch, never back: " + broadcasterLog.changes());
                    assertTrue(switches.get(0).startsWith("DEGRADED_PATH " + viaLossyPath + " -> " + b.localAddress()),
                            switches.get(0));
                    assertEquals(1, b.stats().publishers(), "publishing on the clean node");
                    assertEquals(0, a.stats().publishers(), "left the lossy one");
                    assertEquals(ConnectionState.CONNECTED, broadcaster.state());
                    assertEquals(List.of(b.localAddress()), broadcaster.carryingNodes(), "the node moved to carries it");
                    assertEquals(0, broadcaster.failoverCount(), "a switch is not a failover: " + broadcasterLog.changes());
                    assertEquals(1, broadcaster.stats().nodeSwitches(NodeSwitchReason.DEGRADED_PATH),
                            broadcaster.stats().toString());
                    for (StateLog log : List.of(onA, onB)) {
                        List<Long> times = log.frames.deliveryTimesNs();
                        long gapMs = longestGapMs(times);
                        // Judged net of the host stalls inside each gap: during a stall no thread
                        // of this JVM (sender, emulator, relays, viewer) could move a frame, so
                        // that time is the host's, not the switch's (a run failed with a 1091 ms
                        // gap of which 934 ms were host stalls). The budget itself is unchanged.
                        long netGapMs = TimeUnit.NANOSECONDS.toMillis(stalls.longestGapWithoutStallsNs(times));
                        String where = gapDetail(log.frames, startNs, broadcasterLog, onA, stalls);
                        System.out.println("NodeSwitchIT viewer on " + (log == onA ? "A" : "B")
                                + ": longest gap between frames " + gapMs + " ms; less host stalls, " + netGapMs
                                + " ms; switches " + log.switches() + "; " + where + "; "
                                + (log == onA ? viewerA : viewerB).stats() + "; " + lossyIngest.stats());
                        assertTrue(netGapMs <= 1000, "longest gap between frames less host stalls " + netGapMs
                                + " ms (failover budget 1 s); longest gap with them " + gapMs + " ms; " + where + "; "
                                + log.changes() + "; " + nodes.get());
                        assertEquals(0, log.frames.corrupted());
                    }
                    // A announces that its publisher left (NO_PUBLISHER), or, if that news is late
                    // (a lost LEAVE waits for A's session timeout), the viewer finds A silent and
                    // the stream on B first (MEDIA_SILENCE): either way one move, to B.
                    List<String> moves = onA.switches().stream().map(s -> s.substring(0, s.indexOf(' '))).toList();
                    assertTrue(moves.equals(List.of("NO_PUBLISHER")) || moves.equals(List.of("MEDIA_SILENCE")),
                            "the viewer on A followed the publisher to B: " + onA.changes());
                }
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    private static long longestGapMs(List<Long> deliveryTimesNs) {
        long longestNs = 0;
        for (int i = 1; i < deliveryTimesNs.size(); i++) {
            longestNs = Math.max(longestNs, deliveryTimesNs.get(i) - deliveryTimesNs.get(i - 1));
        }
        return longestNs / 1_000_000;
    }

    /**
     * The set-up put the client where the case needs it: under load a first join answered after
     * the default 1.5 s join timeout sent the "viewer on A" to B from the start (session 12), and
     * the case then failed on what followed, not on the switch it tests.
     */
    private static void assertJoined(String client, StateLog log, InetSocketAddress node) {
        assertTrue(log.changes().stream().anyMatch(c -> c.startsWith("CONNECTED: joined " + node + " ")),
                "set-up: the " + client + " first joined " + node + ": " + log.changes());
    }

    /** A monitor, sampled by hand, watching the viewer before it can move (moves are logged from the watch on). */
    private static OpsMonitor watching(Viewer viewer) {
        OpsMonitor ops = OpsMonitor.builder().build();
        ops.watch(viewer, new Subject("it-show", "viewer-1", "edge", "eu-west"));
        return ops;
    }

    /**
     * The viewer's one move, seen as an operator sees it with no listener of the application: in
     * its stats, in an {@link OpsMonitor}'s statistics and event log, and in the Prometheus text.
     */
    private static void assertOpsSeeOneMove(OpsMonitor ops, Viewer viewer, NodeSwitchReason reason,
            InetSocketAddress from, InetSocketAddress to) {
        for (NodeSwitchReason r : NodeSwitchReason.values()) {
            assertEquals(r == reason ? 1 : 0, viewer.stats().nodeSwitches(r), r + ": " + viewer.stats());
        }
        assertEquals(0, viewer.failoverCount());
        OpsSnapshot snapshot = ops.sample(0);
        ReceiveStreamStats rx = snapshot.receive().get(0);
        assertEquals(1, reason.countIn(rx.nodeSwitches()), rx.toString());
        assertEquals(1, rx.nodeSwitches().total(), rx.toString());
        assertEquals(1, snapshot.recentNodeSwitches().size(), snapshot.recentNodeSwitches().toString());
        NodeSwitchEvent event = snapshot.recentNodeSwitches().get(0);
        assertEquals(List.of(reason, from.getHostString() + ":" + from.getPort(), to.getHostString() + ":" + to.getPort()),
                List.of(event.reason(), event.from(), event.to()), event.toString());
        assertTrue(!event.detail().isEmpty(), event.toString());
        String scrape = PrometheusText.write(OpsMetrics.of(snapshot));
        String line = "smoothcast_stream_node_switches_total{stream=\"it-show\",node=\"edge\",region=\"eu-west\","
                + "direction=\"receive\",reason=\"" + reason.label() + "\"} 1";
        assertTrue(scrape.lines().anyMatch(line::equals), line + " in\n" + scrape);
    }

    /** Where the longest gap lies against the switches, and how much of it the host stalled. */
    private static String gapDetail(FrameCollector frames, long originNs, StateLog broadcaster, StateLog viewerOnA,
            HostStallMonitor stalls) {
        List<Long> timesNs = frames.deliveryTimesNs();
        List<Integer> indices = frames.indices();
        int at = 1;
        for (int i = 1; i < timesNs.size(); i++) {
            if (timesNs.get(i) - timesNs.get(i - 1) > timesNs.get(at) - timesNs.get(at - 1)) {
                at = i;
            }
        }
        if (timesNs.size() < 2) {
            return "fewer than two frames";
        }
        long fromNs = timesNs.get(at - 1);
        long toNs = timesNs.get(at);
        return String.format("gap from %.3f s to %.3f s (frames %d-%d), host stalled %d ms of it; broadcaster switched"
                + " at %s s, viewer on A at %s s; %s", (fromNs - originNs) / 1e9, (toNs - originNs) / 1e9, indices.get(at - 1),
                indices.get(at),
                stalls.stalledNs(fromNs, toNs) / 1_000_000, seconds(broadcaster.switchTimesNs(), originNs),
                seconds(viewerOnA.switchTimesNs(), originNs), stalls.describe(originNs));
    }

    /** A socket's kernel receive-buffer drops, for failure messages: " name N". */
    private static String socketDrops(String name, InetSocketAddress local) {
        return " " + name + " " + KernelUdpDrops.ofPort(local.getPort())[1];
    }

    private static String seconds(List<Long> timesNs, long originNs) {
        return timesNs.stream().map(t -> String.format("%.3f", (t - originNs) / 1e9)).toList().toString();
    }

    /**
     * Waits for the stream's last frame; on timeout the message carries the state log, the
     * viewer's stats and {@code context} (the nodes' and the broadcaster's) as they are then.
     */
    private static void awaitLastFrame(StateLog log, Viewer viewer, long seconds,
            Supplier<String> context) throws InterruptedException {
        if (!log.frames.lastFrame.await(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("timed out after " + seconds + " s waiting for the last frame; "
                    + log.changes() + "; " + viewer.stats() + "; " + context.get());
        }
    }
}
