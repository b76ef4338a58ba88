package io.smoothcast.benchmarks.scenarios;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.abr.EncoderMode;
import io.smoothcast.netsim.CapacitySchedule;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceOffsetSweepTest {

    /** A 20 s single-flow trace: 2 Mbit/s, a dip to 0.8 Mbit/s at 8 s, 1.5 Mbit/s from 14 s. */
    private static ScenarioSpec shortTrace() {
        return new ScenarioSpec("synthetic", ScenarioCatalog.steps(20, 0, 2.0, 8, 0.8, 14, 1.5),
                CapacitySchedule.constant(ScenarioCatalog.REVERSE_CAPACITY_BPS), 50,
                ScenarioCatalog.DEFAULT_QUEUE_MS, 0, 20, List.of(FlowSpec.media(0)));
    }

    @Test
    void sweep_onAShortTrace_runsEveryControllerAtEveryOffset_andIsDeterministic() {
        double[] offsetsS = TraceOffsetSweep.offsetsS(2, 1);
        TraceDraws first = TraceOffsetSweep.sweep(shortTrace(), EncoderMode.CONTINUOUS, offsetsS, 1);
        TraceDraws second = TraceOffsetSweep.sweep(shortTrace(), EncoderMode.CONTINUOUS, offsetsS, 1);

        assertEquals("synthetic", first.trace());
        assertEquals(2, first.draws());
        assertEquals(List.of(ControllerKind.values()), List.copyOf(first.qoeLin().keySet()));
        for (ControllerKind kind : ControllerKind.values()) {
            assertArrayEquals(first.qoeLin().get(kind), second.qoeLin().get(kind), kind.label());
        }
        assertArrayEquals(first.ourStallRatio(), second.ourStallRatio());
        double[] ours = first.qoeLin().get(ControllerKind.SMOOTHCAST);
        assertFalse(ours[0] == ours[1], "a start offset must give another draw: " + Arrays.toString(ours));
        // The fixed baseline's encoder runs at 900 kbit/s whatever the offset.
        for (double v : first.qoeLin().get(ControllerKind.FIXED)) {
            assertTrue(v < 0.9 + 1e-9, "fixed 900k cannot score above 0.9: " + v);
        }
    }

    @Test
    void shifted_movesEveryMediaFlowByTheCommonOffset_andApartByThePerFlowOffset() {
        ScenarioSpec spec = new ScenarioSpec("three", ScenarioCatalog.constantMbps(4),
                CapacitySchedule.constant(ScenarioCatalog.REVERSE_CAPACITY_BPS), 50, 300, 0, 30,
                List.of(FlowSpec.media(0), FlowSpec.tcpLong(1), FlowSpec.media(2)));

        ScenarioSpec moved = StartOffsetSweep.shifted(spec, 0.010, 0.005);

        assertEquals(0.010, moved.flows().get(0).startS(), 1e-12);
        assertEquals(1.0, moved.flows().get(1).startS(), 1e-12, "TCP flows stay where they are");
        assertEquals(2 + 0.010 + 2 * 0.005, moved.flows().get(2).startS(), 1e-12);
        assertEquals(spec.durationS(), moved.durationS());
    }

    @Test
    void offsets_roundsRepeatTheSweepOffsetsLater() {
        double[] base = StartOffsetSweep.offsetsS();
        double[] offsets = TraceOffsetSweep.offsetsS(8, 3);

        assertEquals(24, offsets.length);
        for (int i = 0; i < 8; i++) {
            assertEquals(base[i], offsets[i], 1e-12);
            assertEquals(base[i] + 0.040, offsets[8 + i], 1e-12);
            assertEquals(base[i] + 0.080, offsets[16 + i], 1e-12);
        }
        assertArrayEquals(Arrays.copyOf(base, 3), TraceOffsetSweep.offsetsS(3, 1), 1e-12);
    }

    @Test
    void traceFigures_bestBaselineIsTheBestMean_notTheBestSingleDraw() {
        TraceDraws t = draws("t", new double[] {1.2, 1.0, 1.4}, new double[] {2.0, -1.0, 0.5},
                new double[] {0.9, 0.9, 0.9}, new double[] {0.005, 0.012, 0.0});

        assertEquals(1.2, t.ourQoeMean(), 1e-12);
        assertEquals(1.0, t.ourQoeMin(), 1e-12);
        assertEquals(ControllerKind.LIBJITSI, t.bestBaseline(), "0.9 mean beats loss-only's 0.5");
        assertEquals(0.9, t.bestBaselineMean(), 1e-12);
        assertEquals(1.2 / 0.9, t.ratioOfMeans(), 1e-12);
        assertEquals(1.2 / 0.9, t.ratioOfMedians(), 1e-12);
        // Per draw against that draw's best baseline: 1.2 < 1.15 x 2.0, 1.0 < 1.15 x 0.9, 1.4 >= 1.15 x 0.9.
        assertEquals(1, t.drawsAtRatio(1.15));
        assertEquals(0.017 / 3, t.ourStallMean(), 1e-12);
        assertEquals(0.012, t.ourStallMax(), 1e-12);
        assertEquals(1, t.drawsOverStall(0.01));
    }

    @Test
    void traceFigures_oneCollapsedBaselineDrawMovesTheMeanButNotTheMedian() {
        TraceDraws t = draws("t", new double[] {0.42, 0.42, 0.42, 0.42}, new double[] {-0.1, -0.1, -0.1, -0.1},
                new double[] {-0.72, 0.40, 0.40, 0.40}, new double[] {0, 0, 0, 0});

        assertEquals(0.42 / (0.48 / 4), t.ratioOfMeans(), 1e-9);
        assertEquals(0.42 / 0.40, t.ratioOfMedians(), 1e-9);
        assertEquals(1, t.drawsAtRatio(1.15), "only the collapsed draw is beaten by 15 %");
    }

    @Test
    void setFigures_takeTheBaselineWithTheBestSetMean() {
        List<TraceDraws> set = List.of(
                draws("a", new double[] {1.0}, new double[] {0.9}, new double[] {0.5}, new double[] {0}),
                draws("b", new double[] {0.6}, new double[] {0.1}, new double[] {0.4}, new double[] {0}));

        // Per trace the best baselines are loss-only (a) and libjitsi (b); over the set loss-only (0.5 vs 0.45).
        assertEquals(ControllerKind.LOSS_ONLY, TraceOffsetSweep.bestBaselineOfSet(set));
        assertEquals(0.8 / 0.5, TraceOffsetSweep.setMeanRatio(set), 1e-12);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TraceOffsetSweep.printTable(new PrintStream(bytes, true, StandardCharsets.UTF_8), EncoderMode.LADDER, 1, set);
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("| a | 1.000 / 1.000 | loss-only | 0.900 | **1.111** |"), table);
        assertTrue(table.contains("| b | 0.600 / 0.600 | libjitsi-remb | 0.400 | 1.500 |"), table);
        assertTrue(table.contains("ratio of means >= 1.15x on 1 of 2 traces"), table);
        assertTrue(table.contains("our stall mean <= 1 % on 2 of 2 traces, every draw <= 1 % on 2"), table);
        assertEquals(1, TraceOffsetSweep.toJson(set).get("tracesAtGoalRatio").asInt());
    }

    @Test
    void table_aBaselineScoringBelowZero_hasNoRatio_andStaysOutOfTheMeanOfRatios() {
        List<TraceDraws> set = List.of(
                draws("a", new double[] {1.2}, new double[] {0.9}, new double[] {1.0}, new double[] {0.02}),
                draws("b", new double[] {0.1}, new double[] {-0.3}, new double[] {-0.2}, new double[] {0}));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TraceOffsetSweep.printTable(new PrintStream(bytes, true, StandardCharsets.UTF_8), EncoderMode.LADDER, 1, set);
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("| b | 0.100 / 0.100 | libjitsi-remb | -0.200 | n/a | n/a |"), table);
        assertTrue(table.contains("mean of the per-trace ratios 1.200 (over the 1 traces whose best baseline scores above 0)"),
                table);
        assertTrue(table.contains("our stall mean <= 1 % on 1 of 2 traces, every draw <= 1 % on 1"), table);
    }

    @Test
    void traceDraws_rejectsDrawCountsThatDisagree() {
        Map<ControllerKind, double[]> qoe = new EnumMap<>(ControllerKind.class);
        qoe.put(ControllerKind.SMOOTHCAST, new double[] {1, 1});
        qoe.put(ControllerKind.LIBJITSI, new double[] {1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TraceDraws("t", qoe, new double[] {0, 0}));
        assertTrue(e.getMessage().contains("libjitsi-remb"), e.getMessage());
    }

    private static TraceDraws draws(String trace, double[] ours, double[] lossOnly, double[] libjitsi,
            double[] stall) {
        Map<ControllerKind, double[]> qoe = new EnumMap<>(ControllerKind.class);
        qoe.put(ControllerKind.SMOOTHCAST, ours);
        qoe.put(ControllerKind.LOSS_ONLY, lossOnly);
        qoe.put(ControllerKind.LIBJITSI, libjitsi);
        return new TraceDraws(trace, qoe, stall);
    }
}
