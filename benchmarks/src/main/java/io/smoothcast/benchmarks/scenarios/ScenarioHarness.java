package io.smoothcast.benchmarks.scenarios;

import io.smoothcast.abr.EncoderMode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Entry point of the network-scenario harness behind the {@code Scenarios} command: runs
 * scenarios with every selected controller, writes {@code summary.json} (and the same as a
 * Markdown table, {@code summary.md}) and one PNG chart per run into the output directory.
 *
 * <p>Thread-safety: runs on the caller's thread, one run after another (the machines this
 * runs on are small and shared; a run is single-threaded and deterministic).
 */
public final class ScenarioHarness {

    /**
     * Default directory of the trace files, relative to the working directory: the copy of the
     * traces kept at the repository root ({@code traces/}, with its README giving their origin).
     */
    public static final String DEFAULT_TRACES_DIR = "traces";

    /**
     * What to run.
     *
     * @param scenario a scenario name, or {@code all}; null when {@code trace} is given
     * @param trace a trace file to run as a single-flow scenario, or null
     * @param rttMs propagation RTT for a trace run, in milliseconds
     * @param loss random loss probability on the forward link for a trace run
     * @param durationS run length in seconds (overrides every scenario's own), or null
     * @param outDir where summary.json and charts go
     * @param tracesDir where the Twitch, Norway and FCC traces are
     * @param controllers controller labels to compare, or empty for all
     * @param charts whether to draw the PNG charts
     * @param seed the simulator seed
     * @param encoderMode how the ABR-driven encoder takes its bitrate
     */
    public record Options(String scenario, Path trace, long rttMs, double loss, Double durationS,
            Path outDir, Path tracesDir, List<String> controllers, boolean charts, long seed,
            EncoderMode encoderMode) {

        public Options {
            Objects.requireNonNull(outDir, "outDir");
            Objects.requireNonNull(encoderMode, "encoderMode");
            Objects.requireNonNull(tracesDir, "tracesDir");
            controllers = List.copyOf(controllers);
            if ((scenario == null) == (trace == null)) {
                throw new IllegalArgumentException("give exactly one of scenario and trace");
            }
            if (rttMs < 0) {
                throw new IllegalArgumentException("rttMs must be >= 0: " + rttMs);
            }
            if (durationS != null && !(durationS > 0)) {
                throw new IllegalArgumentException("durationS must be > 0: " + durationS);
            }
        }
    }

    private ScenarioHarness() {
    }

    /** Returns the names of every scenario available with a traces directory. */
    public static List<String> scenarioNames(Path tracesDir) {
        return new ArrayList<>(new ScenarioCatalog(tracesDir).all().keySet());
    }

    /** Returns the labels of every controller. */
    public static List<String> controllerLabels() {
        return Arrays.stream(ControllerKind.values()).map(ControllerKind::label).toList();
    }

    /**
     * Runs the selected scenarios with the selected controllers.
     *
     * @param options what to run
     * @param log receives one progress line per run
     * @return the number of runs written to summary.json
     * @throws IOException if the output cannot be written
     * @throws IllegalArgumentException if a scenario or controller name is unknown
     */
    public static int run(Options options, PrintStream log) throws IOException {
        List<ScenarioSpec> scenarios = select(options);
        if (options.trace() == null && !Files.isDirectory(options.tracesDir())) {
            // Say so rather than silently running only the synthetic scenarios.
            log.println("warning: no traces directory " + options.tracesDir().toAbsolutePath()
                    + "; trace scenarios skipped (run from the repository root, or pass "
                    + "--traces-dir)");
        }
        List<ControllerKind> kinds = options.controllers().isEmpty()
                ? List.of(ControllerKind.values())
                : options.controllers().stream().map(ControllerKind::byLabel).toList();
        Files.createDirectories(options.outDir());
        List<Summary> summaries = new ArrayList<>();
        for (ScenarioSpec spec : scenarios) {
            for (ControllerKind kind : kinds) {
                long startMs = System.currentTimeMillis();
                RunData data = ScenarioRunner.run(spec, kind, options.encoderMode(),
                        options.seed());
                Summary summary = RunMetrics.compute(data, ScenarioRunner.MAX_MEDIA_WIRE_BPS);
                summaries.add(summary);
                if (options.charts()) {
                    RunChart.write(data, options.outDir().resolve(
                            spec.name() + "__" + kind.label() + ".png"));
                }
                log.println(String.format(Locale.ROOT,
                        "%-28s %-14s util=%s q95=%sms loss=%s stall=%s kbps=%s qoe=%s (%d ms)",
                        spec.name(), kind.label(), summary.utilization(),
                        summary.queueDelayP95Ms(), summary.lossRate(), summary.stallRatio(),
                        summary.avgBitrateKbps(), summary.qoeLin(),
                        System.currentTimeMillis() - startMs));
            }
            // Written after every scenario so a long run leaves usable results if stopped.
            SummaryWriter.write(options.outDir().resolve("summary.json"), summaries);
            SummaryTable.write(options.outDir().resolve("summary.md"), summaries);
        }
        return summaries.size();
    }

    private static List<ScenarioSpec> select(Options options) {
        List<ScenarioSpec> selected = new ArrayList<>();
        if (options.trace() != null) {
            String name = "trace-" + options.trace().getFileName().toString()
                    .replaceFirst("\\.tsv$", "");
            selected.add(ScenarioCatalog.traceScenario(name, options.trace(),
                    options.durationS() == null ? -1 : options.durationS(), options.rttMs(),
                    options.loss()));
            return selected;
        }
        Map<String, ScenarioSpec> all = new ScenarioCatalog(options.tracesDir()).all();
        if (options.scenario().equals("all")) {
            selected.addAll(all.values());
        } else if (options.scenario().endsWith("*")) {
            // A prefix (e.g. "norway-*"): iterate on one family without running the whole set.
            String prefix = options.scenario().substring(0, options.scenario().length() - 1);
            all.forEach((name, spec) -> {
                if (name.startsWith(prefix)) {
                    selected.add(spec);
                }
            });
            if (selected.isEmpty()) {
                throw new IllegalArgumentException("no scenario starts with " + prefix
                        + " (known: " + String.join(", ", all.keySet()) + ")");
            }
        } else {
            ScenarioSpec spec = all.get(options.scenario());
            if (spec == null) {
                throw new IllegalArgumentException("unknown scenario: " + options.scenario()
                        + " (known: " + String.join(", ", all.keySet()) + ")");
            }
            selected.add(spec);
        }
        if (options.durationS() != null) {
            selected.replaceAll(s -> s.withDurationS(options.durationS()));
        }
        return selected;
    }
}
