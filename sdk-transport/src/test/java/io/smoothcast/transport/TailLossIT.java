package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.netsim.CapacitySchedule;
import io.smoothcast.netsim.LinkModel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The last frames before a pause lost on one hop, through the network emulator: a 200 ms outage
 * of that hop's link swallows them and the broadcaster then sends nothing, so no later packet
 * shows a gap. Only the sender's tail loss probe (the newest packet resent as RTX once the track
 * has been quiet for 250 ms) shows the receiver what it lost; its NACKs then repair the rest.
 * Before the probe existed the last frame never arrived.
 */
class TailLossIT {

    private static final long SEED = 20261128L;
    private static final int MAX_FRAME_BYTES = 6000;
    private static final long FRAME_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(33);
    /**
     * When, after the emulator's start, the hop goes dark; room for both clients to connect. 3 s
     * was not enough at load 12-16 (session 10): the broadcaster connected after the outage, sent
     * one frame and nothing was lost.
     */
    private static final long OUTAGE_AT_NS = TimeUnit.SECONDS.toNanos(6);
    private static final long OUTAGE_NS = TimeUnit.MILLISECONDS.toNanos(200);
    /** Sending stops with the first frame handed over this long into the outage. */
    private static final long SEND_INTO_OUTAGE_NS = TimeUnit.MILLISECONDS.toNanos(70);
    /**
     * Patient clients: the outage must not make them take the node for dead (failover is another
     * test's matter; here it would re-join and hide the tail).
     */
    private static final FailoverPolicy PATIENT = FailoverPolicy.builder().silenceFloorMs(1500)
            .latencyBudgetMs(1500).build();

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    /** 50 Mbps and 10 ms one way, dark from {@link #OUTAGE_AT_NS} for {@link #OUTAGE_NS}. */
    private static LinkModel.Builder linkWithOutage() {
        CapacitySchedule schedule = CapacitySchedule.steps(new long[] {0, OUTAGE_AT_NS, OUTAGE_AT_NS + OUTAGE_NS},
                new long[] {50_000_000L, 0, 50_000_000L}, OUTAGE_AT_NS + OUTAGE_NS + 1, CapacitySchedule.AfterEnd.HOLD);
        return LinkModel.builder().capacity(schedule).propagationDelayNs(TimeUnit.MILLISECONDS.toNanos(10))
                .queueLimitNs(TimeUnit.MILLISECONDS.toNanos(20));
    }

    private static LinkModel.Builder clearLink() {
        return LinkModel.builder().constantCapacityBps(50_000_000L).propagationDelayNs(TimeUnit.MILLISECONDS.toNanos(10));
    }

    @Test
    @Timeout(60)
    void lastFramesBeforeAPauseLostOnTheUplink_broadcastersProbeLetsTheRelayRepairThem() throws Exception {
        tailLost(true);
    }

    @Test
    @Timeout(60)
    void lastFramesBeforeAPauseLostOnTheDownlink_relaysProbeLetsTheViewerRepairThem() throws Exception {
        tailLost(false);
    }

    private void tailLost(boolean onUplink) throws Exception {
        try (RelayNode relay = RelayNode.builder().build().start()) {
            FrameCollector collector = new FrameCollector(Integer.MAX_VALUE);
            long startNs = System.nanoTime();
            try (NetworkEmulator network = NetworkEmulator.builder().target(relay.localAddress())
                    .toTarget(onUplink ? linkWithOutage() : clearLink())
                    .fromTarget(onUplink ? clearLink() : linkWithOutage()).build().start();
                    Viewer viewer = Viewer.builder().node(onUplink ? relay.localAddress() : network.localAddress())
                            .streamId("it-show").failover(PATIENT).fixedPlayoutDelayMs(800).listener(collector)
                            .build().start()) {
                FrameCollector.await(collector.connected, 10, "viewer connected");
                try (Broadcaster broadcaster = BroadcastThroughRelayIT.connectedBroadcaster(
                        onUplink ? network.localAddress() : relay.localAddress(), new AtomicInteger(), PATIENT)) {
                    long setupNs = System.nanoTime() - startNs;
                    assertTrue(setupNs < OUTAGE_AT_NS, () -> "the clients connected " + setupNs / 1_000_000
                            + " ms after the emulator's start, past the outage at " + OUTAGE_AT_NS / 1_000_000 + " ms");
                    int last = sendUntilIntoTheOutage(broadcaster, startNs);
                    collector.expectLast(last);
                    boolean arrived = collector.lastFrame.await(10, TimeUnit.SECONDS);
                    NetworkEmulatorStats net = network.stats();
                    String detail = "last frame " + last + ", delivered " + tail(collector.indices()) + "; " + net + "; "
                            + broadcaster.stats() + "; " + relay.stats() + "; " + viewer.stats();
                    System.out.println("TailLossIT " + (onUplink ? "uplink" : "downlink") + ": " + detail);
                    long dropped = onUplink ? net.toTargetQueueDropped() : net.fromTargetQueueDropped();
                    assertTrue(dropped > 0, "the outage dropped the stream's tail: " + detail);
                    assertTrue(arrived, "the last frame before the pause arrived: " + detail);
                    assertEquals(0, collector.corrupted(), detail);
                    if (onUplink) {
                        assertTrue(broadcaster.stats().tailProbesSent() > 0, "the broadcaster probed: " + detail);
                        assertTrue(relay.stats().sourceRetransmissionsReceived() > 0, detail);
                    } else {
                        assertTrue(relay.stats().tailProbesSent() > 0, "the relay probed: " + detail);
                        assertTrue(viewer.stats().retransmissionsReceived() > 0, detail);
                    }
                    List<Integer> indices = collector.indices();
                    for (int i = 1; i < indices.size(); i++) {
                        assertTrue(indices.get(i) > indices.get(i - 1), "in order, no duplicates: " + detail);
                    }
                }
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    /**
     * Sends a frame every 33 ms (the source's clock, as an encoder's) and stops with the first one
     * handed over {@link #SEND_INTO_OUTAGE_NS} into the outage: the frames from the outage's start
     * on are lost, and nothing follows them.
     *
     * @return the last frame's index
     */
    private static int sendUntilIntoTheOutage(Broadcaster broadcaster, long emulatorStartNs) {
        long stopAtNs = emulatorStartNs + OUTAGE_AT_NS + SEND_INTO_OUTAGE_NS;
        long nextNs = System.nanoTime();
        for (int i = 0;; i++) {
            byte[] frame = SyntheticFrames.frame(SEED, i, MAX_FRAME_BYTES);
            long nowNs = System.nanoTime();
            assertTrue(broadcaster.sendVideo(frame, 0, frame.length, nowNs, i % 30 == 0), "frame " + i + " accepted");
            if (nowNs - stopAtNs >= 0) {
                return i;
            }
            nextNs += FRAME_INTERVAL_NS;
            LockSupport.parkNanos(nextNs - System.nanoTime()); // the source's frame clock, not a wait for an event
        }
    }

    private static List<Integer> tail(List<Integer> indices) {
        return indices.subList(Math.max(0, indices.size() - 8), indices.size());
    }
}
