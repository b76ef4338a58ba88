package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.netsim.LinkModel;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broadcaster's send-delay limit end to end: an application that hands in about 2.4 times
 * what its uplink (the emulator, in front of a real relay) carries, 7 times the target it ignores,
 * for {@value #OVERLOAD_S} s, then a tenth of it. With its default send-delay limit (1 s) the
 * broadcaster's pacer keeps the controller's pace instead of speeding up to drain its queue, so
 * the broadcaster, not the path, sheds the excess: it drops the frames that waited more than its
 * limit whole, skips the video track to its next keyframe and asks the application for one (with
 * the speed-up the pacer sent about all it was handed and the emulator's queue dropped 343 of 839
 * datagrams, session 14); the emulator must drop next to nothing; a viewer on the relay must
 * see only whole frames, in order, a keyframe first after every frame the broadcaster dropped,
 * and no NACKs for the dropped frames (their RTP sequence numbers were never used); the
 * broadcaster's frame counters must add up to the frames handed in.
 */
class StaleFrameDropIT {

    private static final int FPS = 30;
    private static final long SEED = 20261129L;
    private static final int OVERLOAD_S = 4;
    private static final int LIGHT_S = 4;
    /** The uplink's capacity, bits/s. */
    private static final long CAPACITY_BPS = 600_000L;
    /**
     * Synthetic frames are 17 bytes to this size, uniformly (mean about half of it): 12 kB frames
     * at 30 fps hand in about 1.44 Mbps, 2.4 x the uplink, during the overload...
     */
    private static final int OVERLOAD_MAX_BYTES = 12_000;
    /** ... and 1.2 kB frames about 144 kbps after it, so the broadcaster catches up. */
    private static final int LIGHT_MAX_BYTES = 1_200;
    /**
     * The congestion controller's largest target: the pacer's own rate (2.5 x the target) stays
     * below the uplink's capacity, so the excess waits in the broadcaster rather than the path.
     */
    private static final long MAX_TARGET_BPS = 200_000L;
    /** The application's own keyframe interval, in frames (besides the broadcaster's requests). */
    private static final int KEYFRAME_INTERVAL = 45;

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    @Test
    @Timeout(60)
    void overloadedUplink_viewerGetsWholeFramesInOrder_keyframeAfterEveryDrop_noNacksForDrops() throws Exception {
        try (RelayNode relay = RelayNode.builder().build().start();
                NetworkEmulator uplink = NetworkEmulator.builder().target(relay.localAddress())
                        .toTarget(LinkModel.builder().constantCapacityBps(CAPACITY_BPS)
                                .propagationDelayNs(TimeUnit.MILLISECONDS.toNanos(10)).seed(SEED))
                        .fromTarget(LinkModel.builder().constantCapacityBps(10_000_000L)
                                .propagationDelayNs(TimeUnit.MILLISECONDS.toNanos(10)))
                        .build().start()) {
            long kernelDropsBefore = KernelUdpDrops.receiveBufferErrors();
            FrameCollector collector = new FrameCollector(Integer.MAX_VALUE);
            try (Viewer viewer = Viewer.builder().node(relay.localAddress()).streamId("it-stale")
                    .listener(collector).failover(StallTolerantFailover.POLICY).build().start()) {
                FrameCollector.await(collector.connected, FrameCollector.CONNECT_WAIT_S, "viewer connected");
                BroadcasterEvents events = new BroadcasterEvents(MAX_TARGET_BPS);
                BitSet sentAsKeyframe = new BitSet();
                AtomicInteger accepted = new AtomicInteger();
                AtomicInteger lastAccepted = new AtomicInteger(-1);
                AtomicInteger firstLightIndex = new AtomicInteger(-1);
                Broadcaster broadcaster = Broadcaster.builder().node(uplink.localAddress()).streamId("it-stale")
                        .bitrateLimits(100_000L, MAX_TARGET_BPS, MAX_TARGET_BPS)
                        .listener(events)
                        .failover(StallTolerantFailover.POLICY).build().start();
                try {
                    FrameCollector.await(events.connected, FrameCollector.CONNECT_WAIT_S,
                            "broadcaster connected through the emulator");
                    long overloadEndNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(OVERLOAD_S);
                    FrameTicker.runUntil(FPS, overloadEndNs + TimeUnit.SECONDS.toNanos(LIGHT_S), (index, nowNs) -> {
                        boolean overload = nowNs - overloadEndNs < 0;
                        if (!overload) {
                            firstLightIndex.compareAndSet(-1, index);
                        }
                        // The encoder answers a request with its next frame, and ignores the target.
                        boolean keyframe = events.keyframeWanted.getAndSet(false) || index % KEYFRAME_INTERVAL == 0;
                        byte[] frame = SyntheticFrames.frame(SEED, index,
                                overload ? OVERLOAD_MAX_BYTES : LIGHT_MAX_BYTES);
                        if (broadcaster.sendVideo(frame, 0, frame.length, nowNs, keyframe)) {
                            synchronized (sentAsKeyframe) {
                                sentAsKeyframe.set(index, keyframe);
                            }
                            accepted.incrementAndGet();
                            lastAccepted.set(index);
                        }
                    });
                    collector.expectLast(lastAccepted.get());
                    FrameCollector.await(collector.lastFrame, 20, "the last frame at the viewer",
                            () -> "; " + broadcaster.stats() + "; " + viewer.stats() + "; " + uplink.stats() + "; "
                                    + collector.deliverySummary(lastAccepted.get() + 1));
                } finally {
                    // Closed before its counters are read: close() counts what it drops from its
                    // queues, so the frame counters then add up (README "send delay").
                    broadcaster.close();
                }

                BroadcasterStats sent = broadcaster.stats();
                ViewerStats received = viewer.stats();
                NetworkEmulatorStats path = uplink.stats();
                // Datagrams the path lost: in the emulator's queue, or in a full socket buffer of
                // a thread starved on a loaded host (the namespace's count: other processes' drops
                // only loosen the bounds below).
                long kernelDrops = Math.max(0, KernelUdpDrops.receiveBufferErrors() - kernelDropsBefore);
                long pathDrops = path.toTargetLost() + path.toTargetQueueDropped() + kernelDrops;
                List<Integer> delivered = collector.indices();
                String detail = "accepted " + accepted.get() + " (last " + lastAccepted.get() + ", light from "
                        + firstLightIndex.get() + "); keyframe requests "
                        + events.keyframeRequests.get() + "; " + sent + "; " + received + "; " + path + "; " + KernelUdpDrops.describeSince(kernelDropsBefore) + "; "
                        + collector.deliverySummary(lastAccepted.get() + 1) + "; delivered " + delivered;
                System.out.println("StaleFrameDropIT: " + detail);

                assertEquals(0, collector.corrupted(), () -> "corrupted frames; " + detail);
                // Every frame once and in order; the gaps are frames the broadcaster dropped (or,
                // if a datagram was lost or a frame came too late to play, frames the viewer lost).
                int gaps = 0;
                int gapsAfterNetworkLoss = 0;
                int previous = -1;
                for (int index : delivered) {
                    assertTrue(index > previous, "frame " + index + " after " + previous + ": out of order; " + detail);
                    boolean keyframe;
                    synchronized (sentAsKeyframe) {
                        keyframe = sentAsKeyframe.get(index);
                    }
                    assertEquals(keyframe, collector.deliveredAsKeyframe(index),
                            "frame " + index + ": keyframe flag as sent; " + detail);
                    if (index != previous + 1) {
                        gaps++;
                        if (collector.deliveredAfterLoss(index)) {
                            // The viewer knows frames were lost on the way: not the broadcaster's skip.
                            gapsAfterNetworkLoss++;
                        } else {
                            // No delta frame whose reference the broadcaster dropped.
                            assertTrue(keyframe, "frame " + index + " after " + previous
                                    + " is the first delivered after a drop but no keyframe; " + detail);
                        }
                    }
                    previous = index;
                }
                int finalGaps = gaps;
                int finalGapsAfterNetworkLoss = gapsAfterNetworkLoss;
                assertTrue(gapsAfterNetworkLoss == 0 || pathDrops + received.framesDropped() > 0,
                        () -> finalGapsAfterNetworkLoss + " of " + finalGaps
                                + " gaps follow a loss, but nothing was lost on the way; " + detail);
                assertTrue(gaps - gapsAfterNetworkLoss > 0, () -> "no drop episode seen by the viewer; " + detail);

                // The pacer kept the controller's pace (2.5 x at most 200 kbps, below the uplink's
                // 600 kbps): the emulator's queue had next to nothing to drop. The slack is for a
                // starved I/O thread's catch-up burst; with the pacer's queue-time speed-up under
                // the limit it dropped about 40 % (343 of 839).
                assertTrue(path.toTargetQueueDropped() <= path.toTargetDelivered() / 20,
                        () -> "the emulator's queue dropped the excess, not the broadcaster; " + detail);
                assertTrue(sent.framesDroppedStale() + sent.framesDroppedPacerFull() > 0,
                        () -> "no frame dropped for its age or a full pacer; " + detail);
                assertTrue(sent.videoFramesSkippedToKeyframe() > 0, () -> "no frame skipped to a keyframe; " + detail);
                assertTrue(events.keyframeRequests.get() > 0, () -> "onKeyframeRequested never fired; " + detail);
                assertEquals(0, sent.framesRejected(), () -> "send queue full; " + detail);
                assertEquals(accepted.get(), sent.framesSent() + sent.framesDroppedNotConnected()
                        + sent.framesDroppedStale() + sent.videoFramesSkippedToKeyframe() + sent.framesDroppedPacerFull(),
                        () -> "frame counters add up to the frames handed in; " + detail);
                // Every frame the broadcaster sent reached the viewer unless the path lost it.
                assertTrue(delivered.size() <= sent.framesSent(), () -> "more delivered than sent; " + detail);

                // The dropped frames took no sequence numbers: the viewer NACKs only what the path
                // lost. Each datagram lost may cost the viewer a few NACKs (the first request and
                // retries until the repair comes); the broadcaster's drops, some 90 frames and a few
                // hundred packets, must add none (without the renumbering the viewer sent 48 NACKs).
                long nackBound = 3 * pathDrops + 3;
                assertTrue(received.nacksSent() <= nackBound,
                        () -> "viewer NACKs " + received.nacksSent() + " > " + nackBound + "; " + detail);
                assertEquals(0, received.malformedDropped(), () -> "viewer malformed; " + detail);
            }
        }
        NettyLeaks.assertNoLeaks();
    }
}
