package io.smoothcast.benchmarks.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunSeriesDumpTest {

    @Test
    void printsOneLinePerBinThenOnePerFrame() {
        FlowSeries flow = new FlowSeries(FlowSpec.media(0), new double[2], new double[2],
                new double[] {500_000, 450_000}, new long[] {0, 33_333_333},
                new long[] {400_000, 900_000}, new boolean[] {false, true}, 1);
        RunData data = new RunData("s", "c", "ladder", 100_000_000L,
                new double[] {1_000_000, 2_000_000}, new double[] {12.5, 0}, List.of(flow),
                new long[0], new long[0], 0, 0, 400_000_000L);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RunSeriesDump.print(data, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals(List.of("B 0 1000000 500000 12.5", "B 1 2000000 450000 0.0",
                "F 0 400000 0", "F 33333333 900000 1"),
                bytes.toString(StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void startOffset_acceptsMillisecondsUpToOneSecond_andRejectsTheRest() {
        assertEquals(39.1, RunSeriesDump.parseOffsetMs("39.1"));
        assertEquals(0, RunSeriesDump.parseOffsetMs("0"));
        for (String bad : new String[] {"-1", "1000.5", "NaN", "abc", ""}) {
            assertTrue(Double.isNaN(RunSeriesDump.parseOffsetMs(bad)), bad);
        }
    }
}
