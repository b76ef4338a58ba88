package io.smoothcast.benchmarks.scenarios;

import io.smoothcast.abr.EncoderMode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where our QoE_lin falls short of 1.15x libjitsi's on a trace, over {@link TraceOffsetSweep}'s
 * draws, and what our controller was doing then (an analysis tool; BENCHMARKS.md, session 8,
 * branch cc13).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.smoothcast.benchmarks.scenarios.QoeBreakdown CONTINUOUS 4 norway-car-2 [more]
 * </pre>
 *
 * <p>For each trace, ours and libjitsi-remb run on the same start offsets (8 per round). Printed:
 * <ul>
 *   <li>the three terms of QoE_lin (bitrate, rebuffer, change; means over every segment of every
 *       draw) for both, and how much ours misses 1.15x libjitsi by;</li>
 *   <li>per state of our controller at the end of each 100 ms bin (feedback timeout,
 *       loss-limited, competing, else the time since the last delay-based decrease and whether
 *       the increase was held at 1.5x the acknowledged bitrate): its share of the time, the
 *       capacity, both targets over the capacity, the share in multiplicative increase, and the
 *       deficit {@code ours - 1.15 x libjitsi} of each term, each segment's deficit spread over
 *       its bins;</li>
 *   <li>how often the target lies under a share of the capacity, ours and libjitsi's;</li>
 *   <li>our shortfall under 0.95 x the capacity, split by whether the capacity is now above,
 *       near or below what it was in the second before our last decrease;</li>
 *   <li>the delay-based decreases: by what the capacity did in the second before (a dip, or
 *       none with the target above or under it) and by the standing queue at the decrease;</li>
 *   <li>the twelve one-second segments with the largest mean deficit.</li>
 * </ul>
 * Deterministic (virtual time, seed 1). Our controller's state comes from
 * {@link ControllerStateLog}, installed for our runs only.
 */
public final class QoeBreakdown {

    private static final String[] AGE_NAMES = {"<0.5 s", "0.5-1 s", "1-2 s", "2-4 s", ">=4 s"};
    private static final double[] AGE_LIMITS_S = {0.5, 1, 2, 4, Double.MAX_VALUE};
    /** Categories: timeout, loss-limited, competing, then age buckets (x2: capped or not). */
    private static final int TIMEOUT = 0;
    private static final int LOSS = 1;
    private static final int COMPETING = 2;
    private static final int FIRST_AGE = 3;
    private static final int CATEGORIES = FIRST_AGE + 2 * AGE_NAMES.length;
    /** Per-second tables cover this many segments (trace runs are at most 300 s). */
    private static final int MAX_SECONDS = 400;

    private QoeBreakdown() {
    }

