package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.netsim.LinkModel;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 5 % random loss in each direction and 100 ms round trip between the viewer and the relay,
 * through the network emulator: NACK and RTX from the relay's cache must bring residual frame
 * loss to 0.1 % or less.
 */
class LossRecoveryIT {

    /**
     * Frames of the stream's start, up to the second keyframe, sent before the measured ones and
     * not counted: a receiver cannot ask again for packets sent before the first one it got, so
     * a start whose first packet is lost is not a repair case. The emulator's seeded loss drops
     * the 6th and 8th relay-to-viewer datagrams, which fall in the stream's first frame after the
     * control replies: in every run seen (session 6) frame 0 was lost that way, with no packet
     * counted lost and one keyframe request, and the 0.1 % bound was used up before any repair
     * was measured.
     */
    private static final int JOIN_FRAMES = 30;
    /** Frames measured: {@code JOIN_FRAMES} to {@code JOIN_FRAMES + FRAMES - 1}. */
    private static final int FRAMES = 1000;
    private static final int TAIL_FRAMES = 30;
    private static final int LAST_MEASURED = JOIN_FRAMES + FRAMES - 1;
    private static final long ONE_WAY_DELAY_NS = TimeUnit.MILLISECONDS.toNanos(50);
    /** The viewers' fixed playout delay: a lost packet's whole repair window. */
    private static final int PLAYOUT_DELAY_MS = 800;

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    /** 50 Mbit/s, 50 ms one way, 5 % random loss, seeded (also {@link AudioLossRecoveryIT}'s). */
    static LinkModel.Builder lossyLink(long seed) {
        return LinkModel.builder()
                .constantCapacityBps(50_000_000L)
                .propagationDelayNs(ONE_WAY_DELAY_NS)
                .randomLoss(0.05)
                .seed(seed);
    }

