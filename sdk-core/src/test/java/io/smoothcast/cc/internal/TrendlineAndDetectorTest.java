package io.smoothcast.cc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrendlineAndDetectorTest {

    private static final long MS = 1_000_000L;

    @Test
    void growingQueue_givesPositiveSlopeAndOveruse() {
        TrendlineEstimator trendline = new TrendlineEstimator(20);
        OveruseDetector detector = new OveruseDetector();
        BandwidthUsage usage = BandwidthUsage.NORMAL;
        // Groups every 20 ms whose arrivals spread by 22 ms: the queue grows 2 ms per group.
        for (int i = 1; i <= 60 && usage != BandwidthUsage.OVERUSING; i++) {
            trendline.update(2.0, i * 22 * MS);
            usage = detector.detect(trendline.modifiedTrend(), 20 * MS, i * 22 * MS);
        }
        assertEquals(BandwidthUsage.OVERUSING, usage);
        assertTrue(trendline.slope() > 0.05, "slope " + trendline.slope());
    }

    @Test
    void drainingQueue_givesUnderuse() {
        TrendlineEstimator trendline = new TrendlineEstimator(20);
        OveruseDetector detector = new OveruseDetector();
        BandwidthUsage usage = BandwidthUsage.NORMAL;
        for (int i = 1; i <= 60; i++) {
            trendline.update(-2.0, i * 18 * MS);
            usage = detector.detect(trendline.modifiedTrend(), 20 * MS, i * 18 * MS);
        }
        assertEquals(BandwidthUsage.UNDERUSING, usage);
    }

    @Test
    void steadyDelay_staysNormal() {
        TrendlineEstimator trendline = new TrendlineEstimator(20);
        OveruseDetector detector = new OveruseDetector();
        for (int i = 1; i <= 200; i++) {
            // +-0.5 ms of noise around a constant queue.
            trendline.update(i % 2 == 0 ? 0.5 : -0.5, i * 20 * MS);
            assertEquals(BandwidthUsage.NORMAL, detector.detect(trendline.modifiedTrend(), 20 * MS, i * 20 * MS),
                    "update " + i);
        }
    }

    @Test
    void threshold_followsTrendsSlowlyUpAndStaysWithinBounds() {
        OveruseDetector detector = new OveruseDetector();
        double initial = detector.thresholdMs();
        // A trend just above the threshold for 2 s: the threshold creeps up toward it.
        for (int i = 1; i <= 100; i++) {
            detector.detect(initial + 5, 20 * MS, i * 20 * MS);
        }
        assertTrue(detector.thresholdMs() > initial && detector.thresholdMs() <= initial + 5,
                "threshold " + detector.thresholdMs());
        // Small trends pull it down, never below 6 ms.
        for (int i = 101; i <= 2000; i++) {
            detector.detect(0, 20 * MS, i * 20 * MS);
        }
        assertEquals(6.0, detector.thresholdMs(), 1e-9);
    }

    @Test
    void overuse_needsMoreThan10msAndTwoUpdatesAboveThreshold() {
        OveruseDetector detector = new OveruseDetector();
        assertEquals(BandwidthUsage.NORMAL, detector.detect(100, 5 * MS, 5 * MS), "first update only starts the clock");
        assertEquals(BandwidthUsage.NORMAL, detector.detect(101, 5 * MS, 10 * MS), "7.5 ms over so far");
        assertEquals(BandwidthUsage.OVERUSING, detector.detect(102, 5 * MS, 15 * MS));
    }
}
