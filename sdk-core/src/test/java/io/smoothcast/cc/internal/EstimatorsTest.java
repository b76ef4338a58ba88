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