    @Test
    @Timeout(90)
    void fivePercentLossAnd100msRtt_residualFrameLossAtMostOneInAThousand() throws Exception {
        try (HostStallMonitor stalls = HostStallMonitor.start();
                RelayNode relay = RelayNode.builder().build().start();
                NetworkEmulator network = NetworkEmulator.builder().target(relay.localAddress())
                        .toTarget(lossyLink(1)).fromTarget(lossyLink(2)).build().start()) {
            long startNs = System.nanoTime();
            FrameCollector collector = new FrameCollector(LAST_MEASURED);
            SendTimes sent = new SendTimes(JOIN_FRAMES + FRAMES + TAIL_FRAMES);
            // A NACK round (request and RTX both cross the lossy link) fails with probability
            // 1 - 0.95^2 = 9.75 %; the jitter buffer retries every 1.5 RTT (150 ms). 800 ms of
            // playout delay leaves room for four rounds (a lost packet stays lost with
            // probability 0.0975^4 = 0.009 %) plus slack for timer delays on a loaded machine
            // (with 600 ms, runs at load average 12 on 2 cores lost 0 to 8 frames of 1000).
            try (Viewer viewer = Viewer.builder().node(network.localAddress()).streamId("it-show")
                    .fixedPlayoutDelayMs(PLAYOUT_DELAY_MS).listener(collector)
                    .failover(StallTolerantFailover.POLICY).build().start()) {
                FrameCollector.await(collector.connected, 10, "viewer connected through the emulator");
                ViewerStats stats;
                BroadcasterStats broadcasterStats;
                try (Broadcaster broadcaster = BroadcastThroughRelayIT.connectedBroadcaster(relay, new AtomicInteger(),
                        StallTolerantFailover.POLICY)) {
                    BroadcastThroughRelayIT.sendFrames(broadcaster, JOIN_FRAMES + FRAMES + TAIL_FRAMES, sent::record);
                    awaitLastFrame(collector, () -> viewer.stats() + "; " + network.stats() + "; " + relay.stats() + "; "
                            + broadcaster.stats() + "; " + stalls.describe(startNs));
                    stats = viewer.stats(); // before the broadcaster leaves and the tracks go
                    broadcasterStats = broadcaster.stats();
                }
                List<Integer> all = collector.indices();
                for (int i = 1; i < all.size(); i++) {
                    assertTrue(all.get(i) > all.get(i - 1), "in order, no duplicates: " + all);
                }
                List<Integer> delivered = measured(all);
                assertEquals(0, collector.corrupted());
                int lost = FRAMES - delivered.size();
                NetworkEmulatorStats net = network.stats();
                String detail = "lost " + lost + " of " + FRAMES + " frames; missing " + missing(collector.indices()) + "; "
                        + backlog(stats) + "; " + sent.stallsInRepairWindows(missing(collector.indices()), stalls) + "; " + net + "; "
                        + stats + "; " + relay.stats() + "; " + broadcasterStats + "; " + stalls.describe(startNs);
                System.out.println("LossRecoveryIT: " + detail);
                assertTrue(net.fromTargetLost() > 0 && net.toTargetLost() > 0, "the emulator did drop: " + detail);
                assertTrue(stats.retransmissionsReceived() > 0, "recovery went through RTX: " + detail);
                assertTrue(lost <= FRAMES / 1000, "residual frame loss <= 0.1 %: " + detail);
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    @Test
    @Timeout(90)
    void fivePercentLossAnd100msRttOnTheBroadcasterUplink_relayRecoversFromTheBroadcaster() throws Exception {
        try (HostStallMonitor stalls = HostStallMonitor.start();
                RelayNode relay = RelayNode.builder().build().start();
                NetworkEmulator uplink = NetworkEmulator.builder().target(relay.localAddress())
                        .toTarget(lossyLink(3)).fromTarget(lossyLink(4)).build().start()) {
            long startNs = System.nanoTime();
            FrameCollector collector = new FrameCollector(LAST_MEASURED);
            SendTimes sent = new SendTimes(JOIN_FRAMES + FRAMES + TAIL_FRAMES);
            try (Viewer viewer = Viewer.builder().node(relay.localAddress()).streamId("it-show")
                    .fixedPlayoutDelayMs(PLAYOUT_DELAY_MS).listener(collector)
                    .failover(StallTolerantFailover.POLICY).build().start()) {
                FrameCollector.await(collector.connected, 10, "viewer connected");
                CountDownLatch connected = new CountDownLatch(1);
                try (Broadcaster broadcaster = Broadcaster.builder().node(uplink.localAddress()).streamId("it-show")
                        // The test is about repair, not rate: the synthetic source does not adapt
                        // (about 2.4 Mbps), so the controller is kept above it; otherwise a back-off
                        // under machine load queues frames in the pacer past the playout delay.
                        .bitrateLimits(4_000_000, 5_000_000, 8_000_000)
                        .maxSendDelay(Broadcaster.NO_SEND_DELAY_LIMIT) // counts every frame, as connectedBroadcaster
                        .listener(new BroadcasterListener() {
                            @Override
                            public void onStateChanged(ConnectionState state, String reason) {
                                if (state == ConnectionState.CONNECTED) {
                                    connected.countDown();
                                }
                            }
                        }).failover(StallTolerantFailover.POLICY).build().start()) {
                    FrameCollector.await(connected, 10, "broadcaster connected through the emulator");
                    BroadcastThroughRelayIT.sendFrames(broadcaster, JOIN_FRAMES + FRAMES + TAIL_FRAMES, sent::record);
                    awaitLastFrame(collector, () -> viewer.stats() + "; " + uplink.stats() + "; " + broadcaster.stats()
                            + "; " + relay.stats() + "; " + stalls.describe(startNs));
                    List<Integer> delivered = measured(collector.indices());
                    int lost = FRAMES - delivered.size();
                    String detail = "lost " + lost + " of " + FRAMES + " frames; missing " + missing(collector.indices()) + "; "
                            + backlog(viewer.stats()) + "; " + sent.stallsInRepairWindows(missing(collector.indices()), stalls) + "; "
                            + uplink.stats() + "; " + broadcaster.stats() + "; " + relay.stats() + "; " + viewer.stats()
                            + "; " + stalls.describe(startNs);
                    System.out.println("LossRecoveryIT uplink: " + detail);
                    assertEquals(0, collector.corrupted());
                    assertTrue(uplink.stats().toTargetLost() > 0, "the emulator did drop: " + detail);
                    assertTrue(broadcaster.stats().retransmissionsSent() > 0, "repaired by the broadcaster: " + detail);
                    // Not compared with targetBitrateBps(): the two are read apart while the broadcaster runs.
                    assertTrue(broadcaster.stats().mediaTargetBitrateBps() > 0, "a media target for the encoder: " + detail);
                    assertTrue(relay.stats().sourceRetransmissionsReceived() > 0, "restored by the relay: " + detail);
                    assertTrue(lost <= FRAMES / 1000, "residual frame loss <= 0.1 %: " + detail);
                }
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    /**
     * When each frame was handed to the broadcaster, to tell how much of a lost frame's repair
     * window the host took away: a frame's packets can be repaired from its sending until its
     * playout, {@link #PLAYOUT_DELAY_MS} later; host stalls inside that window are time in which
     * no NACK or RTX could move (session 9, branch flaky10: in the lost frames seen, the relay
     * asked 130-430 ms late and the broadcaster answered 180-300 ms late, so the RTX came
     * 0.6-0.9 s after the original). Written by the sending thread; read only after
     * {@code sendFrames} returned, whose completion latch orders the writes before the reads.
     */
    private static final class SendTimes {
        private final long[] sentNs;

        SendTimes(int frames) {
            sentNs = new long[frames];
        }

        void record(int frameIndex) {
            sentNs[frameIndex] = System.nanoTime();
        }

        /** For each missing frame that was sent: its host-stall time within its repair window. */
        String stallsInRepairWindows(List<Integer> missing, HostStallMonitor stalls) {
            StringBuilder b = new StringBuilder("host stalls in each lost frame's ").append(PLAYOUT_DELAY_MS)
                    .append(" ms repair window:");
            long windowNs = TimeUnit.MILLISECONDS.toNanos(PLAYOUT_DELAY_MS);
            for (int index : missing) {
                if (index >= JOIN_FRAMES && index < sentNs.length && sentNs[index] != 0) {
                    b.append(' ').append(index).append('=')
                            .append(TimeUnit.NANOSECONDS.toMillis(stalls.stalledNs(sentNs[index], sentNs[index] + windowNs)))
                            .append("ms");
                }
            }
            return b.toString();
        }
    }

    /**
     * The viewer's mean capture-to-receipt time against the path's: a starved JVM whose threads
     * run, but too slowly for the stream, builds a standing backlog that the host-stall monitor
     * (one thread waking every ms) does not see, and that backlog comes out of every packet's
     * repair window (session 12: 834 ms on average in a run that lost 97 frames, 72-93 ms in runs
     * at the same load without the hog that lost 0-1).
     */
    private static String backlog(ViewerStats stats) {
        return String.format("mean capture-to-receipt %.0f ms (path one way %d ms)", stats.meanReceiptLatencyMs(),
                TimeUnit.NANOSECONDS.toMillis(ONE_WAY_DELAY_NS));
    }

    /** The measured frames among the indices delivered. */
    private static List<Integer> measured(List<Integer> delivered) {
        return delivered.stream().filter(i -> i >= JOIN_FRAMES && i <= LAST_MEASURED).toList();
    }

    /** The frame indices up to {@link #LAST_MEASURED} missing from {@code delivered}, the join's included. */
    private static List<Integer> missing(List<Integer> delivered) {
        Set<Integer> got = new HashSet<>(delivered);
        return IntStream.rangeClosed(0, LAST_MEASURED).filter(i -> !got.contains(i)).boxed().toList();
    }

    /** Waits 20 s for the last frame; a timeout says what had arrived by then, and {@code context}. */
    private static void awaitLastFrame(FrameCollector collector, Supplier<String> context)
            throws InterruptedException {
        if (!collector.lastFrame.await(20, TimeUnit.SECONDS)) {
            List<Integer> indices = collector.indices();
            throw new AssertionError("timed out after 20 s waiting for the last frame at the viewer; " + indices.size()
                    + " frames, the last " + (indices.isEmpty() ? "none" : indices.get(indices.size() - 1))
                    + ", missing " + missing(indices) + "; " + context.get());
        }
    }
}
