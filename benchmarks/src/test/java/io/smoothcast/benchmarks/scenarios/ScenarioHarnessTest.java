package io.smoothcast.benchmarks.scenarios;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.smoothcast.abr.EncoderMode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioHarnessTest {

    private static final List<String> FIELDS = List.of("scenario", "controller", "utilization",
            "queueDelayP50Ms", "queueDelayP95Ms", "lossRate", "convergenceMs", "rampUpMs",
            "fairnessMinRatio", "stallRatio", "avgBitrateKbps", "switches", "qoeLin");

    private static int run(ScenarioHarness.Options options) throws Exception {
        return ScenarioHarness.run(options, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
    }

    @Test
    void shortScenario_endToEnd_writesWellFormedSummaryAndCharts(@TempDir Path out)
            throws Exception {
        System.setProperty("java.awt.headless", "true");
        int runs = run(new ScenarioHarness.Options("goal-drop-3to1mbps", null, 100, 0, 12.0, out,
                out.resolve("no-traces"), List.of(), true, 7, EncoderMode.LADDER));
        assertEquals(ControllerKind.values().length, runs);

        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertTrue(summary.isArray());
        assertEquals(runs, summary.size());
        Set<String> controllers = new HashSet<>();
        for (JsonNode run : summary) {
            for (String field : FIELDS) {
                assertTrue(run.has(field), "missing " + field + " in " + run);
            }
            String controller = run.get("controller").asText();
            controllers.add(controller);
            assertEquals("goal-drop-3to1mbps", run.get("scenario").asText());
            assertEquals(controller.equals("fixed-900k") ? "fixed" : "ladder",
                    run.get("encoder").asText());
            double utilization = run.get("utilization").asDouble();
            assertTrue(utilization > 0.1 && utilization <= 1.01, controller + " " + utilization);
            assertTrue(run.get("lossRate").asDouble() >= 0 && run.get("lossRate").asDouble() <= 1);
            assertTrue(run.get("stallRatio").asDouble() >= 0
                    && run.get("stallRatio").asDouble() <= 1);
            double p50 = run.get("queueDelayP50Ms").asDouble();
            double p95 = run.get("queueDelayP95Ms").asDouble();
            assertTrue(p50 >= 0 && p50 <= p95 && p95 <= 310, controller + " " + p50 + "/" + p95);
            assertTrue(run.get("avgBitrateKbps").asDouble() > 40);
            assertTrue(run.get("switches").asLong() >= 0);
            assertTrue(run.get("qoeLin").isNumber());
            assertTrue(run.get("fairnessMinRatio").isNull(), "single flow has no fairness");
            Path chart = out.resolve("goal-drop-3to1mbps__" + controller + ".png");
            byte[] header = Arrays.copyOf(Files.readAllBytes(chart), 8);
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'},
                    header);
        }
        assertEquals(Set.copyOf(ScenarioHarness.controllerLabels()), controllers);
        List<String> table = Files.readAllLines(out.resolve("summary.md"));
        assertEquals(2 + runs, table.size(), "header, separator and one row per run");
        // The fixed baseline is rigid: 900 kbps whatever the link does; the adaptive ones move.
        for (JsonNode run : summary) {
            boolean fixed = run.get("controller").asText().equals("fixed-900k");
            assertEquals(fixed, run.get("avgBitrateKbps").asDouble() == 900.0, run.toString());
        }
    }

    @Test
    void sameSeed_givesIdenticalSummary(@TempDir Path out) throws Exception {
        Path a = out.resolve("a");
        Path b = out.resolve("b");
        for (Path dir : List.of(a, b)) {
            run(new ScenarioHarness.Options("rfc8867-5.4", null, 100, 0, 25.0, dir,
                    dir.resolve("no-traces"), List.of("loss-only"), false, 3,
                    EncoderMode.CONTINUOUS));
        }
        assertEquals(Files.readString(a.resolve("summary.json")),
                Files.readString(b.resolve("summary.json")));
    }

    @Test
    void traceRun_readsTraceFileWithRttAndLoss(@TempDir Path out) throws Exception {
        Path trace = out.resolve("step.tsv");
        Files.writeString(trace, "# total_duration_s: 10\n0.0\t1.5\n5.0\t0.5\n");
        run(new ScenarioHarness.Options(null, trace, 200, 0.01, 10.0, out.resolve("o"),
                out, List.of("libjitsi-remb"), false, 1, EncoderMode.LADDER));
        JsonNode run = new ObjectMapper().readTree(out.resolve("o/summary.json").toFile()).get(0);
        assertEquals("trace-step", run.get("scenario").asText());
        assertTrue(run.get("lossRate").asDouble() > 0, "1% random loss shows up");
    }

    @Test
    void unknownNames_areRejectedWithTheName(@TempDir Path out) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(new ScenarioHarness.Options("no-such", null, 100, 0, null, out, out,
                        List.of(), false, 1, EncoderMode.LADDER)));
        assertTrue(e.getMessage().contains("no-such"));
        assertThrows(IllegalArgumentException.class,
                () -> run(new ScenarioHarness.Options("goal-steady-2mbps", null, 100, 0, 1.0,
                        out, out, List.of("nope"), false, 1, EncoderMode.LADDER)));
    }

    @Test
    void catalog_hasEveryRfc8867CaseAndNamesTraceFiles(@TempDir Path traces) throws Exception {
        Files.createDirectories(traces.resolve("norway"));
        Files.writeString(traces.resolve("norway/norway_bus_1"), "0.0\t1.0\n1.5\t2.0\n");
        Files.createDirectories(traces.resolve("twitch/fast"));
        Files.writeString(traces.resolve("twitch/fast/profile_spike.tsv"),
                "# total_duration_s: 30\n0.0\t0.5\n");
        List<String> names = ScenarioHarness.scenarioNames(traces);
        for (int i = 1; i <= 8; i++) {
            assertTrue(names.contains("rfc8867-5." + i), names.toString());
        }
        assertTrue(names.contains("norway-bus-1"), names.toString());
        assertTrue(names.contains("twitch-fast-spike"), names.toString());
    }
}
