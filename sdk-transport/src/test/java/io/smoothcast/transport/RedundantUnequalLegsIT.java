package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.netsim.LinkModel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A redundant viewer on two legs of unequal delay, over real UDP sockets on 127.0.0.1: the
 * broadcaster publishes on relays A and B, the viewer takes the stream from both through a
 * {@link NetworkEmulator} each (A 20 ms each way, B 300 ms each way), and the fast leg's emulator
 * is closed mid stream. The viewer's adaptive playout delay (the default) must already cover
 * the slow leg then, so that it alone plays every frame on time (FailoverIT's redundant case has
 * equal legs and a fixed 800 ms delay, which hides this).
 *
 * <p>The differential is 280 ms, not the 130 ms of the virtual-time tests: on a loaded loopback
 * host the delay over the fast leg alone already came to about 150 ms (the 40 ms round trip as
 * retransmission headroom, and the host's own jitter), so with the slow leg's copies not fed to
 * the estimates a 130 ms differential lost no frame, and this test could not tell. With 280 ms
 * it counted 77 frames late (150-226, 1.5 s, 2 freezes), until the leg's death restarted the
 * estimate on the slow leg.
 */
class RedundantUnequalLegsIT {

    private static final int FRAMES = 500;
    private static final long FRAME_INTERVAL_MS = 20;
    private static final long FRAME_SEED = 27;
    /**
     * 6 s in: the delay, rising from its initial 100 ms at 100 ms/s, has settled over the slow
     * leg's copies (on a quiet host by about 2 s, 40-55 ms above the slow leg's arrivals; at 3 s,
     * the first version, a CI run's was still 10 ms above them).
     */
    private static final int KILL_AT_FRAME = 300;
    /**
     * Late frames count from here on: at the start the delay begins at its initial 100 ms and
     * rises over the slow leg's copies at 100 ms/s, and on a loaded host a frame or two of the
     * first second came late (a starved emulator held the fast leg's packets 70 ms).
     */
    private static final int LATE_COUNTED_FROM_FRAME = 50;
    /**
     * Late frames, beyond those the host's measured stalls explain, that a loaded host may still
     * cause (see the assertion); 77 without the copies fed.
     */
    private static final int MAX_LATE_FRAMES_FROM_HOST_STALLS = 5;
    private static final long FAST_ONE_WAY_NS = 20_000_000L;
    private static final long SLOW_ONE_WAY_NS = 300_000_000L;

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    @Test
    @Timeout(90)
    void fastLegDies_theSlowLegAlonePlaysEveryFrameOnTime() throws Exception {
        // Tolerant of a loaded host's stalls (a stall must not drop the slow leg as well); the
        // fast leg's death is then noticed after about 1.1 s of silence, frames flow meanwhile.
        FailoverPolicy redundant = StallTolerantFailover.tolerantPolicy().redundant(true)
                .joinTimeoutMs(StallTolerantFailover.JOIN_TIMEOUT_MS).build();
        try (HostStallMonitor stalls = HostStallMonitor.start(); RelayNode a = RelayNode.builder().build().start();
                RelayNode b = RelayNode.builder().build().start();
                NetworkEmulator fast = legTo(a, FAST_ONE_WAY_NS); NetworkEmulator slow = legTo(b, SLOW_ONE_WAY_NS)) {
            long startNs = System.nanoTime();
            StateLog log = new StateLog(new FrameCollector(FRAMES - 1));
            LateFrames late = new LateFrames(log);
            try (Viewer viewer = Viewer.builder().nodes(List.of(fast.localAddress(), slow.localAddress()))
                    .failover(redundant).streamId("it-show").listener(late).build().start()) {
                FrameCollector.await(log.frames.connected, FrameCollector.CONNECT_WAIT_S, "viewer connected");
                StateLog broadcasterLog = new StateLog(null);
                // Every frame counted, as FailoverIT's redundant case: no send-delay limit.
                try (Broadcaster broadcaster = Broadcaster.builder().nodes(List.of(a.localAddress(), b.localAddress()))
                        .failover(redundant).bitrateLimits(4_000_000, 5_000_000, 8_000_000)
                        .maxSendDelay(Broadcaster.NO_SEND_DELAY_LIMIT).streamId("it-show").listener(broadcasterLog)
                        .build().start()) {
                    FrameCollector.await(broadcasterLog.latch(ConnectionState.CONNECTED), FrameCollector.CONNECT_WAIT_S,
                            "broadcaster connected");
                    waitUntil(() -> a.stats().publishers() == 1 && b.stats().publishers() == 1
                            && a.stats().subscribers() == 1 && b.stats().subscribers() == 1
                            && viewer.carryingNodes().size() == 2, "both legs joined");
                    AtomicReference<ViewerStats> beforeKill = new AtomicReference<>();
                    AtomicReference<ViewerStats> settling = new AtomicReference<>();
                    sendFrames(broadcaster, i -> {
                        synchronized (late) {
                            late.sentNs[i] = System.nanoTime();
                        }
                        if (i == KILL_AT_FRAME) {
                            beforeKill.set(viewer.stats());
                            new Thread(fast::close).start();
                        } else if (i == FRAMES - 100) {
                            settling.set(viewer.stats());
                        }
                    });
                    FrameCollector.await(log.frames.lastFrame, 15, "last frame");
                    ViewerStats end = viewer.stats();
                    List<Integer> lateFrames = late.notExplainedByStalls(LATE_COUNTED_FROM_FRAME, stalls);
                    String context = "late frames " + FrameCollector.ranges(late.indices()) + ", of them counted (from frame "
                            + LATE_COUNTED_FROM_FRAME + ", not explained by host stalls) " + FrameCollector.ranges(lateFrames)
                            + "; arrival/playout after sending (ms) " + late.timing() + "; " + log.changes() + "; " + end
                            + "; fast leg " + fast.stats() + "; slow leg " + slow.stats() + "; " + stalls.describe(startNs);
                    System.out.println("RedundantUnequalLegsIT: mean end-to-end latency before the kill "
                            + Math.round(meanLatencyMs(null, beforeKill.get())) + " ms, over the last 2 s "
                            + Math.round(meanLatencyMs(settling.get(), end)) + " ms; playout delay at the end "
                            + end.playoutDelayNs() / 1_000_000 + " ms; " + context);
                    assertEquals(List.of(slow.localAddress()), viewer.carryingNodes(), context);
                    List<Integer> indices = log.frames.indices();
                    int first = indices.isEmpty() ? FRAMES : indices.get(0);
                    assertTrue(first < KILL_AT_FRAME / 2, "stream started late: first frame " + first);
                    assertEquals(IntStream.range(first, FRAMES).boxed().toList(), indices,
                            "every frame from the first on exactly once, in order, across the kill: " + context);
                    assertEquals(0, log.frames.corrupted(), context);
                    // The delay covers the slow leg at its quantile (98 % of that leg's packets),
                    // 40-55 ms above the slow leg's usual arrival here (legs27, when it was 98 %
                    // of both legs' samples pooled, about 96 % of the slow leg's). A loaded host's emulator can hold a slow-leg datagram longer than that
                    // (lateness up to 94 ms in a CI run: frames 162-164 late), as it would for a
                    // viewer on that path alone; a few such frames are the host's. What this test
                    // guards against is the delay not covering the slow leg at all: 77 late frames
                    // and 2 freezes with the slow leg's copies not fed to the estimates. A frame
                    // held up between its sending and its arrival by host stalls at least as long
                    // as it came late is the host's too (no thread of this JVM could move it then),
                    // and is not counted against the bound.
                    assertTrue(lateFrames.size() <= MAX_LATE_FRAMES_FROM_HOST_STALLS,
                            "frames whose packets came after their playout time: " + context);
                    assertEquals(0, end.framesDropped(), context);
                    assertEquals(0, end.packetsLost(), context);
                    assertEquals(0, end.freezeCount(), context);
                    assertEquals(ConnectionState.CONNECTED, viewer.state(), context);
                    assertEquals(0, viewer.failoverCount(), "never without a node: " + context);
                }
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    /**
     * Hands the broadcaster one small frame (at most 1000 bytes: one packet) every 20 ms, as
     * a 50 fps stream: lighter than {@link BroadcastThroughRelayIT#sendFrames} (100 fps, up to
     * 6000 bytes), whose pacer fell seconds behind on a host at load 14 with two legs to feed.
     */
    private static void sendFrames(Broadcaster broadcaster, IntConsumer beforeEach) throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger next = new AtomicInteger();
        List<Integer> refused = new CopyOnWriteArrayList<>();
        try {
            scheduler.scheduleAtFixedRate(() -> {
                int i = next.getAndIncrement();
                if (i >= FRAMES) {
                    done.countDown();
                    return;
                }
                beforeEach.accept(i);
                byte[] frame = SyntheticFrames.frame(FRAME_SEED, i, 1000);
                if (!broadcaster.sendVideo(frame, 0, frame.length, System.nanoTime(), i % 50 == 0)) {
                    refused.add(i);
                }
            }, 0, FRAME_INTERVAL_MS, TimeUnit.MILLISECONDS);
            FrameCollector.await(done, 60, "all frames handed to the broadcaster");
        } finally {
            scheduler.shutdownNow();
        }
        assertTrue(refused.isEmpty(), () -> "frames not accepted: " + FrameCollector.ranges(refused) + "; "
                + broadcaster.stats());
    }

    /** A leg to {@code relay}: {@code oneWayNs} of delay each way, no loss. */
    private static NetworkEmulator legTo(RelayNode relay, long oneWayNs) {
        return NetworkEmulator.builder().target(relay.localAddress())
                .toTarget(LinkModel.builder().propagationDelayNs(oneWayNs).constantCapacityBps(200_000_000))
                .fromTarget(LinkModel.builder().propagationDelayNs(oneWayNs).constantCapacityBps(200_000_000))
                .build().start();
    }

    /** Mean capture-to-playout latency between two snapshots ({@code from} null: since start), ms. */
    private static double meanLatencyMs(ViewerStats from, ViewerStats to) {
        long totalNs = to.totalEndToEndLatencyNs() - (from == null ? 0 : from.totalEndToEndLatencyNs());
        long count = to.endToEndLatencyCount() - (from == null ? 0 : from.endToEndLatencyCount());
        return count == 0 ? Double.NaN : totalNs / 1e6 / count;
    }

    /** Passes everything on to a {@link StateLog}; records the video frames whose first packet came after their playout time. */
    private static final class LateFrames implements ViewerListener {
        private final StateLog log;
        private final List<Integer> late = new ArrayList<>();
        /** For each of {@link #late}: {first arrival, playout time} on {@link System#nanoTime()}. */
        private final List<long[]> lateTimes = new ArrayList<>();
        /** When each frame was handed to the broadcaster, on {@link System#nanoTime()}. */
        final long[] sentNs = new long[FRAMES];
        /** Every 25th frame: "index:arrival/playout" in ms after it was sent. */
        private final StringBuilder timing = new StringBuilder();

        LateFrames(StateLog log) {
            this.log = log;
        }

        @Override
        public void onStateChanged(ConnectionState state, String reason) {
            log.onStateChanged(state, reason);
        }

        @Override
        public void onNodeSwitched(InetSocketAddress from, InetSocketAddress to, NodeSwitchReason reason, String detail) {
            log.onNodeSwitched(from, to, reason, detail);
        }

        @Override
        public void onFrame(ReceivedFrame frame) {
            if (frame.kind() == MediaKind.VIDEO) {
                int index = SyntheticFrames.verify(frame.toByteArray());
                synchronized (this) {
                    if (frame.firstArrivalNs() - frame.playoutTimeNs() > 0) {
                        late.add(index);
                        lateTimes.add(new long[] {frame.firstArrivalNs(), frame.playoutTimeNs()});
                    }
                    if (index >= 0 && index % 25 == 0) {
                        timing.append(index).append(':').append((frame.firstArrivalNs() - sentNs[index]) / 1_000_000)
                                .append('/').append((frame.playoutTimeNs() - sentNs[index]) / 1_000_000).append(' ');
                    }
                }
            }
            log.onFrame(frame);
        }

        synchronized String timing() {
            return timing.toString();
        }

        synchronized List<Integer> indices() {
            return List.copyOf(late);
        }

        /**
         * The late frames from {@code fromFrame} on that the host's stalls do not explain: less
         * stall time between the frame's sending and its arrival than it came late by.
         */
        synchronized List<Integer> notExplainedByStalls(int fromFrame, HostStallMonitor stalls) {
            List<Integer> counted = new ArrayList<>();
            for (int i = 0; i < late.size(); i++) {
                int index = late.get(i);
                long arrivalNs = lateTimes.get(i)[0];
                long latenessNs = arrivalNs - lateTimes.get(i)[1];
                if (index >= fromFrame && (index >= FRAMES || stalls.stalledNs(sentNs[index], arrivalNs) < latenessNs)) {
                    counted.add(index);
                }
            }
            return counted;
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10); // polls relay counters that have no event to wait on
        }
    }
}
