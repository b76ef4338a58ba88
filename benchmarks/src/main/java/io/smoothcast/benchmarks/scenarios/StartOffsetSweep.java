package io.smoothcast.benchmarks.scenarios;

import io.smoothcast.abr.EncoderMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs one RFC 8867 or goal scenario with our controller several times, each with the media
 * flows' start times moved by a few milliseconds ({@code i x offset} for flow {@code i}), and
 * prints the fairness (min/max throughput) and queue recovery of every run, then their mean and
 * worst.
 *
 * <p>Why: a scenario of the harness is one deterministic run, and with flows sharing a
 * bottleneck a single run is one draw from a wide spread (RFC 8867 5.4 with the ladder encoder:
 * 0.54 to 0.79 over the eight offsets below on the same code), too narrow a base to tell a
 * change from luck. The offsets (3.1 to 39.1 ms) move each flow's frame phase, as the seeds of
 * {@code GoalGrid} do. Deterministic: the output depends only on the code.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.smoothcast.benchmarks.scenarios.StartOffsetSweep
 *     rfc8867-5.4 LADDER</pre>
 */
public final class StartOffsetSweep {

    /** The perturbations, seconds: uneven steps so that no two move a flow by whole frames. */
    private static final double[] OFFSETS_S = {
        0.0031, 0.0077, 0.0113, 0.0171, 0.0229, 0.0283, 0.0337, 0.0391};
    private static final double GOAL_RATIO = 0.75;

    private StartOffsetSweep() {
    }

    /**
     * @param args scenario name (an RFC 8867 or goal scenario) and encoder mode (LADDER or
     *     CONTINUOUS, default LADDER)
     */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: StartOffsetSweep SCENARIO [LADDER|CONTINUOUS]");
            System.exit(2);
        }
        ScenarioSpec base = find(args[0]);
        EncoderMode mode = EncoderMode.valueOf(args.length > 1 ? args[1] : "LADDER");
        double fairnessSum = 0;
        double fairnessMin = Double.MAX_VALUE;
        int atGoal = 0;
        int runs = 0;
        double recoverySum = 0;
        double recoveryMax = 0;
        int recoveries = 0;
        for (double offsetS : OFFSETS_S) {
            RunData data = ScenarioRunner.run(shifted(base, 0, offsetS), ControllerKind.SMOOTHCAST, mode, 1);
            Double fairness = RunMetrics.fairnessMinRatio(data);
            Double recovery = RunMetrics.queueRecoveryMs(data);
            System.out.printf(Locale.ROOT, "offset %.1f ms: fairness %s, queue recovery %s ms%n", offsetS * 1000,
                    fairness == null ? "-" : String.format(Locale.ROOT, "%.3f", fairness),
                    recovery == null ? "-" : String.format(Locale.ROOT, "%.0f", recovery));
            if (recovery != null) {
                recoverySum += recovery;
                recoveryMax = Math.max(recoveryMax, recovery);
                recoveries++;
            }
            if (fairness != null) {
                fairnessSum += fairness;
                fairnessMin = Math.min(fairnessMin, fairness);
                atGoal += fairness >= GOAL_RATIO ? 1 : 0;
                runs++;
            }
        }
        if (runs > 0) {
            System.out.printf(Locale.ROOT, "%s %s: fairness mean %.3f, min %.3f, >= %.2f in %d of %d runs%n",
                    base.name(), mode, fairnessSum / runs, fairnessMin, GOAL_RATIO, atGoal, runs);
        }
        if (recoveries > 0) {
            System.out.printf(Locale.ROOT, "%s %s: queue recovery mean %.0f ms, worst %.0f ms, over %d runs%n",
                    base.name(), mode, recoverySum / recoveries, recoveryMax, recoveries);
        }
    }

    private static ScenarioSpec find(String name) {
        List<ScenarioSpec> all = new ArrayList<>(ScenarioCatalog.rfc8867());
        all.addAll(ScenarioCatalog.goals());
        for (ScenarioSpec spec : all) {
            if (spec.name().equals(name)) {
                return spec;
            }
        }
        throw new IllegalArgumentException("unknown scenario (RFC 8867 and goal scenarios only): " + name);
    }

    /** The sweep's start offsets, seconds (a copy). */
    static double[] offsetsS() {
        return OFFSETS_S.clone();
    }

    /**
     * The scenario with media flow {@code i} (its index among all flows) starting
     * {@code everyFlowOffsetS + i x perFlowOffsetS} later. The RFC sweep moves the flows apart
     * ({@code everyFlowOffsetS = 0}); a single-flow trace moves its flow against the capacity
     * trace ({@code perFlowOffsetS = 0}).
     */
    static ScenarioSpec shifted(ScenarioSpec spec, double everyFlowOffsetS, double perFlowOffsetS) {
        List<FlowSpec> flows = new ArrayList<>();
        for (int i = 0; i < spec.flows().size(); i++) {
            FlowSpec f = spec.flows().get(i);
            double offsetS = everyFlowOffsetS + i * perFlowOffsetS;
            flows.add(f.kind() == FlowSpec.Kind.MEDIA
                    ? new FlowSpec(f.kind(), f.startS() + offsetS, f.extraOneWayDelayMs(), f.pauseStartS(),
                            f.pauseEndS(), f.bytes())
                    : f);
        }
        return new ScenarioSpec(spec.name(), spec.forwardCapacity(), spec.reverseCapacity(), spec.oneWayDelayMs(),
                spec.queueLimitMs(), spec.randomLoss(), spec.durationS(), flows);
    }
}
