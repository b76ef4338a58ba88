package io.smoothcast.transport.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The layers' shared playout timeline, in virtual time. */
class SharedPlayoutTimelineTest {

    private static final long MS = 1_000_000L;

    @Test
    void beforeAnyPacket_notStarted() {
        assertEquals(SharedPlayoutTimeline.NOT_STARTED, SharedPlayoutTimeline.adaptive().playoutTimeNs(5 * MS));
    }

    @Test
    void fixedDelay_playsAtCapturePlusBaseTransitPlusDelay_whicheverLayerThePacketsCameFrom() {
        SharedPlayoutTimeline timeline = SharedPlayoutTimeline.fixed(150);
        timeline.onPacket(1_020 * MS, 1_000 * MS, true); // transit 20 ms (say layer 2)
        assertEquals(5_000 * MS + 170 * MS, timeline.playoutTimeNs(5_000 * MS));
        timeline.onPacket(1_068 * MS, 1_033 * MS, true); // 35 ms: jitter above the base (say layer 1's big keyframe)
        assertEquals(5_000 * MS + 170 * MS, timeline.playoutTimeNs(5_000 * MS), "the base is the lowest transit");
        assertEquals(150 * MS, timeline.playoutDelayNs());
    }

    @Test
    void adaptiveDelay_growsWithTheJitterOfAllLayers_withinTheRateLimit() {
        SharedPlayoutTimeline timeline = SharedPlayoutTimeline.adaptive();
        long captureNs = 0;
        for (int i = 0; i < 900; i++, captureNs += 33 * MS) {
            // every third packet (another layer's larger frames) arrives 120 ms late
            long transitNs = 20 * MS + (i % 3 == 0 ? 120 * MS : 0);
            timeline.onPacket(captureNs + transitNs, captureNs, true);
        }
        long delayNs = timeline.playoutTimeNs(captureNs) - captureNs - 20 * MS;
        // the 98 % quantile (120 ms), raised to 3x the RFC 3550 jitter (about 80 ms here)
        assertTrue(delayNs >= 120 * MS && delayNs <= 250 * MS, "covers the late layer: " + delayNs / MS + " ms");
    }

    @Test
    void captureClockStep_startsTheTimelineAfresh() {
        SharedPlayoutTimeline timeline = SharedPlayoutTimeline.fixed(100);
        timeline.onPacket(1_020 * MS, 1_000 * MS, true);
        // a new publisher whose wall clock is 30 s behind: transit jumps by 30 s
        timeline.onPacket(1_060 * MS, 1_040 * MS - 30_000 * MS, true);
        long captureNs = 2_000 * MS - 30_000 * MS;
        assertEquals(captureNs + 30_020 * MS + 100 * MS, timeline.playoutTimeNs(captureNs),
                "on the new clock's transit at once, not 30 s away and rate-limited");
    }

    @Test
    void afterARestart_onlyAPacketThatAdvancesTheStreamStartsTheNewEstimate() {
        SharedPlayoutTimeline timeline = SharedPlayoutTimeline.fixed(100);
        timeline.onPacket(1_020 * MS, 1_000 * MS, true);
        timeline.restartDelayEstimate();
        // a retransmission of an old frame (transit 300 ms), then the new path's next packet (20 ms)
        timeline.onPacket(1_340 * MS, 1_040 * MS, false);
        timeline.onPacket(1_080 * MS + 20 * MS, 1_080 * MS, true);
        assertEquals(5_000 * MS + 120 * MS, timeline.playoutTimeNs(5_000 * MS),
                "on the advancing packet's transit, not the retransmission's 300 ms");
    }

    @Test
    void redundantCopies_theAdaptiveDelayCoversTheSlowerLeg() {
        SharedPlayoutTimeline timeline = SharedPlayoutTimeline.adaptive();
        long captureNs = 0;
        for (int i = 0; i < 300; i++, captureNs += 33 * MS) {
            timeline.onPacket(captureNs + 20 * MS, captureNs, true); // the fast leg's copy, kept
            timeline.onCopy(captureNs + 150 * MS, captureNs); // the slow leg's, 130 ms later
        }
        long delayNs = timeline.playoutTimeNs(captureNs) - captureNs - 20 * MS;
        assertTrue(delayNs >= 130 * MS && delayNs <= 160 * MS, "covers the slow leg: " + delayNs / MS + " ms");
    }

    @Test
    void redundantCopies_theSlowerLegIsCoveredAtTheQuantileOfItsOwnPackets() {
        SharedPlayoutTimeline timeline = SharedPlayoutTimeline.adaptive();
        long captureNs = 0;
        for (int i = 0; i < 900; i++, captureNs += 33 * MS) {
            timeline.onPacket(captureNs + 20 * MS, captureNs, true);
            // every 33rd of the slow leg's copies (3 %) 60 ms later still: within its 0.98
            // quantile, beyond the 0.98 quantile of both legs' arrivals pooled (its 0.96)
            timeline.onCopy(captureNs + 150 * MS + (i % 33 == 0 ? 60 * MS : 0), captureNs);
        }
        long delayNs = timeline.playoutTimeNs(captureNs) - captureNs - 20 * MS;
        assertTrue(delayNs >= 190 * MS && delayNs <= 200 * MS, "covers the slow leg's tail: " + delayNs / MS + " ms");
    }

    @Test
    void badDelay_rejectedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SharedPlayoutTimeline.fixed(-1));
        assertTrue(e.getMessage().contains("delayMs"), e.getMessage());
    }

    @Test
    void restartDelayEstimate_allocatesNothing_theEstimatorIsReused() {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean sun
                && sun.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes per thread");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        long thread = Thread.currentThread().getId();
        SharedPlayoutTimeline timeline = SharedPlayoutTimeline.adaptive();
        long captureNs = 1_000 * MS;
        for (int round = 0; round < 2; round++) { // the first round warms up (class loading, JIT)
            long before = threads.getThreadAllocatedBytes(thread);
            for (int move = 0; move < 200; move++) {
                timeline.restartDelayEstimate();
                for (int i = 0; i < 5; i++, captureNs += 33 * MS) {
                    timeline.onPacket(captureNs + 20 * MS, captureNs, true);
                }
            }
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            if (round == 1) {
                // a fresh estimator per move, with its delay histogram, was about 4 KB each
                assertTrue(allocated < 4096, allocated + " bytes allocated for 200 restarts");
            }
        }
        assertEquals(captureNs - 33 * MS + 20 * MS + 100 * MS, timeline.playoutTimeNs(captureNs - 33 * MS),
                "the last restart started on the last move's first packet: its transit plus the initial delay");
    }
}
