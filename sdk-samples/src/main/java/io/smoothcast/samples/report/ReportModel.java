package io.smoothcast.samples.report;

import io.smoothcast.alert.Severity;
import io.smoothcast.stats.NodeSwitchCounts;
import io.smoothcast.transport.NodeSwitchReason;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The numbers of a history report, computed from {@link HistoryData}; all times are UTC.
 *
 * <ul>
 *   <li>Stall rate (mean of the viewers' interval stall rates) and latency percentiles (p50, p95,
 *       p99, nearest rank) by region and by hour of day.</li>
 *   <li>Worst slots: the hours (date and hour) with the highest mean stall rate, among those with
 *       at least {@link #MIN_SAMPLES_PER_SLOT} samples; worst regions likewise.</li>
 *   <li>Bandwidth: total egress of the nodes per minute (sum over nodes of the mean per node);
 *       the forecast fits a least-squares line to the per-hour peaks and projects it
 *       {@link #FORECAST_HORIZON_HOURS} hours past the last one; the peak need is the larger of
 *       the projection and the observed peak, times {@link #HEADROOM}.</li>
 *   <li>Failovers and node moves: every increase of a viewer's or a broadcaster's failover count
 *       and of its move counts per reason (moves to another node while the node still answered),
 *       between two of its samples, with the node it was on after it and that node's region; summed
 *       per stream and direction, beside the rises of its token refusals (its current token refused
 *       by a node), its frames dropped (a broadcaster's while not connected, and too late to send; a
 *       viewer's given up by its jitter buffer) and its repairs (retransmissions a broadcaster sent;
 *       packets they replaced at a viewer). An endpoint's first sample is its baseline (what it counted
 *       before is not the history's; the failovers and moves at the first sample of one first sampled
 *       after the history began are told apart, {@link FirstSeenLate}); when any count fell (the endpoint restarted under the same
 *       id), every count rose by its whole new value. Broadcasters' keyframe requests ignored (naming
 *       no video track of theirs) are summed the same way.</li>
 *   <li>Node restarts and takeovers: the rises of each node's source restarts, session takeovers and
 *       takeovers held over the history, the same way (a fall is a relay restart); nodes with none
 *       are left out.</li>
 *   <li>Incidents: raised and cleared alert events paired by incident, rule and place; counted per
 *       grade, with time to recover against the grade's restore target.</li>
 *   <li>Advice, only where the data supports it (see {@link #advice}).</li>
 * </ul>
 *
 * <p>Not thread-safe while built; immutable afterwards.
 */
final class ReportModel {

    static final int MIN_SAMPLES_PER_SLOT = 10;
    static final int FORECAST_HORIZON_HOURS = 24;
    static final double HEADROOM = 1.3;
    /** A region is "bad" when its stall rate is above this share. */
    static final double BAD_STALL_RATE = 0.02;

    /** Stall and latency of one group of samples. */
    record Quality(String key, int samples, double meanStallRate, double p50LatencyMs, double p95LatencyMs,
            double p99LatencyMs) {
    }

    /** One incident. */
    record Incident(String severity, String ruleId, String where, long raisedMs, long clearedMs, String detail) {
        boolean open() {
            return clearedMs < 0;
        }

        long timeToRecoverMs() {
            return open() ? -1 : clearedMs - raisedMs;
        }
    }

    /** Counts and recovery of one grade. */
    record GradeSummary(Severity severity, int count, int open, int metTarget, double meanTimeToRecoverMin) {
    }

    /** Failovers seen in the history: {@code count} of them between an endpoint's two samples. */
    record Failover(long wallTimeMs, String streamId, String nodeId, String region, long count) {
    }

    /**
     * Moves to another node while the node still answered, seen in the history: {@code count} of
     * them for {@code reason} between an endpoint's two samples; {@code nodeId} is the node it was
     * on after them.
     */
    record Move(long wallTimeMs, String streamId, String direction, String nodeId, String region,
            NodeSwitchReason reason, long count) {
    }

    /**
     * Failovers, moves per reason, token refusals, frames dropped and packets repaired of one
     * stream's viewers ({@code direction} "receive") or broadcasters ("send") over the history.
     * {@code framesDroppedLate}: viewers' frames their jitter buffers gave up on, broadcasters' frames
     * too late to send (send-delay limit, full pacer); {@code framesDroppedNotConnected}: broadcasters
     * only (0 for viewers); {@code repairs}: packets retransmissions replaced at the viewers, or
     * retransmissions the broadcasters sent; {@code keyframeRequestsIgnored}: broadcasters only.
     */
    record StreamMoves(String streamId, String direction, long failovers, NodeSwitchCounts switches,
            long tokenRefusals, long framesDroppedNotConnected, long framesDroppedLate, long repairs,
            long keyframeRequestsIgnored) {
    }

    /**
     * The viewers ({@code direction} "receive") or broadcasters ("send") of a stream first sampled
     * after the history's first sample whose first sample already counted failovers or moves: those
     * came before the history saw the endpoint (it joined, or was first watched, after the history
     * began; or its samples were lost), possibly within the history's time, and no rise counts them.
     */
    record FirstSeenLate(String streamId, String direction, long endpoints, long failovers, long moves) {
    }

    /** What one node's source restarts, session takeovers and takeovers held rose by over the history. */
    record NodeRestarts(String nodeId, String region, long sourceRestarts, long sessionTakeovers,
            long sessionTakeoversHeld) {
    }

    final long fromMs;
    final long toMs;
    final List<Quality> byRegion;
    final List<Quality> byHourOfDay;
    final List<Quality> worstSlots;
    final long[] minuteTimesMs;
    final double[] egressBpsPerMinute;
    final long[] forecastTimesMs;
    final double[] forecastBps;
    final double observedPeakBps;
    final double peakNeedBps;
    final List<Failover> failovers;
    final List<Move> moves;
    final List<StreamMoves> movesByStream;
    final List<FirstSeenLate> firstSeenLate;
    final List<NodeRestarts> nodeRestarts;
    final List<Incident> incidents;
    final List<GradeSummary> grades;
    final List<String> advice;
    final boolean latencyMeasured;
    final long skippedLines;

    ReportModel(HistoryData data, List<Long> ladderBps) {
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        for (HistoryData.Receive r : data.receive) {
            from = Math.min(from, r.wallTimeMs());
            to = Math.max(to, r.wallTimeMs());
        }
        for (HistoryData.Node n : data.nodes) {
            from = Math.min(from, n.wallTimeMs());
            to = Math.max(to, n.wallTimeMs());
        }
        this.fromMs = from == Long.MAX_VALUE ? 0 : from;
        this.toMs = to == Long.MIN_VALUE ? 0 : to;
        this.latencyMeasured = data.latencyMeasured;
        this.skippedLines = data.skippedLines;

        Map<String, List<HistoryData.Receive>> region = new TreeMap<>();
        Map<Integer, List<HistoryData.Receive>> hour = new TreeMap<>();
        Map<String, List<HistoryData.Receive>> slot = new TreeMap<>();
        for (HistoryData.Receive r : data.receive) {
            ZonedDateTime t = Instant.ofEpochMilli(r.wallTimeMs()).atZone(ZoneOffset.UTC);
            region.computeIfAbsent(r.region().isEmpty() ? "(unknown)" : r.region(), k -> new ArrayList<>()).add(r);
            hour.computeIfAbsent(t.getHour(), k -> new ArrayList<>()).add(r);
            slot.computeIfAbsent(String.format("%s %02d:00", t.toLocalDate(), t.getHour()), k -> new ArrayList<>()).add(r);
        }
        byRegion = new ArrayList<>();
        region.forEach((k, l) -> byRegion.add(quality(k, l)));
        byHourOfDay = new ArrayList<>();
        hour.forEach((k, l) -> byHourOfDay.add(quality(String.format("%02d", k), l)));
        List<Quality> slots = new ArrayList<>();
        slot.forEach((k, l) -> {
            if (l.size() >= MIN_SAMPLES_PER_SLOT) {
                slots.add(quality(k, l));
            }
        });
        slots.sort(Comparator.comparingDouble(Quality::meanStallRate).reversed());
        worstSlots = List.copyOf(slots.subList(0, Math.min(5, slots.size())));

        // egress per minute: mean per node within the minute, summed over nodes
        TreeMap<Long, Map<String, double[]>> minutes = new TreeMap<>();
        for (HistoryData.Node n : data.nodes) {
            if (Double.isNaN(n.bitrateOutBps())) {
                continue;
            }
            double[] acc = minutes.computeIfAbsent(n.wallTimeMs() / 60_000 * 60_000, k -> new HashMap<>())
                    .computeIfAbsent(n.nodeId(), k -> new double[2]);
            acc[0] += n.bitrateOutBps();
            acc[1]++;
        }
        minuteTimesMs = new long[minutes.size()];
        egressBpsPerMinute = new double[minutes.size()];
        int i = 0;
        double peak = 0;
        TreeMap<Long, Double> hourlyPeak = new TreeMap<>();
        for (Map.Entry<Long, Map<String, double[]>> e : minutes.entrySet()) {
            double total = 0;
            for (double[] acc : e.getValue().values()) {
                total += acc[0] / acc[1];
            }
            minuteTimesMs[i] = e.getKey();
            egressBpsPerMinute[i++] = total;
            peak = Math.max(peak, total);
            hourlyPeak.merge(e.getKey() / 3_600_000 * 3_600_000, total, Math::max);
        }
        observedPeakBps = peak;
        double[] line = leastSquares(hourlyPeak);
        if (line != null) {
            long lastHour = hourlyPeak.lastKey();
            forecastTimesMs = new long[FORECAST_HORIZON_HOURS + 1];
            forecastBps = new double[FORECAST_HORIZON_HOURS + 1];
            for (int h = 0; h <= FORECAST_HORIZON_HOURS; h++) {
                forecastTimesMs[h] = lastHour + h * 3_600_000L;
                forecastBps[h] = Math.max(0, line[0] + line[1] * (forecastTimesMs[h] / 3_600_000.0));
            }
            peakNeedBps = Math.max(observedPeakBps, forecastBps[FORECAST_HORIZON_HOURS]) * HEADROOM;
        } else {
            forecastTimesMs = new long[0];
            forecastBps = new double[0];
            peakNeedBps = observedPeakBps * HEADROOM;
        }

        failovers = new ArrayList<>();
        moves = new ArrayList<>();
        Map<String, long[]> lastCounts = new HashMap<>();
        Map<String, long[]> perStream = new TreeMap<>();
        for (HistoryData.Receive r : data.receive) {
            countMoves(r.wallTimeMs(), r.streamId(), r.endpointId(), "receive", r.nodeId(), r.region(),
                    r.failoverCount(), r.nodeSwitches(), new long[] {r.tokenRefusals(), 0, r.framesDropped(),
                            r.packetsRepaired(), 0}, lastCounts, perStream);
        }
        for (HistoryData.Send s : data.send) {
            countMoves(s.wallTimeMs(), s.streamId(), s.endpointId(), "send", s.nodeId(), s.region(),
                    s.failoverCount(), s.nodeSwitches(), new long[] {s.tokenRefusals(), s.framesDroppedNotConnected(),
                            s.framesDroppedBacklog(), s.retransmissionsSent(), s.keyframeRequestsIgnored()},
                    lastCounts, perStream);
        }
        failovers.sort(Comparator.comparingLong(Failover::wallTimeMs));
        moves.sort(Comparator.comparingLong(Move::wallTimeMs));
        movesByStream = new ArrayList<>();
        perStream.forEach((key, total) -> {
            String[] parts = key.split("\u0000", 2);
            int rest = 1 + NodeSwitchReason.values().length;
            movesByStream.add(new StreamMoves(parts[0], parts[1], total[0], new NodeSwitchCounts(
                    total[1 + NodeSwitchReason.DEGRADED_PATH.ordinal()], total[1 + NodeSwitchReason.NO_PUBLISHER.ordinal()],
                    total[1 + NodeSwitchReason.MEDIA_SILENCE.ordinal()]), total[rest], total[rest + 1], total[rest + 2],
                    total[rest + 3], total[rest + 4]));
        });
        firstSeenLate = firstSeenLate(data);
        nodeRestarts = nodeRestarts(data.nodes);

        incidents = pair(data.alerts);
        grades = new ArrayList<>();
        for (Severity s : Severity.values()) {
            int count = 0;
            int open = 0;
            int met = 0;
            double ttrSum = 0;
            int closed = 0;
            for (Incident inc : incidents) {
                if (!inc.severity().equals(s.name())) {
                    continue;
                }
                count++;
                if (inc.open()) {
                    open++;
                } else {
                    closed++;
                    ttrSum += inc.timeToRecoverMs();
                    if (inc.timeToRecoverMs() <= s.restoreTarget().toMillis()) {
                        met++;
                    }
                }
            }
            grades.add(new GradeSummary(s, count, open, met, closed == 0 ? Double.NaN : ttrSum / closed / 60_000));
        }
        advice = advice(data, ladderBps);
    }

    /**
     * Adds what one endpoint sample's cumulative counts (failovers, then moves per reason, then
     * {@code others}: token refusals, frames dropped not connected and late, repairs) rose by since
     * the endpoint's previous sample to {@link #failovers}, {@link #moves} and the stream's totals
     * (in that order, keyed stream NUL direction).
     */
    private void countMoves(long wallTimeMs, String streamId, String endpointId, String direction, String nodeId,
            String region, long failoverCount, NodeSwitchCounts switches, long[] others,
            Map<String, long[]> lastCounts, Map<String, long[]> perStream) {
        NodeSwitchReason[] reasons = NodeSwitchReason.values();
        int firstOther = 1 + reasons.length;
        long[] counts = new long[firstOther + others.length];
        counts[0] = Math.max(0, failoverCount);
        for (NodeSwitchReason reason : reasons) {
            counts[1 + reason.ordinal()] = reason.countIn(switches);
        }
        System.arraycopy(others, 0, counts, firstOther, others.length);
        long[] previous = lastCounts.put(direction + "\u0000" + streamId + "\u0000" + endpointId, counts);
        if (previous == null) {
            return; // the baseline
        }
        long[] total = perStream.computeIfAbsent(streamId + "\u0000" + direction, k -> new long[counts.length]);
        long[] rises = rises(previous, counts);
        for (int i = 0; i < counts.length; i++) {
            long rise = rises[i];
            if (rise == 0) {
                continue;
            }
            total[i] += rise;
            if (i == 0) {
                failovers.add(new Failover(wallTimeMs, streamId, nodeId, region, rise));
            } else if (i < firstOther) {
                moves.add(new Move(wallTimeMs, streamId, direction, nodeId, region, reasons[i - 1], rise));
            }
        }
    }

    /**
     * @param previous cumulative counts at a sample
     * @param counts the same counts at the next sample of the same endpoint or node
     * @return what each rose by. The counts are cumulative since their owner started: one that fell
     *     says it restarted, and then each of them counts from 0 again, also one that happens to be
     *     as high as before.
     */
    private static long[] rises(long[] previous, long[] counts) {
        boolean restarted = false;
        for (int i = 0; i < counts.length; i++) {
            restarted |= counts[i] < previous[i];
        }
        long[] rises = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            rises[i] = restarted ? counts[i] : counts[i] - previous[i];
        }
        return rises;
    }

    /** See {@link FirstSeenLate}; per stream and direction, only those with failovers or moves at their first sample. */
    private static List<FirstSeenLate> firstSeenLate(HistoryData data) {
        long start = Long.MAX_VALUE;
        for (HistoryData.Receive r : data.receive) {
            start = Math.min(start, r.wallTimeMs());
        }
        for (HistoryData.Send t : data.send) {
            start = Math.min(start, t.wallTimeMs());
        }
        for (HistoryData.Node n : data.nodes) {
            start = Math.min(start, n.wallTimeMs());
        }
        Map<String, long[]> firsts = new HashMap<>();
        for (HistoryData.Receive r : data.receive) {
            firsts.putIfAbsent(r.streamId() + "\u0000receive\u0000" + r.endpointId(),
                    new long[] {r.wallTimeMs(), r.failoverCount(), r.nodeSwitches().total()});
        }
        for (HistoryData.Send t : data.send) {
            firsts.putIfAbsent(t.streamId() + "\u0000send\u0000" + t.endpointId(),
                    new long[] {t.wallTimeMs(), t.failoverCount(), t.nodeSwitches().total()});
        }
        Map<String, long[]> perStream = new TreeMap<>();
        for (Map.Entry<String, long[]> e : firsts.entrySet()) {
            long[] first = e.getValue();
            if (first[0] > start && first[1] + first[2] > 0) {
                String key = e.getKey().substring(0, e.getKey().lastIndexOf('\u0000'));
                long[] sum = perStream.computeIfAbsent(key, k -> new long[3]);
                sum[0]++;
                sum[1] += Math.max(0, first[1]);
                sum[2] += first[2];
            }
        }
        List<FirstSeenLate> out = new ArrayList<>();
        perStream.forEach((key, sum) -> {
            String[] parts = key.split("\u0000", 2);
            out.add(new FirstSeenLate(parts[0], parts[1], sum[0], sum[1], sum[2]));
        });
        return out;
    }

    /** Each node's rises of its restart and takeover counts, its first sample the baseline; only nodes with any. */
    private static List<NodeRestarts> nodeRestarts(List<HistoryData.Node> nodes) {
        Map<String, long[]> last = new HashMap<>();
        Map<String, long[]> total = new TreeMap<>();
        Map<String, String> regions = new HashMap<>();
        for (HistoryData.Node n : nodes) {
            long[] counts = {n.sourceRestarts(), n.sessionTakeovers(), n.sessionTakeoversHeld()};
            long[] previous = last.put(n.nodeId(), counts);
            regions.put(n.nodeId(), n.region());
            if (previous != null) {
                long[] rises = rises(previous, counts);
                long[] sum = total.computeIfAbsent(n.nodeId(), k -> new long[counts.length]);
                for (int i = 0; i < rises.length; i++) {
                    sum[i] += rises[i];
                }
            }
        }
        List<NodeRestarts> out = new ArrayList<>();
        total.forEach((node, sum) -> {
            if (Arrays.stream(sum).anyMatch(c -> c > 0)) {
                out.add(new NodeRestarts(node, regions.get(node), sum[0], sum[1], sum[2]));
            }
        });
        return out;
    }

    private static Quality quality(String key, List<HistoryData.Receive> samples) {
        double stallSum = 0;
        int stallN = 0;
        double[] latency = new double[samples.size()];
        int latencyN = 0;
        for (HistoryData.Receive r : samples) {
            if (!Double.isNaN(r.stallRate())) {
                stallSum += r.stallRate();
                stallN++;
            }
            double l = r.latencyMs();
            if (!Double.isNaN(l)) {
                latency[latencyN++] = l;
            }
        }
        double[] sorted = Arrays.copyOf(latency, latencyN);
        Arrays.sort(sorted);
        return new Quality(key, samples.size(), stallN == 0 ? Double.NaN : stallSum / stallN,
                percentile(sorted, 0.50), percentile(sorted, 0.95), percentile(sorted, 0.99));
    }

    /** Nearest-rank percentile of sorted values; NaN when there are none. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** @return {intercept, slope per hour} over (hour index, value), or null with fewer than 2 points */
    static double[] leastSquares(TreeMap<Long, Double> hourly) {
        if (hourly.size() < 2) {
            return null;
        }
        double n = hourly.size();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (Map.Entry<Long, Double> e : hourly.entrySet()) {
            double x = e.getKey() / 3_600_000.0;
            sx += x;
            sy += e.getValue();
            sxx += x * x;
            sxy += x * e.getValue();
        }
        double denominator = n * sxx - sx * sx;
        if (denominator == 0) {
            return null;
        }
        double slope = (n * sxy - sx * sy) / denominator;
        return new double[] {(sy - slope * sx) / n, slope};
    }

    private static List<Incident> pair(List<HistoryData.Alert> alerts) {
        List<Incident> out = new ArrayList<>();
        Map<String, Integer> openByKey = new LinkedHashMap<>();
        for (HistoryData.Alert a : alerts) {
            String where = String.join(" / ", nonEmpty(a.streamId(), a.nodeId(), a.region()));
            String key = a.incidentId() + "\u0000" + a.ruleId() + "\u0000" + where;
            if ("RAISED".equals(a.type())) {
                openByKey.put(key, out.size());
                out.add(new Incident(a.severity(), a.ruleId(), where, a.wallTimeMs(), -1, a.detail()));
            } else if ("CLEARED".equals(a.type())) {
                Integer index = openByKey.remove(key);
                if (index != null) {
                    Incident raised = out.get(index);
                    out.set(index, new Incident(raised.severity(), raised.ruleId(), raised.where(), raised.raisedMs(),
                            a.wallTimeMs(), raised.detail()));
                }
            }
        }
        return out;
    }

    private static List<String> nonEmpty(String... parts) {
        List<String> out = new ArrayList<>();
        for (String p : parts) {
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Configuration advice, each backed by the data: regions whose stall rate is above
     * {@link #BAD_STALL_RATE} and at least twice the best region's (another node closer to those
     * viewers); ladder steps the broadcasters' target never reached; loss left after recovery
     * above 1 % (more jitter-buffer delay or FEC); nodes with repeated failovers; missed restore
     * targets.
     */
    private List<String> advice(HistoryData data, List<Long> ladderBps) {
        List<String> out = new ArrayList<>();
        Quality best = byRegion.stream().filter(q -> !Double.isNaN(q.meanStallRate()))
                .min(Comparator.comparingDouble(Quality::meanStallRate)).orElse(null);
        for (Quality q : byRegion) {
            if (best != null && q != best && q.meanStallRate() > BAD_STALL_RATE
                    && q.meanStallRate() >= 2 * best.meanStallRate()) {
                out.add(String.format("Region %s stalls %.1f %% of the time against %.1f %% in %s: it would gain from"
                        + " another relay node closer to its viewers.", q.key(), q.meanStallRate() * 100,
                        best.meanStallRate() * 100, best.key()));
            }
        }
        if (!ladderBps.isEmpty() && !data.send.isEmpty()) {
            double maxTarget = data.send.stream().mapToDouble(HistoryData.Send::targetBitrateBps)
                    .filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
            for (long step : ladderBps) {
                if (!Double.isNaN(maxTarget) && maxTarget < step) {
                    out.add(String.format("Ladder step %d kbit/s was never used: the highest target bitrate seen was"
                            + " %.0f kbit/s. Drop the step or lower it.", step / 1000, maxTarget / 1000));
                }
            }
        }
        double lossAfter = data.receive.stream().mapToDouble(HistoryData.Receive::lossAfterRecovery)
                .filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN);
        if (lossAfter > 0.01) {
            out.add(String.format("%.1f %% of packets are still missing after retransmission: raise the jitter buffer's"
                    + " delay or add FEC.", lossAfter * 100));
        }
        Map<String, Long> failoversByNode = new TreeMap<>();
        for (Failover f : failovers) {
            failoversByNode.merge(f.nodeId().isEmpty() ? "(unknown)" : f.nodeId(), f.count(), Long::sum);
        }
        failoversByNode.forEach((node, n) -> {
            if (n >= 3) {
                out.add(String.format("Viewers failed over %d times while on or towards node %s: check its health"
                        + " and capacity.", n, node));
            }
        });
        EnumMap<Severity, Integer> missed = new EnumMap<>(Severity.class);
        for (Incident inc : incidents) {
            Severity s = Severity.valueOf(inc.severity());
            if (!inc.open() && inc.timeToRecoverMs() > s.restoreTarget().toMillis()) {
                missed.merge(s, 1, Integer::sum);
            }
        }
        missed.forEach((s, n) -> out.add(String.format("%d %s incident(s) took longer than the %d h restore target.",
                n, s, s.restoreTarget().toHours())));
        return out;
    }
}
