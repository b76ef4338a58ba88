package io.smoothcast.benchmarks.scenarios;

import io.smoothcast.abr.EncoderMode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Prints the time series of one scenario run, for analysis outside the harness (for example
 * {@code benchmarks/scripts/abr_bounds.py}): one {@code B} line per 100 ms bin (bin index,
 * forward capacity bit/s, the first media flow's controller target bit/s, queue delay ms) and one
 * {@code F} line per frame of that flow (capture time ns, encoder bitrate bit/s, 1 if stalled).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.smoothcast.benchmarks.scenarios.RunSeriesDump norway-car-2 smoothcast-gcc LADDER
 * </pre>
 *
 * <p>Deterministic (virtual time, seed 1, as the harness's default). Runs on the caller's thread.
 */
public final class RunSeriesDump {

    private RunSeriesDump() {
    }

    /**
     * @param args scenario name, controller label, encoder mode ({@code LADDER} or
     *     {@code CONTINUOUS}); traces are read from {@code traces/} under the working directory
     */
    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: RunSeriesDump SCENARIO CONTROLLER LADDER|CONTINUOUS");
            System.exit(2);
        }
        ScenarioSpec spec = new ScenarioCatalog(Path.of(ScenarioHarness.DEFAULT_TRACES_DIR)).all()
                .get(args[0]);
        if (spec == null) {
            System.err.println("unknown scenario: " + args[0]);
            System.exit(2);
        }
        RunData data = ScenarioRunner.run(spec, ControllerKind.byLabel(args[1]),
                EncoderMode.valueOf(args[2]), 1);
        print(data, System.out);
    }

    static void print(RunData data, PrintStream out) {
        FlowSeries flow = data.flows().get(0);
        for (int b = 0; b < data.bins(); b++) {
            double target = b < flow.targetBps().length ? flow.targetBps()[b] : 0;
            out.println(String.format(Locale.ROOT, "B %d %.0f %.0f %.1f", b, data.capacityBps()[b],
                    target, data.queueDelayMs()[b]));
        }
        for (int i = 0; i < flow.frameCaptureNs().length; i++) {
            out.println("F " + flow.frameCaptureNs()[i] + " " + flow.frameBitrateBps()[i] + " "
                    + (flow.frameStalled()[i] ? 1 : 0));
        }
    }
}
