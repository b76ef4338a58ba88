package io.smoothcast.cc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AimdRateControlTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    @Test
    void overuse_dropsTo85PercentOfAcked() {
        AimdRateControl aimd = new AimdRateControl(2_000_000, 30_000, 20_000_000);
        aimd.setRttNs(100 * MS);
        long rate = aimd.update(BandwidthUsage.OVERUSING, 1_600_000, 1_600_000, S);
        assertEquals(1_360_000, rate);
        assertEquals(1_600_000, aimd.linkCapacityBps());
    }

    @Test
    void largeStandingQueue_decreasesDeeperToDrainIt() {
        AimdRateControl aimd = new AimdRateControl(2_000_000, 30_000, 20_000_000);
        aimd.setQueueDelayNs(300 * MS);
        long rate = aimd.update(BandwidthUsage.OVERUSING, 1_000_000, 1_000_000, S);
        // Drain 300 ms of queue within 1 s: 70 % of what the path delivers.
        assertEquals(700_000, rate);
    }

    @Test
    void overuseAfterProbedRecovery_decreasesFromTheNewestWindowNotTheLaggingAverage() {
        // Link capacity known at 1 Mbit/s; the path drops to 500 kbit/s, the rate falls to about
        // 300 kbit/s and a recovery probe lifts it back to 480 kbit/s. At the next overuse the
        // averaged acked bitrate (440 kbit/s) still mixes in the slow windows before the probe;
        // the newest window shows what the path carries now (500 kbit/s). Both it and the
        // smooth average lie far below the old capacity: the path changed.
        long rate = overuseAfterProbedRecovery(0);
        assertEquals(425_000, rate, "85 % of the newest window, not of the lagging 440 kbit/s");
    }

    @Test
    void overuseOnAStandingQueue_keepsTheAveragedBase() {
        // With 80 ms of standing queue the window's rate is shaped by the queue (possibly by
        // other traffic): no clean measurement of the new path, so the usual base applies.
        long rate = overuseAfterProbedRecovery(80 * MS);
        assertEquals((long) (0.85 * 440_000), rate);
    }

    @Test
    void overuseAfterPathChangeWithoutProbe_keepsTheAveragedBase() {
        AimdRateControl aimd = new AimdRateControl(1_000_000, 30_000, 20_000_000);
        aimd.setRttNs(40 * MS);
        aimd.update(BandwidthUsage.OVERUSING, 1_000_000, 1_000_000, S);
        aimd.setLatestAckedSampleBps(500_000);
        long rate = aimd.update(BandwidthUsage.OVERUSING, 440_000, 540_000, 3 * S);
        assertEquals((long) (0.85 * 440_000), rate);
    }

    private static long overuseAfterProbedRecovery(long queueDelayNs) {
        AimdRateControl aimd = new AimdRateControl(1_000_000, 30_000, 20_000_000);
        aimd.setRttNs(40 * MS);
        aimd.update(BandwidthUsage.OVERUSING, 1_000_000, 1_000_000, S);
        aimd.update(BandwidthUsage.OVERUSING, 350_000, 950_000, 2 * S);
        assertEquals(297_500, aimd.estimateBps());
        aimd.setEstimate(480_000, 2_500 * MS);
        aimd.setLatestAckedSampleBps(500_000);
        aimd.setQueueDelayNs(queueDelayNs);
        return aimd.update(BandwidthUsage.OVERUSING, 440_000, 540_000, 3 * S);
    }

    @Test
    void overuseWithoutPathChange_keepsTheAveragedBase() {
        // A single high window near the known capacity is frame noise, not a new path: the
        // decrease stays on the (conservative) averaged acked bitrate, as before.
        AimdRateControl aimd = new AimdRateControl(1_000_000, 30_000, 20_000_000);
        aimd.setRttNs(40 * MS);
        aimd.update(BandwidthUsage.OVERUSING, 1_000_000, 1_000_000, S);
        aimd.setLatestAckedSampleBps(1_100_000);
        long rate = aimd.update(BandwidthUsage.OVERUSING, 960_000, 980_000, 3 * S);
        assertEquals(816_000, rate);
    }

    @Test
    void overuseNearCapacity_ackedLaggingByTheSameAmount_cutsEveryFlowByTheSameFraction() {
        // Two flows on one bottleneck, in additive increase at the same slope: each one's
        // acknowledged bitrate lags its estimate by the same 100 kbit/s. Decreasing from it
        // would cut the smaller flow by 23.5 % and the larger by 21.1 %; from the estimate's
        // fixed share, both lose 19.25 % and the gap between them shrinks.
        long small = overuseWithAckedLagging(1_000_000, 900_000);
        long large = overuseWithAckedLagging(1_400_000, 1_300_000);
        assertEquals(807_500, small);
        assertEquals(1_130_500, large);
    }

    @Test
    void overuseNearCapacity_ackedFarBelowTheEstimate_keepsTheAckedBase() {
        // Acked at 70 % of the estimate is no lag but an estimate the path did not carry.
        assertEquals((long) (0.85 * 700_000), overuseWithAckedLagging(1_000_000, 700_000));
    }

    /** A flow whose capacity is known near {@code estimateBps}, grown back to it after a decrease. */
    private static long overuseWithAckedLagging(long estimateBps, long ackedBps) {
        AimdRateControl aimd = afterCutAt(estimateBps, estimateBps);
        aimd.setQueueDelayNs(20 * MS);
        return aimd.update(BandwidthUsage.OVERUSING, ackedBps, estimateBps, 5 * S);
    }

    /**
     * A flow (100 ms RTT) cut once at 1 s while carrying {@code carriedBps}, which measures the
     * link's capacity there, and whose estimate is {@code estimateBps} again at 4 s.
     */
    private static AimdRateControl afterCutAt(long carriedBps, long estimateBps) {
        AimdRateControl aimd = new AimdRateControl(carriedBps, 30_000, 20_000_000);
        aimd.setRttNs(100 * MS);
        aimd.update(BandwidthUsage.OVERUSING, carriedBps, carriedBps, S);
        aimd.setEstimate(estimateBps, 4 * S);
        return aimd;
    }

    @Test
    void overuseWhileApplicationLimited_withinMeasuredCapacity_holdsTheEstimate() {
        // A paused broadcast sends only padding (250 kbit/s of a 1.2 Mbit/s estimate it carried
        // before): others built the queue, and its rate before the pause is kept.
        AimdRateControl aimd = afterCutAt(1_200_000, 1_200_000);
        aimd.setSentBitrateBps(250_000);
        assertEquals(1_200_000, aimd.update(BandwidthUsage.OVERUSING, 260_000, 400_000, 5 * S));
        aimd.setSentBitrateBps(1_150_000);
        assertEquals((long) (0.85 * 1_000_000), aimd.update(BandwidthUsage.OVERUSING, 1_000_000, 1_100_000, 6 * S),
                "sending at its estimate again, it decreases as usual");
    }

    @Test
    void overuseWhileApplicationLimited_aboveMeasuredCapacity_decreasesFromAcked() {
        // A probe lifted the estimate to 3.3 Mbit/s, far beyond the 1.2 Mbit/s this flow ever
        // carried, and the sender never followed: nothing validates that estimate.
        AimdRateControl aimd = afterCutAt(1_200_000, 3_300_000);
        aimd.setSentBitrateBps(1_050_000);
        assertEquals((long) (0.85 * 1_050_000), aimd.update(BandwidthUsage.OVERUSING, 1_050_000, 1_100_000, 5 * S));
    }

    @Test
    void secondDecrease_waitsForTheFirstToTakeEffect() {
        AimdRateControl aimd = new AimdRateControl(2_000_000, 30_000, 20_000_000);
        aimd.setRttNs(100 * MS);
        aimd.update(BandwidthUsage.OVERUSING, 1_600_000, 1_600_000, S);
        long held = aimd.update(BandwidthUsage.OVERUSING, 1_400_000, 1_400_000, S + 200 * MS);
        assertEquals(1_360_000, held, "within RTT + settle time: no second decrease");
        long lowered = aimd.update(BandwidthUsage.OVERUSING, 1_400_000, 1_400_000, S + 400 * MS);
        assertEquals(1_190_000, lowered);
    }

    /** A controller whose RTT is 100 ms of path plus 300 ms of queue, standing at 250 ms now. */
    private static AimdRateControl onDeepQueue() {
        AimdRateControl aimd = new AimdRateControl(2_000_000, 30_000, 20_000_000);
        aimd.setRttNs(400 * MS);
        aimd.setQueueDelayNs(250 * MS);
        return aimd;
    }

    @Test
    void deepStandingQueue_nextDecreaseComesAfter100MsNotAfterTheInflatedRtt() {
        AimdRateControl aimd = onDeepQueue();
        long first = aimd.update(BandwidthUsage.OVERUSING, 1_000_000, 1_000_000, S);
        assertEquals(750_000, first); // drain 250 ms within 1 s
        long held = aimd.update(BandwidthUsage.OVERUSING, 800_000, 800_000, S + 50 * MS);
        assertEquals(750_000, held, "within 100 ms: no second decrease");
        long lowered = aimd.update(BandwidthUsage.OVERUSING, 800_000, 800_000, S + 150 * MS);
        assertEquals(600_000, lowered, "150 ms later, long before one 400 ms RTT");
    }

    @Test
    void deepQueueStandingPastItsWindow_nextDecreaseWaitsOneRttAgain() {
        // A queue still deep half a second after our first decrease on it may not be ours (a
        // loss-based competitor keeps its buffer full): cutting every 100 ms would only hand it
        // our share.
        AimdRateControl aimd = onDeepQueue();
        aimd.update(BandwidthUsage.OVERUSING, 1_000_000, 1_000_000, S);
        long second = aimd.update(BandwidthUsage.OVERUSING, 800_000, 800_000, S + 400 * MS);
        assertEquals(600_000, second);
        long held = aimd.update(BandwidthUsage.OVERUSING, 500_000, 500_000, S + 600 * MS);
        assertEquals(600_000, held, "0.6 s into the deep queue: the spacing is one RTT again");
        long lowered = aimd.update(BandwidthUsage.OVERUSING, 500_000, 500_000, S + 800 * MS);
        assertEquals(375_000, lowered);
    }

    @Test
    void queueFallingUnderTheDeepMark_startsANewWindowWhenItReturns() {
        AimdRateControl aimd = onDeepQueue();
        aimd.update(BandwidthUsage.OVERUSING, 1_000_000, 1_000_000, S);
        aimd.setQueueDelayNs(20 * MS);
        aimd.update(BandwidthUsage.NORMAL, 750_000, 750_000, 2 * S);
        aimd.setQueueDelayNs(250 * MS);
        long first = aimd.update(BandwidthUsage.OVERUSING, 800_000, 800_000, 3 * S);
        long second = aimd.update(BandwidthUsage.OVERUSING, 700_000, 700_000, 3 * S + 150 * MS);
        assertEquals(600_000, first);
        assertEquals(525_000, second, "a new deep queue: 150 ms spacing allowed again");
    }

    @Test
    void largeButNotDeepQueue_nextDecreaseStillWaitsOneRtt() {
        AimdRateControl aimd = new AimdRateControl(2_000_000, 30_000, 20_000_000);
        aimd.setRttNs(300 * MS);
        aimd.setQueueDelayNs(150 * MS);
        long first = aimd.update(BandwidthUsage.OVERUSING, 1_000_000, 1_000_000, S);
        assertEquals(850_000, first);
        long held = aimd.update(BandwidthUsage.OVERUSING, 800_000, 800_000, S + 150 * MS);
        assertEquals(850_000, held, "a 150 ms queue: the next decrease waits one RTT");
        long lowered = aimd.update(BandwidthUsage.OVERUSING, 800_000, 800_000, S + 300 * MS);
        assertEquals(680_000, lowered);
    }

    @Test
    void farFromKnownCapacity_increasesAbout8PercentPerSecond() {
        AimdRateControl aimd = new AimdRateControl(1_000_000, 30_000, 20_000_000);
        aimd.update(BandwidthUsage.NORMAL, -1, -1, 0);
        long rate = 0;
        for (long t = 100 * MS; t <= S; t += 100 * MS) {
            rate = aimd.update(BandwidthUsage.NORMAL, -1, -1, t);
        }
        assertEquals(1_080_000, rate, 2_000);
    }

    @Test
    void nearKnownCapacity_increasesTwoPacketsPerResponseTime() {
        AimdRateControl aimd = new AimdRateControl(2_000_000, 30_000, 20_000_000);
        aimd.setRttNs(100 * MS);
        aimd.update(BandwidthUsage.OVERUSING, 2_000_000, 2_000_000, 0);
        long start = aimd.estimateBps();
        aimd.update(BandwidthUsage.NORMAL, 1_700_000, 1_700_000, S);
        long rate = start;
        for (long t = S + 100 * MS; t <= 2 * S; t += 100 * MS) {
            rate = aimd.update(BandwidthUsage.NORMAL, 1_700_000, 1_700_000, t);
        }
        // Two 1200-byte packets per (100 ms RTT + 100 ms) = 96 kbit/s per second.
        assertEquals(96_000, rate - start, 1_000);
    }

    @Test
    void applicationLimited_increaseStopsAt150PercentOfAcked() {
        AimdRateControl aimd = new AimdRateControl(300_000, 30_000, 20_000_000);
        long rate = 0;
        for (long t = 0; t <= 60 * S; t += 100 * MS) {
            rate = aimd.update(BandwidthUsage.NORMAL, 200_000, 200_000, t);
        }
        assertEquals(310_000, rate, "1.5 x 200 kbit/s + 10 kbit/s, never more");
    }

    @Test
    void underuse_holdsTheRate() {
        AimdRateControl aimd = new AimdRateControl(1_000_000, 30_000, 20_000_000);
        aimd.update(BandwidthUsage.UNDERUSING, 900_000, 900_000, 0);
        assertEquals(1_000_000, aimd.update(BandwidthUsage.UNDERUSING, 900_000, 900_000, S));
        assertTrue(aimd.update(BandwidthUsage.NORMAL, 900_000, 900_000, 2 * S) >= 1_000_000);
    }

    @Test
    void estimate_staysWithinBounds() {
        AimdRateControl aimd = new AimdRateControl(100_000, 50_000, 200_000);
        assertEquals(50_000, aimd.update(BandwidthUsage.OVERUSING, 10_000, 10_000, S));
        aimd.setEstimate(5_000_000, 2 * S);
        assertEquals(200_000, aimd.estimateBps());
    }
}
