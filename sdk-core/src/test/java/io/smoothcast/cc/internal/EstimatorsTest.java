package io.smoothcast.cc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EstimatorsTest {

    private static final long MS = 1_000_000L;

    @Test
    void ackedBitrate_framesAtConstantRate_measuredWithoutBias() {
        AckedBitrateEstimator acked = new AckedBitrateEstimator(200 * MS, 0.5);
        assertEquals(-1, acked.bitrateBps());
        // 30 frames/s of 4 packets x 1000 bytes, arriving as bursts: 960 kbit/s.
        for (int frame = 0; frame < 90; frame++) {
            long frameNs = frame * 1_000_000_000L / 30;
            for (int p = 0; p < 4; p++) {
                acked.add(frameNs + p * MS, 1000);
            }
        }
        assertEquals(960_000, acked.bitrateBps(), 960_000 * 0.05);
    }

    @Test
    void ackedBitrate_conservativeValueFollowsADropWithinOneWindow() {
        AckedBitrateEstimator acked = new AckedBitrateEstimator(100 * MS, 0.25);
        long t = 0;
        for (; t < 2_000 * MS; t += MS) {
            acked.add(t, 250); // 2 Mbit/s
        }
        for (; t < 2_250 * MS; t += 2 * MS) {
            acked.add(t, 250); // 1 Mbit/s
        }
        assertEquals(1_000_000, acked.conservativeBitrateBps(), 30_000);
        assertEquals(true, acked.bitrateBps() > 1_300_000, "the average still lags");
    }

    @Test
    void ackedBitrate_gapLongerThanAWindow_givesNoZeroSample() {
        AckedBitrateEstimator acked = new AckedBitrateEstimator(100 * MS, 1.0);
        for (long t = 0; t < 500 * MS; t += MS) {
            acked.add(t, 125); // 1 Mbit/s
        }
        for (long t = 2_000 * MS; t < 2_250 * MS; t += MS) {
            acked.add(t, 125);
        }
        assertEquals(1_000_000, acked.bitrateBps(), 20_000);
    }

    /**
     * A stall: 2 Mbit/s timed, then 300 ms of arrivals at 1 Mbit/s reported without times, then
     * timed again. The span from the open window's start to the first timed arrival after the
     * stall (more than two windows, which without the untimed bytes would give no sample) is
     * measured with all its bytes: the sample is the path's average over it, not the old rate.
     */
    @Test
    void ackedBitrate_untimedArrivalsAcrossAGap_giveOneSampleOverTheMeasuredSpan() {
        AckedBitrateEstimator acked = new AckedBitrateEstimator(100 * MS, 1.0);
        for (long t = 0; t < 1_000 * MS; t += MS) {
            acked.add(t, 250); // 2 Mbit/s; the last window [900, 1000) stays open with 25 000 bytes
        }
        assertEquals(2_000_000, acked.bitrateBps());
        for (int i = 0; i < 300; i++) {
            acked.addUntimed(125); // 1 Mbit/s for 300 ms: 37 500 bytes
        }
        assertEquals(2_000_000, acked.bitrateBps(), "nothing is known until the next timed arrival");

        acked.add(1_300 * MS, 125);

        // (25 000 + 37 500) bytes over the 400 ms from 900 to 1300 ms.
        assertEquals(1_250_000, acked.bitrateBps());
        assertEquals(1_250_000, acked.latestSampleBps());
    }

    @Test
    void ackedBitrate_untimedArrivalsInsideTheWindow_countInIt() {
        AckedBitrateEstimator acked = new AckedBitrateEstimator(100 * MS, 1.0);
        acked.add(0, 1000);
        acked.add(40 * MS, 1000);
        acked.addUntimed(3000);
        acked.add(60 * MS, 1000);
        acked.add(100 * MS, 1000); // closes [0, 100): 6000 bytes

        assertEquals(480_000, acked.bitrateBps());
    }

    @Test
    void ackedBitrate_untimedArrivalsOverTooLongASpan_giveNoSample() {
        AckedBitrateEstimator acked = new AckedBitrateEstimator(100 * MS, 1.0);
        for (long t = 0; t <= 200 * MS; t += MS) {
            acked.add(t, 250);
        }
        acked.addUntimed(10_000);
        acked.add(200 * MS + AckedBitrateEstimator.MAX_UNTIMED_SPAN_WINDOWS * 100 * MS + MS, 250);

        assertEquals(2_000_000, acked.bitrateBps(), "the sender may have been idle in so long a span");
    }

    @Test
    void ackedBitrate_untimedArrivalsBeforeAnyTimedOne_areNotCounted() {
        AckedBitrateEstimator acked = new AckedBitrateEstimator(100 * MS, 1.0);
        acked.addUntimed(100_000);
        for (long t = 0; t <= 100 * MS; t += MS) {
            acked.add(t, 250);
        }

        assertEquals(2_000_000, acked.bitrateBps());
    }

    /**
     * The sender stalls for 100 ms in the middle of a window at 2 Mbit/s: with the idle time
     * taken out, the window still measures 2 Mbit/s (counted over the whole receive time it
     * would read 1 Mbit/s).
     */
    @Test
    void ackedBitrate_senderIdleTimeTakenOut_measuresThePathRate() {
        AckedBitrateEstimator idleSkipped = new AckedBitrateEstimator(200 * MS, 1.0);
        AckedBitrateEstimator idleCounted = new AckedBitrateEstimator(200 * MS, 1.0);
        for (long t = 0; t < 250 * MS; t += MS) { // [0, 200) closes at 2 Mbit/s; [200, 250) open
            idleSkipped.add(t, 250);
            idleCounted.add(t, 250);
        }
        idleSkipped.skipIdleBefore(349 * MS); // the previous arrival was at 249 ms
        for (long t = 349 * MS; t < 600 * MS; t += MS) {
            idleSkipped.add(t, 250);
            idleCounted.add(t, 250);
        }

        // The skipped gap (249 -> 349 ms) includes one ordinary 1 ms spacing: 201 packets in 200 ms.
        assertEquals(2_010_000, idleSkipped.latestSampleBps());
        assertEquals(1_010_000, idleCounted.latestSampleBps(), "the window [200, 400) holds 101 packets");
    }

    @Test
    void probe_unsaturated_givesTheSentRate() {
        ProbeBitrateEstimator probes = new ProbeBitrateEstimator();
        probes.register(7, 2_000_000, 5, 3750);
        long result = -1;
        // 5 x 1000 bytes, 4 ms apart: 2 Mbit/s sent and received.
        for (int i = 0; i < 4; i++) {
            result = probes.add(7, i * 4 * MS, 50 * MS + i * 4 * MS, 1000);
        }
        // 80 % of the cluster (4 of 5 packets) is enough for a result.
        assertEquals(2_000_000, result);
        assertEquals(2_000_000, probes.lastResultTargetBps());
        assertEquals(-1, probes.add(7, 16 * MS, 66 * MS, 1000), "one result per cluster");
    }

    @Test
    void probe_saturated_gives95PercentOfTheReceivedRate() {
        ProbeBitrateEstimator probes = new ProbeBitrateEstimator();
        probes.register(1, 4_000_000, 5, 7500);
        long result = -1;
        // Sent at 4 Mbit/s (2 ms apart), received at 1 Mbit/s (8 ms apart).
        for (int i = 0; i < 8; i++) {
            result = Math.max(result, probes.add(1, i * 2 * MS, 50 * MS + i * 8 * MS, 1000));
        }
        assertEquals(950_000, result);
    }

    @Test
    void probe_unknownCluster_isIgnored() {
        ProbeBitrateEstimator probes = new ProbeBitrateEstimator();
        assertEquals(-1, probes.add(3, 0, 0, 1000));
    }

    @Test
    void history_forgetsWhatTheRingOverwrote() {
        SentPacketHistory history = new SentPacketHistory(16);
        for (long seq = 0; seq < 20; seq++) {
            history.add(seq, 1000, seq * MS, -1);
        }
        assertEquals(-1, history.find(3), "overwritten by 19");
        int slot = history.find(19);
        assertEquals(19 * MS, history.sendTimeNs(slot));
        assertEquals(-1, history.find(-5));
        assertEquals(-1, history.find(1_000));
        assertEquals(19, history.newestSequence());
    }
}
