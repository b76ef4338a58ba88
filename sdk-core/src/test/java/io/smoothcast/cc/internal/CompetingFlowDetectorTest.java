package io.smoothcast.cc.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CompetingFlowDetectorTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    private static final long BASE_RTT_NS = 40 * MS;
    private static final long STEP_NS = 100 * MS;

    private final CompetingFlowDetector detector = new CompetingFlowDetector();

    /** Feeds samples every 100 ms from {@code fromNs} up to {@code toNs}; counts drain requests. */
    private int feed(long fromNs, long toNs, long rttNs, long minRttNs) {
        int drainRequests = 0;
        for (long t = fromNs; t < toNs; t += STEP_NS) {
            if (detector.update(rttNs, minRttNs, t)) {
                drainRequests++;
            }
        }
        return drainRequests;
    }

    /** Enters competing mode: a 200 ms queue for 4 s with two of our decreases meanwhile. */
    private long enterCompeting() {
        feed(0, 1 * S, BASE_RTT_NS, BASE_RTT_NS);
        feed(1 * S, 2 * S, BASE_RTT_NS + 200 * MS, BASE_RTT_NS);
        detector.onDelayBasedDecrease();
        detector.onDelayBasedDecrease();
        feed(2 * S, 5 * S + STEP_NS, BASE_RTT_NS + 200 * MS, BASE_RTT_NS);
        assertTrue(detector.isCompeting(), "a queue our decreases did not clear is a competitor's");
        return 5 * S + STEP_NS;
    }

    @Test
    void standingQueueWithoutOurDecreases_asksForADrainDecrease_notCompeting() {
        feed(0, 1 * S, BASE_RTT_NS, BASE_RTT_NS);
        int drains = feed(1 * S, 5 * S + STEP_NS, BASE_RTT_NS + 200 * MS, BASE_RTT_NS);
        assertTrue(drains == 1, "one drain decrease after the detection period: " + drains);
        assertFalse(detector.isCompeting());
        assertFalse(detector.pausesDelayBasedDecreases());
    }

    @Test
    void competingMode_endsAfterItsMaximum_withADrainCheckThatPausesDecreases() {
        long t = enterCompeting();
        assertTrue(detector.pausesDelayBasedDecreases());
        int drains = feed(t, t + CompetingFlowDetector.COMPETING_MAX_NS + 2 * STEP_NS, BASE_RTT_NS + 200 * MS,
                BASE_RTT_NS);
        assertTrue(drains == 1, "the competing period ends with one drain decrease: " + drains);
        assertFalse(detector.isCompeting());
        assertTrue(detector.isDrainChecking());
        assertTrue(detector.pausesDelayBasedDecreases(), "no further cuts while the drain check waits");
    }

    @Test
    void drainCheck_queueStillStanding_resumesCompetingAtOnce() {
        long competingFromNs = enterCompeting();
        long t = competingFromNs + CompetingFlowDetector.COMPETING_MAX_NS + 2 * STEP_NS;
        feed(competingFromNs, t, BASE_RTT_NS + 200 * MS, BASE_RTT_NS);
        assertTrue(detector.isDrainChecking());
        feed(t, t + CompetingFlowDetector.DRAIN_CHECK_NS + STEP_NS, BASE_RTT_NS + 200 * MS, BASE_RTT_NS);
        assertTrue(detector.isCompeting(), "we reduced and the queue stayed: the competitor is still there");
    }

    @Test
    void drainCheck_queueDrains_backToDelayMode() {
        long competingFromNs = enterCompeting();
        long t = competingFromNs + CompetingFlowDetector.COMPETING_MAX_NS + 2 * STEP_NS;
        feed(competingFromNs, t, BASE_RTT_NS + 200 * MS, BASE_RTT_NS);
        feed(t, t + 1 * S, BASE_RTT_NS + 10 * MS, BASE_RTT_NS);
        assertFalse(detector.isCompeting());
        assertFalse(detector.pausesDelayBasedDecreases(), "the queue was ours: delay control again");
    }

    @Test
    void rememberedBaseRtt_survivesAMinimumWindowThatOnlySawTheCompetitorsQueue() {
        long t = enterCompeting();
        // The caller's minimum-RTT window has by now forgotten the empty path: its minimum is the
        // competitor's queue floor. Measured against it the queue looks short (20 ms), but it is
        // still 180 ms above the path's base RTT, so the drain check still finds the competitor.
        long stalePathMinNs = BASE_RTT_NS + 180 * MS;
        long end = t + CompetingFlowDetector.COMPETING_MAX_NS + 2 * STEP_NS + CompetingFlowDetector.DRAIN_CHECK_NS
                + STEP_NS;
        feed(t, end, BASE_RTT_NS + 200 * MS, stalePathMinNs);
        assertTrue(detector.isCompeting());
    }

    @Test
    void withoutADetection_theCallersMinimumIsTheBase() {
        feed(0, 10 * S, BASE_RTT_NS + 200 * MS, BASE_RTT_NS + 180 * MS);
        assertFalse(detector.isCompeting());
        assertFalse(detector.pausesDelayBasedDecreases());
    }
}
