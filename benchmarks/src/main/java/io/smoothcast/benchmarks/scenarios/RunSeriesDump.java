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
 * java -cp benchmarks/target/benchmarks.jar io.smoothcast.benchmarks.scenarios.RunSeriesDump norway-car-2 smoothcast-gcc LADDER [START_OFFSET_MS]
 * </pre>
 *
 * <p>The optional start offset (milliseconds, 0 to 1000) starts the media flow that much later
 * against the capacity trace, as {@link TraceOffsetSweep} does for each of its draws, so that a
 * draw of the sweep can be looked at in detail.
 *
 * <p>Deterministic (virtual time, seed 1, as the harness's default). Runs on the caller's thread.
 */
public final class RunSeriesDump {

    private RunSeriesDump() {
    }

    /**
     * @param args scenario name, controller label, encoder mode ({@code LADDER} or
     *     {@code CONTINUOUS}), optionally the media flow's start offset in milliseconds; traces
     *     are read from {@code traces/} under the working directory
     */
    public static void main(String[] args) {
        if (args.length != 3 && args.length != 4) {
            System.err.println("usage: RunSeriesDump SCENARIO CONTROLLER LADDER|CONTINUOUS [START_OFFSET_MS]");
            System.exit(2);
        }
        double offsetMs = args.length == 4 ? parseOffsetMs(args[3]) : 0;
        if (Double.isNaN(offsetMs)) {
            System.err.println("START_OFFSET_MS must be a number in 0-1000: " + args[3]);
            System.exit(2);
        }
        ScenarioSpec spec = new ScenarioCatalog(Path.of(ScenarioHarness.DEFAULT_TRACES_DIR)).all()
                .get(args[0]);
        if (spec == null) {
            System.err.println("unknown scenario: " + args[0]);
            System.exit(2);
        }
        RunData data = ScenarioRunner.run(StartOffsetSweep.shifted(spec, offsetMs / 1000, 0),
                ControllerKind.byLabel(args[1]), EncoderMode.valueOf(args[2]), 1);
        print(data, System.out);
    }

    /** The offset in milliseconds, or NaN if it is not a number in 0-1000. */
    static double parseOffsetMs(String text) {
        try {
            double ms = Double.parseDouble(text);
            return ms >= 0 && ms <= 1000 ? ms : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
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