    /**
     * @param args encoder mode ({@code LADDER} or {@code CONTINUOUS}), rounds of 8 start offsets
     *     (as {@code TraceOffsetSweep --rounds}), then one or more trace scenario names; traces
     *     are read from {@code traces/} under the working directory
     */
    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: QoeBreakdown LADDER|CONTINUOUS ROUNDS SCENARIO...");
            System.exit(2);
        }
        EncoderMode mode = EncoderMode.valueOf(args[0]);
        int rounds = Integer.parseInt(args[1]);
        if (rounds < 1 || rounds > 100) {
            System.err.println("ROUNDS must be in 1-100: " + rounds);
            System.exit(2);
        }
        double[] offsetsS = TraceOffsetSweep.offsetsS(StartOffsetSweep.offsetsS().length, rounds);
        var catalog = new ScenarioCatalog(Path.of(ScenarioHarness.DEFAULT_TRACES_DIR)).all();
        for (int a = 2; a < args.length; a++) {
            ScenarioSpec spec = catalog.get(args[a]);
            if (spec == null) {
                System.err.println("unknown scenario: " + args[a]);
                System.exit(2);
            }
            analyse(spec, mode, offsetsS, System.out);
        }
    }

    /** Runs ours and libjitsi on {@code spec} at every offset and prints the breakdown to {@code stream}. */
    static void analyse(ScenarioSpec spec, EncoderMode mode, double[] offsetsS, PrintStream stream) {
        double[] oursTerms = new double[3];
        double[] libTerms = new double[3];
        long segments = 0;
        double[] catBins = new double[CATEGORIES];
        double[] catCapacity = new double[CATEGORIES];
        double[] catTarget = new double[CATEGORIES];
        double[] catLibTarget = new double[CATEGORIES];
        double[][] catDeficit = new double[CATEGORIES][3];
        double[] catMultiplicative = new double[CATEGORIES];
        // Per decrease: after / before, queue ms, target after / capacity, time since the previous
        // one (s), target before / the capacity's mean over the second before, that second's
        // lowest bin / its mean, seconds until the target is back at 0.9 x the capacity.
        List<double[]> decreases = new ArrayList<>();
        double[] perSecondDeficit = new double[MAX_SECONDS];
        double[] perSecondCapacity = new double[MAX_SECONDS];
        double[] perSecondOurs = new double[MAX_SECONDS];
        double[] perSecondLib = new double[MAX_SECONDS];
        double[] perSecondOurTarget = new double[MAX_SECONDS];
        double[] perSecondLibTarget = new double[MAX_SECONDS];
        int[] perSecondCount = new int[MAX_SECONDS];
        double durationS = 0;
        double[] ratioHist = new double[30];
        double[] gapBins = new double[3];
        double[] gapCapacity = new double[3];
        double[] gapShort = new double[3];
        double[] gapLib = new double[3];
        double[] gapTarget = new double[3];
        double[] libRatioHist = new double[30];
        for (double offsetS : offsetsS) {
            ScenarioSpec shifted = StartOffsetSweep.shifted(spec, offsetS, 0);
            ControllerStateLog log = new ControllerStateLog();
            ControllerStateLog.CURRENT.set(log);
            RunData ours;
            try {
                ours = ScenarioRunner.run(shifted, ControllerKind.SMOOTHCAST, mode, 1);
            } finally {
                ControllerStateLog.CURRENT.remove();
            }
            RunData lib = ScenarioRunner.run(shifted, ControllerKind.LIBJITSI, mode, 1);
            double[][] o = segmentTerms(ours);
            double[][] l = segmentTerms(lib);
            int n = Math.min(o.length, l.length);
            long startNs = Math.round(ours.flows().get(0).spec().startS() * 1e9);
            int bins = ours.bins();
            double binS = ours.binS();
            double[] target = ours.flows().get(0).targetBps();
            double[] libTarget = lib.flows().get(0).targetBps();
            int[] category = new int[bins];
            boolean[] multiplicative = new boolean[bins];
            // The state at each bin's end: the last log entry before it.
            int e = 0;
            double lastDecreaseS = -1e9;
            double capAtDecrease = -1;
            for (int b = 0; b < bins; b++) {
                long endNs = (long) ((b + 1) * ours.binNs());
                while (e < log.size && log.timeNs[e] < endNs) {
                    if (e > 0 && !log.timedOut[e] && log.delayBps[e] < 0.95 * log.delayBps[e - 1]) {
                        double tS = log.timeNs[e] / 1e9;
                        int at = Math.min(bins - 1, (int) (log.timeNs[e] / ours.binNs()));
                        int after = Math.min(bins - 1, at + 1);
                        // The capacity over the second before the decrease: its mean and its lowest bin.
                        double capMean = 0;
                        double capMin = Double.MAX_VALUE;
                        int from = Math.max(0, at - 9);
                        for (int x = from; x <= at; x++) {
                            capMean += ours.capacityBps()[x];
                            capMin = Math.min(capMin, ours.capacityBps()[x]);
                        }
                        capMean /= at - from + 1;
                        // How long until the target is back at 0.9 of the capacity of its bin (or the run ends).
                        int back = after;
                        while (back < bins - 1 && target[back] < 0.9 * ours.capacityBps()[back]) {
                            back++;
                        }
                        decreases.add(new double[] {log.delayBps[e] / (double) log.delayBps[e - 1],
                                ours.queueDelayMs()[at], target[after] / Math.max(1, ours.capacityBps()[after]),
                                tS - lastDecreaseS, log.delayBps[e - 1] / capMean, capMin / capMean,
                                (back - after) * binS});
                        lastDecreaseS = tS;
                        capAtDecrease = capMean;
                    }
                    e++;
                }
                int i = e - 1;
                if (i < 0) {
                    category[b] = -1;
                    continue;
                }
                if (log.timedOut[i]) {
                    category[b] = TIMEOUT;
                } else if (log.lossLimitBps[i] < log.delayBps[i]) {
                    category[b] = LOSS;
                } else if (log.competing[i]) {
                    category[b] = COMPETING;
                } else {
                    double age = endNs / 1e9 - lastDecreaseS;
                    int k = 0;
                    while (age >= AGE_LIMITS_S[k]) {
                        k++;
                    }
                    boolean capped = log.ackedBps[i] > 0
                            && log.delayBps[i] >= 0.98 * (1.5 * log.ackedBps[i] + 10_000);
                    category[b] = FIRST_AGE + 2 * k + (capped ? 1 : 0);
                }
                multiplicative[b] = log.linkCapacityBps[i] < 0;
                if (capAtDecrease > 0 && ours.capacityBps()[b] > 0) {
                    double c = ours.capacityBps()[b];
                    int g = c > 1.1 * capAtDecrease ? 0 : c < 0.9 * capAtDecrease ? 2 : 1;
                    gapBins[g]++;
                    gapCapacity[g] += c;
                    gapShort[g] += Math.max(0, 0.95 * c - target[b]);
                    gapLib[g] += b < libTarget.length ? Math.max(0, 0.95 * c - libTarget[b]) : 0;
                    gapTarget[g] += target[b];
                }
            }
            for (int b = 0; b < bins; b++) {
                if (category[b] >= 0 && ours.capacityBps()[b] > 0) {
                    double r = target[b] / ours.capacityBps()[b];
                    ratioHist[Math.min(ratioHist.length - 1, (int) (r * 20))]++;
                    double lr = b < libTarget.length ? libTarget[b] / ours.capacityBps()[b] : 0;
                    libRatioHist[Math.min(libRatioHist.length - 1, (int) (lr * 20))]++;
                }
            }
            for (int s = 0; s < n; s++) {
                double[] d = new double[3];
                for (int t = 0; t < 3; t++) {
                    d[t] = o[s][t] - 1.15 * l[s][t];
                    oursTerms[t] += o[s][t];
                    libTerms[t] += l[s][t];
                }
                segments++;
                int first = (int) ((startNs + s * 1_000_000_000L) / ours.binNs());
                int last = Math.min(bins, first + (int) Math.round(1 / binS));
                double capSum = 0;
                double tSum = 0;
                double lSum = 0;
                for (int b = first; b < last; b++) {
                    int c = category[b];
                    capSum += ours.capacityBps()[b];
                    tSum += target[b];
                    lSum += b < libTarget.length ? libTarget[b] : 0;
                    if (c < 0) {
                        continue;
                    }
                    catBins[c]++;
                    catCapacity[c] += ours.capacityBps()[b];
                    catTarget[c] += target[b];
                    catLibTarget[c] += b < libTarget.length ? libTarget[b] : 0;
                    catMultiplicative[c] += multiplicative[b] ? 1 : 0;
                    for (int t = 0; t < 3; t++) {
                        catDeficit[c][t] += d[t] / (last - first);
                    }
                }
                if (s < perSecondDeficit.length) {
                    perSecondDeficit[s] += d[0] + d[1] + d[2];
                    perSecondCapacity[s] += capSum / Math.max(1, last - first);
                    perSecondOurTarget[s] += tSum / Math.max(1, last - first);
                    perSecondLibTarget[s] += lSum / Math.max(1, last - first);
                    perSecondOurs[s] += o[s][0];
                    perSecondLib[s] += l[s][0];
                    perSecondCount[s]++;
                }
            }
            durationS += n;
        }
        Printer out = new Printer(stream);
        out.f("%n## %s %s, %d draws%n%n", spec.name(), mode, offsetsS.length);
        double on = oursTerms[0] - oursTerms[1] - oursTerms[2];
        double ln = libTerms[0] - libTerms[1] - libTerms[2];
        out.f("QoE_lin ours %.3f = %.3f - %.3f - %.3f; libjitsi %.3f = %.3f - %.3f - %.3f; ratio %.3f; "
                        + "missing for 1.15x: %.3f%n%n",
                on / segments, oursTerms[0] / segments, oursTerms[1] / segments, oursTerms[2] / segments,
                ln / segments, libTerms[0] / segments, libTerms[1] / segments, libTerms[2] / segments,
                on / ln, (1.15 * ln - on) / segments);
        out.f("| our state in the bin | time share | capacity kbit/s | our target / capacity | libjitsi target / "
                + "capacity | multiplicative share | deficit: bitrate / rebuffer / change / total (per segment of the run) |%n");
        out.f("|---|---:|---:|---:|---:|---:|---|%n");
        double allBins = 0;
        for (double v : catBins) {
            allBins += v;
        }
        for (int c = 0; c < CATEGORIES; c++) {
            if (catBins[c] == 0) {
                continue;
            }
            double dB = catDeficit[c][0] / segments;
            double dR = -catDeficit[c][1] / segments;
            double dC = -catDeficit[c][2] / segments;
            out.f("| %s | %.1f %% | %.0f | %.3f | %.3f | %.0f %% | %+.4f / %+.4f / %+.4f / %+.4f |%n", name(c),
                    100 * catBins[c] / allBins, catCapacity[c] / catBins[c] / 1000, catTarget[c] / catCapacity[c],
                    catLibTarget[c] / catCapacity[c], 100 * catMultiplicative[c] / catBins[c], dB, dR, dC,
                    dB + dR + dC);
        }
        double histTotal = 0;
        for (double v : ratioHist) {
            histTotal += v;
        }
        out.f("%nShare of bins with the target under a share of the capacity (ours / libjitsi):");
        for (double limit : new double[] {0.5, 0.7, 0.75, 0.8, 0.85, 0.9, 1.0}) {
            double below = 0;
            double libBelow = 0;
            for (int h = 0; h < (int) Math.round(limit * 20); h++) {
                below += ratioHist[h];
                libBelow += libRatioHist[h];
            }
            out.f(" <%.2f: %.0f / %.0f %%;", limit, 100 * below / histTotal, 100 * libBelow / histTotal);
        }
        out.f("%n");
        out.f("%n| capacity now against the second before our last decrease | time share | our target / capacity | "
                + "our shortfall under 0.95 x capacity (share of all) | libjitsi's shortfall there / ours |%n|---|---:|---:|---:|---:|%n");
        String[] gapNames = {"more than 10 % higher", "within 10 %", "more than 10 % lower"};
        double gapAll = gapShort[0] + gapShort[1] + gapShort[2];
        double gapBinsAll = gapBins[0] + gapBins[1] + gapBins[2];
        for (int g = 0; g < 3; g++) {
            out.f("| %s | %.0f %% | %.3f | %.0f %% | %.2f |%n", gapNames[g], 100 * gapBins[g] / gapBinsAll,
                    gapTarget[g] / gapCapacity[g], 100 * gapShort[g] / gapAll, gapLib[g] / gapShort[g]);
        }
        // Decreases by what the capacity did in the second before.
        out.f("%n| decrease (queue < 200 ms) | per minute | target before / capacity mean of the second before | "
                + "after / before | target after / capacity | back at 0.9 x capacity after (median s) |%n"
                + "|---|---:|---:|---:|---:|---:|%n");
        String[] kinds = {"capacity dipped (its lowest bin < 0.8 x its mean)", "no dip: target above the capacity",
                "no dip: target under the capacity"};
        for (int kind = 0; kind < 3; kind++) {
            List<Double> backs = new ArrayList<>();
            double count = 0;
            double before = 0;
            double ratio = 0;
            double afterShare = 0;
            for (double[] d : decreases) {
                if (d[1] >= 200) {
                    continue;
                }
                int k = d[5] < 0.8 ? 0 : d[4] >= 1 ? 1 : 2;
                if (k != kind) {
                    continue;
                }
                count++;
                before += d[4];
                ratio += d[0];
                afterShare += d[2];
                backs.add(d[6]);
            }
            if (count == 0) {
                continue;
            }
            backs.sort(null);
            out.f("| %s | %.1f | %.3f | %.3f | %.3f | %.1f |%n", kinds[kind], count * 60 / durationS, before / count,
                    ratio / count, afterShare / count, backs.get(backs.size() / 2));
        }
        // Decreases by queue at the decrease.
        out.f("%n| queue at the delay-based decrease | per minute | mean after / before | target after / capacity | "
                + "time since the previous decrease (median s) |%n|---|---:|---:|---:|---:|%n");
        double[][] queueBands = {{0, 50}, {50, 100}, {100, 200}, {200, 1e9}};
        for (double[] band : queueBands) {
            List<Double> spacing = new ArrayList<>();
            double count = 0;
            double ratio = 0;
            double afterShare = 0;
            for (double[] d : decreases) {
                if (d[1] >= band[0] && d[1] < band[1]) {
                    count++;
                    ratio += d[0];
                    afterShare += d[2];
                    spacing.add(d[3]);
                }
            }
            if (count == 0) {
                continue;
            }
            spacing.sort(null);
            out.f("| %.0f-%.0f ms | %.1f | %.3f | %.3f | %.2f |%n", band[0], Math.min(band[1], 9999), count * 60 / durationS,
                    ratio / count, afterShare / count, spacing.get(spacing.size() / 2));
        }
        // The seconds with the largest mean deficit.
        out.f("%n| second | capacity | our target | libjitsi target | our encoder | libjitsi encoder | deficit |%n"
                + "|---:|---:|---:|---:|---:|---:|---:|%n");
        Integer[] order = new Integer[perSecondDeficit.length];
        for (int s = 0; s < order.length; s++) {
            order[s] = s;
        }
        Arrays.sort(order, (x, y) -> Double.compare(mean(perSecondDeficit, perSecondCount, x),
                mean(perSecondDeficit, perSecondCount, y)));
        for (int r = 0; r < 12; r++) {
            int s = order[r];
            if (perSecondCount[s] == 0) {
                continue;
            }
            out.f("| %d | %.0f | %.0f | %.0f | %.0f | %.0f | %+.3f |%n", s,
                    mean(perSecondCapacity, perSecondCount, s) / 1000, mean(perSecondOurTarget, perSecondCount, s) / 1000,
                    mean(perSecondLibTarget, perSecondCount, s) / 1000, 1000 * mean(perSecondOurs, perSecondCount, s),
                    1000 * mean(perSecondLib, perSecondCount, s), mean(perSecondDeficit, perSecondCount, s));
        }
    }

    private static double mean(double[] sum, int[] count, int s) {
        return count[s] == 0 ? Double.MAX_VALUE : sum[s] / count[s];
    }

    private static String name(int c) {
        return switch (c) {
            case TIMEOUT -> "feedback timeout";
            case LOSS -> "loss-limited";
            case COMPETING -> "competing";
            default -> {
                int k = (c - FIRST_AGE) / 2;
                boolean capped = (c - FIRST_AGE) % 2 == 1;
                yield AGE_NAMES[k] + " after a decrease" + (capped ? ", at the 1.5x acked cap" : "");
            }
        };
    }

    /** Per segment: mean encoder bitrate (Mbit/s), rebuffer term, change term, as RunMetrics.qoeLin. */
    static double[][] segmentTerms(RunData d) {
        FlowSeries f = d.flows().get(0);
        long[] capture = f.frameCaptureNs();
        long startNs = Math.round(f.spec().startS() * 1e9);
        List<double[]> out = new ArrayList<>();
        double previous = Double.NaN;
        int i = 0;
        double frameIntervalS = 1.0 / MediaSender.FRAMES_PER_SECOND;
        while (i < capture.length) {
            long segment = (capture[i] - startNs + MediaSender.FRAME_INTERVAL_NS / 2) / 1_000_000_000L;
            double sum = 0;
            int frames = 0;
            int stalled = 0;
            while (i < capture.length
                    && (capture[i] - startNs + MediaSender.FRAME_INTERVAL_NS / 2) / 1_000_000_000L == segment) {
                sum += f.frameBitrateBps()[i];
                stalled += f.frameStalled()[i] ? 1 : 0;
                frames++;
                i++;
            }
            double mbps = sum / frames / 1e6;
            out.add(new double[] {mbps, RunMetrics.REBUFFER_PENALTY * stalled * frameIntervalS,
                    Double.isNaN(previous) ? 0 : Math.abs(mbps - previous)});
            previous = mbps;
        }
        return out.toArray(new double[0][]);
    }

    /** printf in the root locale, so decimals print with a point everywhere. */
    private record Printer(PrintStream stream) {
        void f(String format, Object... args) {
            stream.printf(Locale.ROOT, format, args);
        }
    }
}
