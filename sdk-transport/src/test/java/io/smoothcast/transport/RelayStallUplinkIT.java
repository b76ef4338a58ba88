package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stalls of the relay's own I/O thread over real sockets, as its publisher sees them: a
 * broadcaster publishes three simulcast layers to a relay whose thread is made to stop for
 * 250 ms, eight times, a second apart (a task that parks it, as a GC pause or a starved host
 * would). The relay must count the stalls and report the publisher's packets it read late after
 * each, and the broadcaster must count the reports and keep its rate: its loopback uplink has
 * capacity to spare. The broadcaster waits 600 ms of silence before it takes the relay for dead
 * (with the defaults a 250 ms silence is a failover, which is not what this test is about).
 */
class RelayStallUplinkIT {

    private static final long SEED = 0x5CA7;
    private static final int FPS = 30;
    private static final long[] LAYER_BPS = {100_000, 400_000, 1_600_000};
    private static final int STALLS = 8;
    private static final long STALL_NS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final int FIRST_STALL_FRAME = 5 * FPS;

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    @Test
    @Timeout(60)
    void stallsOfTheRelaysThread_areReportedToThePublisher_whichKeepsItsRate() throws Exception {
        long runNs = TimeUnit.SECONDS.toNanos(FIRST_STALL_FRAME / FPS + STALLS + 2);
        try (RelayNode relay = RelayNode.builder().build().start()) {
            BroadcasterEvents events = new BroadcasterEvents(0);
            try (Broadcaster broadcaster = Broadcaster.builder().node(relay.localAddress()).streamId("it-uplink")
                    .simulcastLayers(3).videoBitrateBps((int) LAYER_BPS[2])
                    .bitrateLimits(100_000L, 3_000_000L, 4_000_000L)
                    .failover(FailoverPolicy.builder().silenceFloorMs(600).latencyBudgetMs(600).build())
                    .listener(events).build().start()) {
                FrameCollector.await(events.connected, 5, "broadcaster connected");
                long startNs = System.nanoTime();
                AtomicInteger stallsInjected = new AtomicInteger();
                long[] firstStallNs = {Long.MAX_VALUE};
                FrameTicker.runUntil(FPS, startNs + runNs, (i, nowNs) -> {
                    boolean keyframe = events.keyframeWanted.getAndSet(false) || i % (2 * FPS) == 0;
                    for (int layer = 0; layer < LAYER_BPS.length; layer++) {
                        int maxBytes = (int) (2 * LAYER_BPS[layer] / 8 / FPS);
                        byte[] frame = SyntheticFrames.frame(SEED, layer * 100_000 + i, maxBytes);
                        broadcaster.sendVideoLayer(layer, frame, 0, frame.length, nowNs, keyframe);
                    }
                    if (i >= FIRST_STALL_FRAME && (i - FIRST_STALL_FRAME) % FPS == 0
                            && stallsInjected.get() < STALLS) {
                        firstStallNs[0] = Math.min(firstStallNs[0], nowNs);
                        stallsInjected.incrementAndGet();
                        relay.executeOnIoThread(() -> LockSupport.parkNanos(STALL_NS));
                    }
                });
                long beforeBps = targetAt(events.targets(), firstStallNs[0]);
                long lowestBps = lowestFrom(events.targets(), firstStallNs[0], beforeBps);
                String detail = "target before the stalls " + beforeBps + ", lowest after " + lowestBps
                        + ", stall reports " + broadcaster.nodeStallReportCount() + ", failovers "
                        + broadcaster.failoverCount() + ", relay " + relay.stats();
                System.out.println("RelayStallUplinkIT: " + detail);

                assertTrue(relay.stats().ioThreadStalls() >= STALLS, "every injected stall counted; " + detail);
                assertTrue(relay.stats().untimedArrivalReportsSent() >= STALLS, "each one reported; " + detail);
                assertTrue(broadcaster.nodeStallReportCount() >= STALLS, "the reports reached it; " + detail);
                // Unreported (a temporary edit, BENCHMARKS.md) the stalls took it to 5 % of this or less.
                // Reported, a loaded host still dipped it to 0.44 x once: stalls of the broadcaster's
                // own thread and relay stalls under 40 ms are nobody's to report.
                assertTrue(lowestBps > beforeBps / 4, "the relay's stalls did not cut the rate; " + detail);
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    /** The last target reported before {@code timeNs}. */
    private static long targetAt(List<BroadcasterEvents.TargetSample> targets, long timeNs) {
        long target = 0;
        for (BroadcasterEvents.TargetSample sample : targets) {
            if (sample.timeNs() - timeNs < 0) {
                target = sample.bitrateBps();
            }
        }
        return target;
    }

    /** The lowest target reported from {@code timeNs} on, or {@code otherwise} if none was. */
    private static long lowestFrom(List<BroadcasterEvents.TargetSample> targets, long timeNs, long otherwise) {
        long lowest = otherwise;
        for (BroadcasterEvents.TargetSample sample : targets) {
            if (sample.timeNs() - timeNs >= 0) {
                lowest = Math.min(lowest, sample.bitrateBps());
            }
        }
        return lowest;
    }
}
