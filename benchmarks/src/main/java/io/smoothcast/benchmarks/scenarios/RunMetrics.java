package io.smoothcast.benchmarks.scenarios;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.function.IntPredicate;

/**
 * Turns a {@link RunData} into a {@link Summary}. Pure functions, no simulator needed.
 *
 * <p>Definitions (rates are on the wire, headers included):
 * <ul>
 *   <li><b>rampUpMs</b>: from the first forward media flow's start until its delivered rate over
 *       the last second reaches {@value #RAMP_UP_FRACTION} of its share of the capacity at start
 *       (capacity / long flows active then, capped at the highest rendition).</li>
 *   <li><b>convergenceMs</b> (scenarios without TCP and with at most {@value #MAX_EVENTS}
 *       events): events are capacity changes, media flow joins and pause edges. After each, the
 *       first time the forward media send rate over the next second is within
 *       {@value #CONVERGENCE_TOLERANCE} of the available capacity (capacity, or active flows x
 *       highest rendition if lower) counts; the worst event is reported, null if one never
 *       converges before the next event.</li>
 *   <li><b>queueRecoveryMs</b>: after each capacity decrease, the time until the sampled
 *       queue delay is back under {@value #QUEUE_RECOVERED_MS} ms and stays under it for one
 *       second; worst case; null if never or no decrease.</li>
 *   <li><b>fairnessMinRatio</b>: forward media and long TCP flows, mean delivered rate from
 *       {@value #FAIRNESS_SETTLE_S} s after the last join or resume to the end; min / max.</li>
 *   <li><b>qoeLin</b>: for each media flow and each one-second segment since its start that has
 *       frames: mean encoder bitrate (Mbps) - 4.3 x stalled frames x frame interval (s) -
 *       |bitrate change from the previous segment| (Mbps); the mean over all segments.</li>
 * </ul>
 */
final class RunMetrics {

    static final double RAMP_UP_FRACTION = 0.75;
    static final double CONVERGENCE_TOLERANCE = 0.15;
    static final double QUEUE_RECOVERED_MS = 100;
    static final double FAIRNESS_SETTLE_S = 10;
    static final int MAX_EVENTS = 20;
    static final double REBUFFER_PENALTY = 4.3;

    private RunMetrics() {
    }

    /**
     * @param maxMediaWireBps the most a media flow can send (highest rendition plus headers),
     *     bits per second
     */
    static Summary compute(RunData d, double maxMediaWireBps) {
        int mediaFlows = (int) d.flows().stream().filter(f -> f.spec().isMedia()).count();
        return new Summary(d.scenario(), d.controller(), d.encoder(),
                round(d.bins() * d.binS(), 1),
                mediaFlows,
                round(utilization(d, 0), 3),
                round(utilization(d, d.bins() / 2), 3),
                round(percentileMs(d, 0.50, 0), 1),
                round(percentileMs(d, 0.95, 0), 1),
                round(percentileMs(d, 0.95, d.bins() / 2 * d.binNs()), 1),
                d.mediaPacketsSent() == 0 ? null
                        : round(d.mediaPacketsDropped() / (double) d.mediaPacketsSent(), 4),
                round(convergenceMs(d, maxMediaWireBps), 0),
                round(queueRecoveryMs(d), 0),
                round(rampUpMs(d, maxMediaWireBps), 0),
                round(fairnessMinRatio(d), 3),
                round(stallRatio(d), 4),
                round(avgBitrateKbps(d), 1),
                d.flows().stream().mapToLong(FlowSeries::renditionSwitches).sum(),
                round(qoeLin(d), 3));
    }

    static boolean isForwardData(FlowSeries f) {
        return f.spec().kind() != FlowSpec.Kind.REVERSE_MEDIA;
    }

    static Double utilization(RunData d, int fromBin) {
        double capacityBits = 0;
        double deliveredBits = 0;
        for (int b = fromBin; b < d.bins(); b++) {
            capacityBits += d.capacityBps()[b] * d.binS();
            for (FlowSeries f : d.flows()) {
                if (isForwardData(f)) {
                    deliveredBits += f.deliveredBits()[b];
                }
            }
        }
        return capacityBits > 0 ? deliveredBits / capacityBits : null;
    }

    static Double percentileMs(RunData d, double quantile, long fromNs) {
        long[] delays = d.mediaQueueDelayNs();
        long[] selected = new long[delays.length];
        int n = 0;
        for (int i = 0; i < delays.length; i++) {
            if (d.mediaArrivalNs()[i] >= fromNs) {
                selected[n++] = delays[i];
            }
        }
        if (n == 0) {
            return null;
        }
        Arrays.sort(selected, 0, n);
        int index = (int) Math.ceil(quantile * n) - 1;
        return selected[Math.max(0, Math.min(n - 1, index))] / 1e6;
    }

