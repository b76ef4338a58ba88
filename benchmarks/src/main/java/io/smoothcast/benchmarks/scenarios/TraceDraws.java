package io.smoothcast.benchmarks.scenarios;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One trace run K times (K perturbations, the same for every controller): each controller's
 * QoE_lin per draw and our stall ratio per draw, and the per-trace figures of the Norway goal
 * taken over the draws instead of from one run.
 *
 * <p>The best baseline is the one with the highest mean over the draws, and the goal's ratio is
 * our mean over its mean ("ratio of means"): a baseline that is lucky in one draw does not become
 * the reference. {@link #drawsAtRatio} counts the draws in which ours alone beat the best
 * baseline of that same draw by the factor, as a single run would judge it.
 *
 * @param trace scenario name
 * @param qoeLin QoE_lin per controller, one value per draw, draws in the same order for all
 * @param ourStallRatio our stalled frames / frames, per draw
 */
record TraceDraws(String trace, Map<ControllerKind, double[]> qoeLin, double[] ourStallRatio) {

    TraceDraws {
        Objects.requireNonNull(trace, "trace");
        qoeLin = new EnumMap<>(qoeLin);
        int draws = ourStallRatio.length;
        if (draws == 0) {
            throw new IllegalArgumentException("no draws for " + trace);
        }
        if (!qoeLin.containsKey(ControllerKind.SMOOTHCAST) || qoeLin.size() < 2) {
            throw new IllegalArgumentException("need ours and at least one baseline: " + qoeLin.keySet());
        }
        for (Map.Entry<ControllerKind, double[]> e : qoeLin.entrySet()) {
            if (e.getValue().length != draws) {
                throw new IllegalArgumentException(e.getKey().label() + " has " + e.getValue().length
                        + " draws, expected " + draws);
            }
        }
    }

    int draws() {
        return ourStallRatio.length;
    }

    double ourQoeMean() {
        return mean(qoeLin.get(ControllerKind.SMOOTHCAST));
    }

    double ourQoeMin() {
        return min(qoeLin.get(ControllerKind.SMOOTHCAST));
    }

    /** The baseline with the highest mean QoE_lin over the draws (the first one on a tie). */
    ControllerKind bestBaseline() {
        ControllerKind best = null;
        for (Map.Entry<ControllerKind, double[]> e : qoeLin.entrySet()) {
            if (e.getKey() != ControllerKind.SMOOTHCAST
                    && (best == null || mean(e.getValue()) > mean(qoeLin.get(best)))) {
                best = e.getKey();
            }
        }
        return best;
    }

    double bestBaselineMean() {
        return mean(qoeLin.get(bestBaseline()));
    }

    /** Our mean over the best baseline's mean; NaN when that mean is not positive. */
    double ratioOfMeans() {
        double base = bestBaselineMean();
        return base > 0 ? ourQoeMean() / base : Double.NaN;
    }

    /**
     * Our median over the highest of the baselines' medians; NaN when that median is not
     * positive. Unlike the means, one collapsed draw of a baseline does not move it.
     */
    double ratioOfMedians() {
        double base = Double.NEGATIVE_INFINITY;
        for (Map.Entry<ControllerKind, double[]> e : qoeLin.entrySet()) {
            if (e.getKey() != ControllerKind.SMOOTHCAST) {
                base = Math.max(base, median(e.getValue()));
            }
        }
        return base > 0 ? median(qoeLin.get(ControllerKind.SMOOTHCAST)) / base : Double.NaN;
    }

    /**
     * The draws in which ours reached {@code factor} x the best baseline of that draw (or was
     * positive where every baseline scored zero or less).
     */
    int drawsAtRatio(double factor) {
        double[] ours = qoeLin.get(ControllerKind.SMOOTHCAST);
        int count = 0;
        for (int k = 0; k < draws(); k++) {
            double best = Double.NEGATIVE_INFINITY;
            for (Map.Entry<ControllerKind, double[]> e : qoeLin.entrySet()) {
                if (e.getKey() != ControllerKind.SMOOTHCAST) {
                    best = Math.max(best, e.getValue()[k]);
                }
            }
            // A baseline at or below zero in a draw is beaten by any positive score of ours.
            count += (best > 0 ? ours[k] >= factor * best : ours[k] > 0) ? 1 : 0;
        }
        return count;
    }

    double ourStallMean() {
        return mean(ourStallRatio);
    }

    double ourStallMax() {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : ourStallRatio) {
            max = Math.max(max, v);
        }
        return max;
    }

    /** The draws whose stall ratio is above {@code limit}. */
    int drawsOverStall(double limit) {
        int count = 0;
        for (double v : ourStallRatio) {
            count += v > limit ? 1 : 0;
        }
        return count;
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double min(double[] values) {
        double min = Double.POSITIVE_INFINITY;
        for (double v : values) {
            min = Math.min(min, v);
        }
        return min;
    }
}
