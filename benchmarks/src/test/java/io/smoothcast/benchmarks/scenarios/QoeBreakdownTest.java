package io.smoothcast.benchmarks.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.abr.EncoderMode;
import io.smoothcast.netsim.CapacitySchedule;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class QoeBreakdownTest {

    /** A 20 s single-flow trace: 2 Mbit/s, a dip to 0.8 Mbit/s at 8 s, 1.5 Mbit/s from 14 s. */
    private static ScenarioSpec shortTrace() {
        return new ScenarioSpec("synthetic", ScenarioCatalog.steps(20, 0, 2.0, 8, 0.8, 14, 1.5),
                CapacitySchedule.constant(ScenarioCatalog.REVERSE_CAPACITY_BPS), 50,
                ScenarioCatalog.DEFAULT_QUEUE_MS, 0, 20, List.of(FlowSpec.media(0)));
    }

    @Test
    void segmentTerms_addUpToTheHarnessQoeLin() {
        for (ControllerKind kind : List.of(ControllerKind.SMOOTHCAST, ControllerKind.LIBJITSI)) {
            RunData data = ScenarioRunner.run(StartOffsetSweep.shifted(shortTrace(), 0.0131, 0), kind,
                    EncoderMode.CONTINUOUS, 1);

            double[][] terms = QoeBreakdown.segmentTerms(data);

            double sum = 0;
            for (double[] t : terms) {
                sum += t[0] - t[1] - t[2];
            }
            assertEquals(RunMetrics.qoeLin(data), sum / terms.length, 1e-9, kind.label());
            assertEquals(0, terms[0][2], "the first segment has no change: " + kind.label());
        }
    }

    @Test
    void stateLog_recordsOurControllerOnlyWhileInstalled() {
        ControllerStateLog log = new ControllerStateLog();
        ControllerStateLog.CURRENT.set(log);
        try {
            ScenarioRunner.run(shortTrace(), ControllerKind.SMOOTHCAST, EncoderMode.CONTINUOUS, 1);
        } finally {
            ControllerStateLog.CURRENT.remove();
        }
        // Feedback every 50 ms for about 20 s.
        assertTrue(log.size > 300, "entries: " + log.size);
        for (int i = 1; i < log.size; i++) {
            assertTrue(log.timeNs[i] >= log.timeNs[i - 1], "entries in time order at " + i);
            assertTrue(log.targetBps[i] <= log.delayBps[i], "the target is at most the delay-based estimate at " + i);
        }
        int before = log.size;
        ScenarioRunner.run(shortTrace(), ControllerKind.SMOOTHCAST, EncoderMode.CONTINUOUS, 1);
        assertEquals(before, log.size, "nothing recorded once removed");
        assertNull(ControllerStateLog.CURRENT.get());
    }

    @Test
    void analyse_printsTheTermsAndTheStateTable() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        QoeBreakdown.analyse(shortTrace(), EncoderMode.CONTINUOUS, TraceOffsetSweep.offsetsS(2, 1),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("## synthetic CONTINUOUS, 2 draws"), text);
        assertTrue(text.contains("QoE_lin ours "), text);
        assertTrue(text.contains("| our state in the bin |"), text);
        assertTrue(text.contains("after a decrease"), text);
    }
}