    static Double rampUpMs(RunData d, double maxMediaWireBps) {
        FlowSeries first = null;
        for (FlowSeries f : d.flows()) {
            if (f.spec().kind() == FlowSpec.Kind.MEDIA
                    && (first == null || f.spec().startS() < first.spec().startS())) {
                first = f;
            }
        }
        if (first == null) {
            return null;
        }
        double startS = first.spec().startS();
        int startBin = (int) Math.floor(startS / d.binS());
        if (startBin >= d.bins()) {
            return null;
        }
        long active = d.flows().stream().filter(f -> isLongFlow(f) && f.spec().startS() <= startS)
                .count();
        double share = Math.min(maxMediaWireBps, d.capacityBps()[startBin] / Math.max(1, active));
        double threshold = RAMP_UP_FRACTION * share;
        int window = binsPerSecond(d);
        for (int b = startBin; b < d.bins(); b++) {
            double bits = 0;
            for (int k = Math.max(0, b - window + 1); k <= b; k++) {
                bits += first.deliveredBits()[k];
            }
            if (bits >= threshold) {
                return ((b + 1) * d.binS() - startS) * 1000;
            }
        }
        return null;
    }

    private static boolean isLongFlow(FlowSeries f) {
        return f.spec().kind() == FlowSpec.Kind.MEDIA || f.spec().kind() == FlowSpec.Kind.TCP_LONG;
    }

    private static int binsPerSecond(RunData d) {
        return (int) Math.max(1, Math.round(1.0 / d.binS()));
    }

    /** Bins where something changes: capacity steps, media joins, pause edges. */
    static List<Integer> events(RunData d, boolean decreasesOnly) {
        TreeSet<Integer> events = new TreeSet<>();
        for (int b = 1; b < d.bins(); b++) {
            double before = d.capacityBps()[b - 1];
            double now = d.capacityBps()[b];
            if (decreasesOnly ? now < before : now != before) {
                events.add(b);
            }
        }
        if (!decreasesOnly) {
            for (FlowSeries f : d.flows()) {
                if (f.spec().kind() != FlowSpec.Kind.MEDIA) {
                    continue;
                }
                addEvent(events, d, f.spec().startS());
                if (f.spec().pauseStartS() >= 0) {
                    addEvent(events, d, f.spec().pauseStartS());
                    addEvent(events, d, f.spec().pauseEndS());
                }
            }
        }
        return new ArrayList<>(events);
    }

    private static void addEvent(TreeSet<Integer> events, RunData d, double timeS) {
        int bin = (int) Math.round(timeS / d.binS());
        if (bin > 0 && bin < d.bins()) {
            events.add(bin);
        }
    }

    static Double convergenceMs(RunData d, double maxMediaWireBps) {
        boolean anyTcp = d.flows().stream().anyMatch(f -> f.spec().kind() == FlowSpec.Kind.TCP_LONG
                || f.spec().kind() == FlowSpec.Kind.TCP_SHORT);
        List<Integer> events = events(d, false);
        if (anyTcp || events.isEmpty() || events.size() > MAX_EVENTS) {
            return null;
        }
        int window = binsPerSecond(d);
        return worstSettlingMs(d, events, true, window, b -> {
            double sent = 0;
            double available = 0;
            for (int k = b; k < b + window; k++) {
                sent += forwardMediaSentBits(d, k);
                available += Math.min(d.capacityBps()[k],
                        activeForwardMedia(d, k) * maxMediaWireBps) * d.binS();
            }
            return available > 0 && Math.abs(sent - available) <= CONVERGENCE_TOLERANCE * available;
        });
    }

    /**
     * How long the slowest event takes to settle: for each event bin, the ms from it to the first
     * {@code window} bins from which {@code settledFrom} holds, searched up to the run's end (or,
     * with {@code untilNextEvent}, up to the next event). Null if one event never settles.
     */
    private static Double worstSettlingMs(RunData d, List<Integer> events, boolean untilNextEvent, int window,
            IntPredicate settledFrom) {
        double worstMs = 0;
        for (int i = 0; i < events.size(); i++) {
            int from = events.get(i);
            int to = untilNextEvent && i + 1 < events.size() ? events.get(i + 1) : d.bins();
            Double found = null;
            for (int b = from; b + window <= to; b++) {
                if (settledFrom.test(b)) {
                    found = (b - from) * d.binS() * 1000;
                    break;
                }
            }
            if (found == null) {
                return null;
            }
            worstMs = Math.max(worstMs, found);
        }
        return worstMs;
    }

