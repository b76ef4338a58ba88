package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.netsim.LinkModel;
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
 * allow 1 s of silence ({@link StallTolerantFailover}): a loaded machine stalled the test's threads for
 * 273 ms once, and the 271 ms default allowance then made a failover of the switch under test.
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
                    new AtomicInteger(), StallTolerantFailover.tolerantPolicy().build())) {
                try (Viewer viewer = Viewer.builder().nodes(List.of(viaLossyPath, edgeB.localAddress()))
                        .failover(StallTolerantFailover.tolerantPolicy().build())
                        .streamId("it-show").listener(log).build().start()) {
                    FrameCollector.await(log.frames.connected, 5, "viewer connected");
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
            FailoverPolicy policy = StallTolerantFailover.tolerantPolicy().noPublisherTimeoutMs(1000).build();
            try (Viewer viewer = Viewer.builder().nodes(List.of(a.localAddress(), b.localAddress()))
                    .failover(policy).streamId("it-show").listener(log).build().start()) {
                FrameCollector.await(log.frames.connected, 5, "viewer connected");
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
                }
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    @Test
    @Timeout(90)
    void lossyIngestPath_broadcasterMovesToTheCleanNode_viewersKeepReceiving_andItDoesNotMoveBack() throws Exception {
        try (RelayNode a = RelayNode.builder().build().start();
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
            FailoverPolicy policy = StallTolerantFailover.tolerantPolicy().build();
            try (Viewer viewerA = Viewer.builder().nodes(List.of(a.localAddress(), b.localAddress()))
                    .failover(policy).streamId("it-show").listener(onA).build().start();
                    Viewer viewerB = Viewer.builder().nodes(List.of(b.localAddress(), a.localAddress()))
                            .failover(policy).streamId("it-show").listener(onB).build().start()) {
                FrameCollector.await(onA.frames.connected, 5, "viewer on A connected");
                FrameCollector.await(onB.frames.connected, 5, "viewer on B connected");
                try (Broadcaster broadcaster = Broadcaster.builder().nodes(List.of(viaLossyPath, b.localAddress()))
                        .streamId("it-show").bitrateLimits(4_000_000, 5_000_000, 8_000_000).failover(policy)
                        .listener(broadcasterLog).build().start()) {
                    FrameCollector.await(broadcasterLog.latch(ConnectionState.CONNECTED), 5, "broadcaster connected");
                    BroadcastThroughRelayIT.sendFrames(broadcaster, FRAMES, null);
                    Supplier<String> nodes = () -> "A " + a.stats() + "; B " + b.stats() + "; "
                            + broadcaster.stats() + "; " + lossyIngest.stats();
                    awaitLastFrame(onA, viewerA, 25, nodes);
                    awaitLastFrame(onB, viewerB, 25, nodes);
                    List<String> switches = broadcasterLog.switches();
                    assertEquals(1, switches.size(), "one switch, never back: " + broadcasterLog.changes());
                    assertTrue(switches.get(0).startsWith("DEGRADED_PATH " + viaLossyPath + " -> " + b.localAddress()),
                            switches.get(0));
                    assertEquals(1, b.stats().publishers(), "publishing on the clean node");
                    assertEquals(0, a.stats().publishers(), "left the lossy one");
                    assertEquals(ConnectionState.CONNECTED, broadcaster.state());
                    assertEquals(0, broadcaster.failoverCount(), "a switch is not a failover: " + broadcasterLog.changes());
                    for (StateLog log : List.of(onA, onB)) {
                        long gapMs = longestGapMs(log.frames.deliveryTimesNs());
                        System.out.println("NodeSwitchIT viewer on " + (log == onA ? "A" : "B")
                                + ": longest gap between frames " + gapMs + " ms; " + (log == onA ? viewerA : viewerB).stats());
                        assertTrue(gapMs <= 1000, "longest gap between frames " + gapMs + " ms (failover budget 1 s); "
                                + log.changes() + "; broadcaster " + broadcasterLog.changes());
                        assertEquals(0, log.frames.corrupted());
                    }
                    assertEquals(List.of("NO_PUBLISHER"), onA.switches().stream()
                            .map(s -> s.substring(0, s.indexOf(' '))).toList(),
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
