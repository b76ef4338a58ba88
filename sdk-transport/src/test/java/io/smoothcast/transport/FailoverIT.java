package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.transport.internal.LoopbackNodePorts;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Node deaths over real UDP sockets on 127.0.0.1: a node is killed abruptly (its socket closed,
 * no goodbye) while a stream flows, and the clients must carry on by themselves.
 */
class FailoverIT {

    private static final int FRAMES = 300;
    private static final int KILL_AT_FRAME = 100;
    /** The flapping case's last kill: not before this frame, once the viewer has settled. */
    private static final int LAST_KILL_EARLIEST_FRAME = 160;
    /** Frames (10 ms each) without a state change, and with frames delivered, that make a viewer settled. */
    private static final int SETTLED_FRAMES = 20;
    /** A viewer not settled on a healthy node by this frame fails the flapping case. */
    private static final int LAST_KILL_LATEST_FRAME = 240;
    /** Generous: the machine is shared; resumption normally takes a few hundred ms. */
    private static final long RESUME_DEADLINE_NS = 3_000_000_000L;

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    @Test
    @Timeout(60)
    void viewersNode_killedMidStream_viewerResumesOnTheNextNode() throws Exception {
        try (RelayNode origin = RelayNode.builder().build().start();
                RelayNode edgeA = RelayNode.builder().upstream(origin.localAddress()).build().start();
                RelayNode edgeB = RelayNode.builder().upstream(origin.localAddress()).build().start()) {
            StateLog log = new StateLog(new FrameCollector(FRAMES - 1));
            try (Viewer viewer = Viewer.builder().nodes(List.of(edgeA.localAddress(), edgeB.localAddress()))
                    .streamId("it-show").listener(log).build().start()) {
                FrameCollector.await(log.frames.connected, 5, "viewer connected");
                try (Broadcaster broadcaster = BroadcastThroughRelayIT.connectedBroadcaster(origin,
                        new java.util.concurrent.atomic.AtomicInteger())) {
                    AtomicLong killNs = new AtomicLong();
                    BroadcastThroughRelayIT.sendFrames(broadcaster, FRAMES, i -> {
                        if (i == KILL_AT_FRAME) {
                            killNs.set(System.nanoTime());
                            new Thread(edgeA::close).start();
                        }
                    });
                    FrameCollector.await(log.frames.lastFrame, 10, "last frame after the failover");
                    assertResumed(log, killNs.get());
                    assertEquals(1, viewer.failoverCount(), log.changes().toString());
                    assertEquals(1, edgeB.stats().subscribers(), "the viewer moved to edge B");
                }
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    @Test
    @Timeout(60)
    void ingestNode_killedMidStream_broadcasterAndViewersResumeOnTheNextNode() throws Exception {
        try (RelayNode a = RelayNode.builder().build().start(); RelayNode b = RelayNode.builder().build().start()) {
            List<InetSocketAddress> nodes = List.of(a.localAddress(), b.localAddress());
            List<StateLog> logs = new ArrayList<>();
            List<Viewer> viewers = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    StateLog log = new StateLog(new FrameCollector(FRAMES - 1));
                    logs.add(log);
                    viewers.add(Viewer.builder().nodes(nodes).streamId("it-show").listener(log).build().start());
                    FrameCollector.await(log.frames.connected, 5, "viewer connected");
                }
                StateLog broadcasterLog = new StateLog(null);
                // The 2.4 Mbps synthetic source ignores the target: start (and stay) above it, or
                // frames wait in the pacer at the controller's pace and the send-delay limit,
                // kept at its default here, drops them.
                try (Broadcaster broadcaster = Broadcaster.builder().nodes(nodes).streamId("it-show")
                        .bitrateLimits(4_000_000, 5_000_000, 8_000_000)
                        .listener(broadcasterLog).build().start()) {
                    FrameCollector.await(broadcasterLog.latch(ConnectionState.CONNECTED), 5, "broadcaster connected");
                    var reconnected = broadcasterLog.expect(ConnectionState.CONNECTED);
                    AtomicLong killNs = new AtomicLong();
                    BroadcastThroughRelayIT.sendFrames(broadcaster, FRAMES, i -> {
                        if (i == KILL_AT_FRAME) {
                            killNs.set(System.nanoTime());
                            new Thread(a::close).start();
                        }
                    });
                    FrameCollector.await(reconnected, 5, "broadcaster resumed");
                    for (StateLog log : logs) {
                        FrameCollector.await(log.frames.lastFrame, 10, "last frame after the failover");
                        assertResumed(log, killNs.get());
                    }
                    assertEquals(1, broadcaster.failoverCount(), broadcasterLog.changes().toString());
                    assertTrue(broadcasterLog.changes().stream().anyMatch(c -> c.startsWith("RECONNECTING")),
                            broadcasterLog.changes().toString());
                    assertEquals(1, b.stats().publishers());
                    assertEquals(2, b.stats().subscribers());
                }
            } finally {
                viewers.forEach(Viewer::close);
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    @Test
    @Timeout(60)
    void allNodesDown_failedAfterTheGiveUpTime_thenRecoversWhenTheNodeReturns() throws Exception {
        FailoverPolicy policy = FailoverPolicy.builder().giveUpMs(600).backoffBaseMs(50).backoffMaxMs(200)
                .joinTimeoutMs(200).build();
        // Restarted on its port below: a port-0 bind's ephemeral port could be taken meanwhile.
        RelayNode first = LoopbackNodePorts.startBelowEphemeralRange(RelayNode.builder());
        InetSocketAddress address = first.localAddress();
        StateLog log = new StateLog(new FrameCollector(Integer.MAX_VALUE));
        try (Viewer viewer = Viewer.builder().node(address).streamId("it-show").failover(policy).listener(log)
                .build().start()) {
            FrameCollector.await(log.latch(ConnectionState.CONNECTED), 5, "viewer connected");
            var reconnecting = log.expect(ConnectionState.RECONNECTING);
            var failed = log.expect(ConnectionState.FAILED);
            var recovered = log.expect(ConnectionState.CONNECTED);
            first.close();
            FrameCollector.await(reconnecting, 5, "RECONNECTING after the node died");
            FrameCollector.await(failed, 5, "FAILED after the give-up time");
            assertEquals(1, recovered.getCount(), "no recovery while the node is down: " + log.changes());
            assertEquals(ConnectionState.FAILED, viewer.state());
            List<String> changes;
            try (RelayNode again = RelayNode.builder().bindAddress(address).build().start()) {
                FrameCollector.await(recovered, 5, "CONNECTED once the node is back");
                assertEquals(ConnectionState.CONNECTED, viewer.state());
                assertEquals(1, again.stats().subscribers());
                changes = log.changes(); // while the node still runs: its close is no part of the test
            }
            List<String> states = changes.stream().map(c -> c.substring(0, c.indexOf(':'))).toList();
            int firstConnected = states.indexOf("CONNECTED");
            // A first join slower than the give-up time (a cold JVM on a loaded machine: session 9
            // saw it in 1 of 12 runs) is reported FAILED before CONNECTED, as the policy says;
            // what this test is about starts at the first CONNECTED.
            assertTrue(states.subList(0, firstConnected).equals(List.of("CONNECTING"))
                    || states.subList(0, firstConnected).equals(List.of("CONNECTING", "FAILED")), changes.toString());
            assertEquals(List.of("CONNECTED", "RECONNECTING", "FAILED", "CONNECTED"),
                    states.subList(firstConnected, states.size()), changes.toString());
        }
        NettyLeaks.assertNoLeaks();
    }

    @Test
    @Timeout(60)
    void flappingNode_isTriedLast_theViewerPrefersAHealthyNode() throws Exception {
        try (RelayNode origin = RelayNode.builder().build().start();
                RelayNode edgeB = RelayNode.builder().upstream(origin.localAddress()).build().start();
                RelayNode edgeC = RelayNode.builder().upstream(origin.localAddress()).build().start()) {
            // Restarted on its port below: a port-0 bind's ephemeral port could be taken meanwhile.
            RelayNode edgeA = LoopbackNodePorts.startBelowEphemeralRange(
                    RelayNode.builder().upstream(origin.localAddress()));
            InetSocketAddress addressA = edgeA.localAddress();
            StateLog log = new StateLog(new FrameCollector(FRAMES - 1));
            RelayNode[] flapping = {edgeA};
            RelayNode[] killed = new RelayNode[1];
            RelayNode[] healthyLeft = new RelayNode[1];
            List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
            int[] changeCounts = new int[FRAMES];
            int[] deliveredCounts = new int[FRAMES];
            try (Viewer viewer = Viewer.builder()
                    .nodes(List.of(addressA, edgeB.localAddress(), edgeC.localAddress()))
                    .streamId("it-show").listener(log).build().start()) {
                FrameCollector.await(log.frames.connected, 5, "viewer connected");
                try (Broadcaster broadcaster = BroadcastThroughRelayIT.connectedBroadcaster(origin,
                        new java.util.concurrent.atomic.AtomicInteger())) {
                    AtomicLong killNs = new AtomicLong();
                    AtomicLong failoversBeforeLastKill = new AtomicLong();
                    // Without catching up: this case schedules its kills and its deadlines by frame
                    // index, which stands for time only if no frames are sent in bursts. A sender
                    // at a fixed rate sends the frames a stalled thread missed at once; under host
                    // stalls that compressed the timeline two ways (session 15, 300-400 ms stops of
                    // the JVM: 3 failures in 6 runs, against 0 in 6 without catching up, alternated).
                    // A's death and return fell inside one stall and frame 240 came right after,
                    // before the viewer could settle anywhere ("not settled by frame 240", the
                    // broadcaster at 239 frames, the viewer at 0-3). Or frame 299 came within
                    // milliseconds of the last kill, before the viewer noticed the silence (up to
                    // 600 ms) and the healthy edge had joined the origin for it: the stream was
                    // over ("no last frame within 10 s", that edge forwarded=1, the broadcaster
                    // done with its 300 frames).
                    BroadcastThroughRelayIT.sendFrames(broadcaster, FRAMES, i -> {
                        // A dies and comes back twice; then the healthy node carrying the viewer
                        // dies, once the viewer has settled there (no state change and frames
                        // delivered for the last SETTLED_FRAMES frames). That is B, the viewer's
                        // second node, unless B had not announced the stream (an edge fetching it
                        // from the origin) when C, asked at once in the publisher search, did:
                        // then the viewer rightly moved on to C, the stream's quickest way back.
                        // Either way the flapping A, failed before, must be tried after the
                        // healthy node left.
                        changeCounts[i] = log.changes().size();
                        deliveredCounts[i] = log.frames.indices().size();
                        if (i == 40 || i == 120) {
                            RelayNode dying = flapping[0];
                            new Thread(dying::close).start();
                        } else if (i == 80) {
                            flapping[0] = RelayNode.builder().upstream(origin.localAddress()).bindAddress(addressA)
                                    .build();
                            new Thread(flapping[0]::start).start();
                        } else if (i >= LAST_KILL_EARLIEST_FRAME && killed[0] == null && problems.isEmpty()) {
                            List<InetSocketAddress> carrying = viewer.carryingNodes();
                            boolean settled = changeCounts[i - SETTLED_FRAMES] == changeCounts[i]
                                    && deliveredCounts[i - SETTLED_FRAMES] < deliveredCounts[i];
                            if (settled && carrying.equals(List.of(edgeB.localAddress()))) {
                                killed[0] = edgeB;
                                healthyLeft[0] = edgeC;
                            } else if (settled && carrying.equals(List.of(edgeC.localAddress()))) {
                                killed[0] = edgeC;
                                healthyLeft[0] = edgeB;
                            } else if (i == LAST_KILL_LATEST_FRAME) {
                                problems.add("by frame " + i + " the viewer had not settled on one healthy node: on "
                                        + carrying + " (A=" + addressA + " B=" + edgeB.localAddress() + " C="
                                        + edgeC.localAddress() + "), states " + log.changes() + ", frames "
                                        + log.frames.indices()
                                        + "; viewer " + viewer.stats() + "; broadcaster " + broadcaster.state() + " "
                                        + broadcaster.stats() + "; origin " + origin.stats() + "; B " + edgeB.stats()
                                        + "; C " + edgeC.stats());
                            }
                            if (killed[0] != null) {
                                failoversBeforeLastKill.set(viewer.failoverCount());
                                killNs.set(System.nanoTime());
                                new Thread(killed[0]::close).start();
                            }
                        }
                    }, false);
                    assertEquals(List.of(), problems);
                    java.util.function.Supplier<String> context = () -> "A=" + addressA + " B=" + edgeB.localAddress()
                            + " C=" + edgeC.localAddress() + ", killed last: " + killed[0].localAddress()
                            + "; states " + log.changes() + "; viewer " + viewer.stats() + "; A " + flapping[0].stats()
                            + "; B " + edgeB.stats() + "; C " + edgeC.stats() + "; origin " + origin.stats()
                            + "; broadcaster " + broadcaster.state() + " " + broadcaster.stats() + "; frames "
                            + log.frames.indices();
                    assertTrue(log.frames.lastFrame.await(10, java.util.concurrent.TimeUnit.SECONDS),
                            () -> "no last frame within 10 s after two failovers; " + context.get());
                    assertResumed(log, killNs.get());
                    // Normally two failovers in all (A, then B). On a loaded machine a stalled sender
                    // catches up in a burst, so A can die and return within one of the viewer's
                    // stalls; the viewer then leaves A by a switch (A answering without the stream)
                    // instead. The last kill, of a node the viewer had settled on, is one failover.
                    assertEquals(failoversBeforeLastKill.get() + 1, viewer.failoverCount(), context);
                    assertEquals(List.of(healthyLeft[0].localAddress()), viewer.carryingNodes(), () ->
                            "the healthy node left chosen over the flapping A: " + context.get());
                    assertEquals(1, healthyLeft[0].stats().subscribers(), context);
                }
            } finally {
                flapping[0].close();
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    @Test
    @Timeout(60)
    void redundantMode_oneNodeKilled_zeroFramesLost() throws Exception {
        FailoverPolicy redundant = FailoverPolicy.builder().redundant(true).build();
        try (RelayNode a = RelayNode.builder().build().start(); RelayNode b = RelayNode.builder().build().start()) {
            List<InetSocketAddress> nodes = List.of(a.localAddress(), b.localAddress());
            StateLog log = new StateLog(new FrameCollector(FRAMES - 1));
            // A generous fixed playout delay: scheduling stalls of a loaded machine must not cost
            // frames, so that any frame lost would be the kill's.
            try (Viewer viewer = Viewer.builder().nodes(nodes).failover(redundant).streamId("it-show").listener(log)
                    .fixedPlayoutDelayMs(800).build().start()) {
                FrameCollector.await(log.frames.connected, 5, "viewer connected");
                StateLog broadcasterLog = new StateLog(null);
                // Every frame counted, as connectedBroadcaster: above the 2.4 Mbps synthetic
                // source, and no send-delay limit, so a stall of a loaded host or the kill's back-off
                // cannot turn into frames the broadcaster chose to drop.
                try (Broadcaster broadcaster = Broadcaster.builder().nodes(nodes).failover(redundant)
                        .bitrateLimits(4_000_000, 5_000_000, 8_000_000).maxSendDelay(Broadcaster.NO_SEND_DELAY_LIMIT)
                        .streamId("it-show").listener(broadcasterLog).build().start()) {
                    FrameCollector.await(broadcasterLog.latch(ConnectionState.CONNECTED), 5, "broadcaster connected");
                    waitUntil(() -> a.stats().publishers() == 1 && b.stats().publishers() == 1
                            && a.stats().subscribers() == 1 && b.stats().subscribers() == 1, "both paths joined");
                    BroadcastThroughRelayIT.sendFrames(broadcaster, FRAMES, i -> {
                        if (i == KILL_AT_FRAME) {
                            new Thread(a::close).start();
                        }
                    });
                    FrameCollector.await(log.frames.lastFrame, 10, "last frame");
                    // Under heavy machine load the very first frames can miss their playout start;
                    // what this test is about is that nothing goes missing from there on, across
                    // the kill.
                    List<Integer> indices = log.frames.indices();
                    int first = indices.isEmpty() ? FRAMES : indices.get(0);
                    assertTrue(first < KILL_AT_FRAME / 2, "stream started late: first frame " + first);
                    assertEquals(IntStream.range(first, FRAMES).boxed().toList(), indices,
                            "every frame from the first on exactly once, in order, across the kill");
                    assertEquals(0, log.frames.corrupted());
                    assertEquals(ConnectionState.CONNECTED, viewer.state(), log.changes().toString());
                    assertEquals(0, viewer.failoverCount(), "never without a node: " + log.changes());
                }
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    /** Frames resumed after the kill, arrived in increasing order, and intact. */
    private static void assertResumed(StateLog log, long killNs) {
        List<Integer> indices = log.frames.indices();
        List<Long> times = log.frames.deliveryTimesNs();
        assertEquals(0, log.frames.corrupted());
        for (int i = 1; i < indices.size(); i++) {
            assertTrue(indices.get(i) > indices.get(i - 1), "in order, no duplicates: " + indices);
        }
        int afterKill = -1;
        for (int i = 0; i < times.size(); i++) {
            if (times.get(i) - killNs > 0 && indices.get(i) > KILL_AT_FRAME + 1) {
                afterKill = i;
                break;
            }
        }
        assertTrue(afterKill >= 0, "no frame after the kill: " + log.changes());
        assertTrue(times.get(afterKill) - killNs < RESUME_DEADLINE_NS, "resumed too late: " + log.changes());
        assertEquals(FRAMES - 1, indices.get(indices.size() - 1), "the stream played to its end");
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10); // polls relay counters that have no event to wait on
        }
    }
}