    private static double forwardMediaSentBits(RunData d, int bin) {
        double bits = 0;
        for (FlowSeries f : d.flows()) {
            if (f.spec().kind() == FlowSpec.Kind.MEDIA) {
                bits += f.sentBits()[bin];
            }
        }
        return bits;
    }

    private static int activeForwardMedia(RunData d, int bin) {
        double t = bin * d.binS();
        int n = 0;
        for (FlowSeries f : d.flows()) {
            if (f.spec().kind() == FlowSpec.Kind.MEDIA && f.spec().startS() <= t
                    && !f.spec().pausedAt(t)) {
                n++;
            }
        }
        return n;
    }

    static Double queueRecoveryMs(RunData d) {
        List<Integer> drops = events(d, true);
        if (drops.isEmpty() || drops.size() > MAX_EVENTS) {
            return null;
        }
        int window = binsPerSecond(d);
        return worstSettlingMs(d, drops, false, window, b -> {
            for (int k = b; k < b + window; k++) {
                if (!(d.queueDelayMs()[k] < QUEUE_RECOVERED_MS)) {
                    return false;
                }
            }
            return true;
        });
    }

    static Double fairnessMinRatio(RunData d) {
        List<FlowSeries> flows = d.flows().stream().filter(RunMetrics::isLongFlow).toList();
        if (flows.size() < 2) {
            return null;
        }
        double lastEventS = 0;
        for (FlowSeries f : flows) {
            lastEventS = Math.max(lastEventS, f.spec().startS());
            if (f.spec().pauseStartS() >= 0) {
                lastEventS = Math.max(lastEventS, f.spec().pauseEndS());
            }
        }
        int from = (int) Math.ceil((lastEventS + FAIRNESS_SETTLE_S) / d.binS());
        if (from >= d.bins()) {
            return null;
        }
        double min = Double.MAX_VALUE;
        double max = 0;
        for (FlowSeries f : flows) {
            double bits = 0;
            for (int b = from; b < d.bins(); b++) {
                bits += f.deliveredBits()[b];
            }
            min = Math.min(min, bits);
            max = Math.max(max, bits);
        }
        return max > 0 ? min / max : null;
    }

    static Double stallRatio(RunData d) {
        long frames = 0;
        long stalled = 0;
        for (FlowSeries f : d.flows()) {
            for (boolean s : f.frameStalled()) {
                frames++;
                stalled += s ? 1 : 0;
            }
        }
        return frames == 0 ? null : stalled / (double) frames;
    }

    static Double avgBitrateKbps(RunData d) {
        long frames = 0;
        double sum = 0;
        for (FlowSeries f : d.flows()) {
            for (long bps : f.frameBitrateBps()) {
                frames++;
                sum += bps;
            }
        }
        return frames == 0 ? null : sum / frames / 1000;
    }

    static Double qoeLin(RunData d) {
        double total = 0;
        long segments = 0;
        double frameIntervalS = 1.0 / MediaSender.FRAMES_PER_SECOND;
        for (FlowSeries f : d.flows()) {
            long[] capture = f.frameCaptureNs();
            if (capture.length == 0) {
                continue;
            }
            long startNs = Math.round(f.spec().startS() * 1e9);
            double previousMbps = Double.NaN;
            int i = 0;
            while (i < capture.length) {
                long segment = segmentOf(capture[i], startNs);
                double bitrateSum = 0;
                int frames = 0;
                int stalled = 0;
                while (i < capture.length && segmentOf(capture[i], startNs) == segment) {
                    bitrateSum += f.frameBitrateBps()[i];
                    stalled += f.frameStalled()[i] ? 1 : 0;
                    frames++;
                    i++;
                }
                double mbps = bitrateSum / frames / 1e6;
                double change = Double.isNaN(previousMbps) ? 0 : Math.abs(mbps - previousMbps);
                total += mbps - REBUFFER_PENALTY * stalled * frameIntervalS - change;
                previousMbps = mbps;
                segments++;
            }
        }
        return segments == 0 ? null : total / segments;
    }

    /**
     * The one-second segment of a frame, counted from the flow's start. Frame times are whole
     * nanoseconds, so 30 frame intervals fall a few ns short of a second: half an interval of
     * slack keeps 30 frames in each segment.
     */
    private static long segmentOf(long captureNs, long startNs) {
        return (captureNs - startNs + MediaSender.FRAME_INTERVAL_NS / 2) / 1_000_000_000L;
    }

    private static Double round(Double value, int decimals) {
        if (value == null || value.isNaN() || value.isInfinite()) {
            return null;
        }
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
