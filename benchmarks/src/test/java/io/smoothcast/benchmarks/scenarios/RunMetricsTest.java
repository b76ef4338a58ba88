package io.smoothcast.benchmarks.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunMetricsTest {

    private static final long BIN_NS = 100_000_000L;
    private static final double BIN_S = 0.1;
    private static final double MAX_MEDIA = 3_640_000;

    /** A media flow whose sent and delivered rate per bin are given in bits per second. */
    private static FlowSeries media(FlowSpec spec, double[] rateBps) {
        double[] bits = new double[rateBps.length];
        for (int b = 0; b < bits.length; b++) {
            bits[b] = rateBps[b] * BIN_S;
        }
        return new FlowSeries(spec, bits, bits.clone(), new double[bits.length], new long[0],
                new long[0], new boolean[0], 0);
    }

    private static RunData data(double[] capacityBps, double[] queueMs, List<FlowSeries> flows) {
        return new RunData("test", "ctl", "continuous", BIN_NS, capacityBps, queueMs, flows, new long[0],
                new long[0], 0, 0, 400_000_000L);
    }

    private static double[] constant(int bins, double value) {
        double[] a = new double[bins];
        Arrays.fill(a, value);
        return a;
    }

    @Test
    void utilization_isDeliveredOverCapacity_andSteadyUsesSecondHalf() {
        double[] rate = constant(100, 900_000);
        Arrays.fill(rate, 0, 50, 450_000);
        RunData d = data(constant(100, 1_000_000), new double[100],
                List.of(media(FlowSpec.media(0), rate)));
        assertEquals(0.675, RunMetrics.utilization(d, 0), 1e-9);
        assertEquals(0.9, RunMetrics.utilization(d, 50), 1e-9);
    }

    @Test
    void percentiles_areNearestRankOverMediaPackets_filteredByArrival() {
        long[] delays = new long[100];
        long[] arrivals = new long[100];
        for (int i = 0; i < 100; i++) {
            delays[i] = (i + 1) * 1_000_000L; // 1..100 ms
            arrivals[i] = i * 100_000_000L;
        }
        RunData d = new RunData("t", "c", "continuous", BIN_NS, new double[100], new double[100], List.of(),
                delays, arrivals, 100, 0, 400_000_000L);
        assertEquals(50.0, RunMetrics.percentileMs(d, 0.50, 0));
        assertEquals(95.0, RunMetrics.percentileMs(d, 0.95, 0));
        assertEquals(98.0, RunMetrics.percentileMs(d, 0.95, 5_000_000_000L)); // 51..100 ms
        assertNull(RunMetrics.percentileMs(d, 0.95, 20_000_000_000L));
    }

    @Test
    void rampUp_isTimeUntilOneSecondDeliveredReaches75PercentOfShare() {
        double[] rate = new double[100];
        for (int b = 0; b < 100; b++) {
            rate[b] = Math.min(2_000_000, 100_000.0 * b); // +1 Mbps per second
        }
        RunData d = data(constant(100, 2_000_000), new double[100],
                List.of(media(FlowSpec.media(0), rate)));
        // Needs 1.5 Mbit delivered within the last second: sum of 100k*b*0.1 over 10 bins.
        double expectedMs = 0;
        for (int b = 0; b < 100; b++) {
            double bits = 0;
            for (int k = Math.max(0, b - 9); k <= b; k++) {
                bits += rate[k] * BIN_S;
            }
            if (bits >= 1_500_000) {
                expectedMs = (b + 1) * 100;
                break;
            }
        }
        assertEquals(expectedMs, RunMetrics.rampUpMs(d, MAX_MEDIA));
        RunData never = data(constant(100, 2_000_000), new double[100],
                List.of(media(FlowSpec.media(0), constant(100, 1_000_000))));
        assertNull(RunMetrics.rampUpMs(never, MAX_MEDIA));
    }

    @Test
    void convergence_afterCapacityDrop_countsUntilSendRateWithin15Percent() {
        double[] capacity = constant(100, 3_000_000);
        Arrays.fill(capacity, 50, 100, 1_000_000);
        double[] rate = constant(100, 3_000_000); // ignores the drop for 2 s
        Arrays.fill(rate, 70, 100, 950_000);
        RunData d = data(capacity, new double[100], List.of(media(FlowSpec.media(0), rate)));
        // From bin 70 the next second averages 0.95 Mbps; from bin 69 it averages 1.155 Mbps.
        assertEquals(2000.0, RunMetrics.convergenceMs(d, MAX_MEDIA), 1e-6);

        Arrays.fill(rate, 70, 100, 2_000_000);
        assertNull(RunMetrics.convergenceMs(
                data(capacity, new double[100], List.of(media(FlowSpec.media(0), rate))),
                MAX_MEDIA));
    }

    @Test
    void convergence_isNotApplicableWithTcpCompetitors() {
        double[] rate = constant(50, 1_000_000);
        RunData d = data(constant(50, 2_000_000), new double[50], List.of(
                media(FlowSpec.tcpLong(0), rate), media(FlowSpec.media(1), rate)));
        assertNull(RunMetrics.convergenceMs(d, MAX_MEDIA));
    }

    @Test
    void queueRecovery_isTimeUntilQueueStaysUnder100ms() {
        double[] capacity = constant(100, 3_000_000);
        Arrays.fill(capacity, 50, 100, 1_000_000);
        double[] queue = new double[100];
        Arrays.fill(queue, 50, 62, 250);
        queue[55] = 90; // a dip does not count as recovered
        RunData d = data(capacity, queue, List.of(media(FlowSpec.media(0), constant(100, 1))));
        assertEquals(1200.0, RunMetrics.queueRecoveryMs(d), 1e-6);
        Arrays.fill(queue, 50, 100, 250);
        assertNull(RunMetrics.queueRecoveryMs(data(capacity, queue,
                List.of(media(FlowSpec.media(0), constant(100, 1))))));
        assertNull(RunMetrics.queueRecoveryMs(data(constant(100, 1), new double[100],
                List.of(media(FlowSpec.media(0), constant(100, 1))))));
    }

    @Test
    void fairness_isMinOverMaxAfterLastJoinPlusSettle() {
        double[] a = constant(400, 1_000_000);
        double[] b = constant(400, 500_000);
        Arrays.fill(b, 0, 200, 0); // joins at 20 s; window starts at 30 s
        RunData d = data(constant(400, 2_000_000), new double[400], List.of(
                media(FlowSpec.media(0), a), media(FlowSpec.media(20), b)));
        assertEquals(0.5, RunMetrics.fairnessMinRatio(d), 1e-9);
        assertNull(RunMetrics.fairnessMinRatio(data(constant(400, 1), new double[400],
                List.of(media(FlowSpec.media(0), a)))));
    }

    @Test
    void stallRatioBitrateAndQoeLin_followPensieveDefinitionPerSecond() {
        // Two seconds of 30 fps: first second at 1 Mbps with 3 stalled frames, second at 2 Mbps.
        List<Long> capture = new ArrayList<>();
        List<Long> bitrate = new ArrayList<>();
        List<Boolean> stalled = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            capture.add(i * MediaSender.FRAME_INTERVAL_NS);
            bitrate.add(i < 30 ? 1_000_000L : 2_000_000L);
            stalled.add(i < 3);
        }
        boolean[] stalledArray = new boolean[60];
        for (int i = 0; i < 60; i++) {
            stalledArray[i] = stalled.get(i);
        }
        FlowSeries flow = new FlowSeries(FlowSpec.media(0), new double[20], new double[20],
                new double[20], capture.stream().mapToLong(Long::longValue).toArray(),
                bitrate.stream().mapToLong(Long::longValue).toArray(), stalledArray, 1);
        RunData d = data(constant(20, 1), new double[20], List.of(flow));
        assertEquals(3 / 60.0, RunMetrics.stallRatio(d), 1e-12);
        assertEquals(1500.0, RunMetrics.avgBitrateKbps(d), 1e-9);
        double first = 1.0 - 4.3 * 3 / 30.0;
        double second = 2.0 - 0 - 1.0;
        assertEquals((first + second) / 2, RunMetrics.qoeLin(d), 1e-9);
    }
}
