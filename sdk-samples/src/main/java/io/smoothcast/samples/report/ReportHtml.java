package io.smoothcast.samples.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smoothcast.transport.NodeSwitchReason;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link ReportModel} as one self-contained HTML file: tables written here, charts drawn
 * by uPlot from data embedded as JSON, with uPlot's script and stylesheet inlined from its WebJar
 * so the file needs nothing else.
 *
 * <p>Stateless; thread-safe.
 */
final class ReportHtml {

    private static final String UPLOT_DIR = "META-INF/resources/webjars/uplot/1.6.30/dist/";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    /** Moves listed one by one at most (the latest); the table per stream counts them all. */
    static final int MOVES_LISTED = 200;

    private ReportHtml() {
    }

    static String render(ReportModel m) {
        StringBuilder h = new StringBuilder(256 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>Smoothcast report</title>\n<style>\n").append(resource(UPLOT_DIR + "uPlot.min.css"))
                .append("\nbody{font:14px system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}"
                        + "table{border-collapse:collapse;margin:8px 0 16px}td,th{border-bottom:1px solid #ddd;"
                        + "padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}"
                        + ".chart{margin:8px 0 24px}.miss{color:#b00020;font-weight:bold}.note{color:#666}\n")
                .append("</style>\n</head>\n<body>\n");
        h.append("<h1>Smoothcast report</h1>\n<p>History from ").append(time(m.fromMs)).append(" to ")
                .append(time(m.toMs)).append(".");
        if (m.skippedLines > 0) {
            h.append(" ").append(m.skippedLines).append(" unreadable line(s) were skipped.");
        }
        h.append("</p>\n");
        if (!m.latencyMeasured) {
            h.append("<p class=\"note\">End-to-end latency was not measured in this history; latency figures are"
                    + " estimated as jitter-buffer delay + RTT/2.</p>\n");
        }

        h.append("<h2>Advice</h2>\n");
        if (m.advice.isEmpty()) {
            h.append("<p>The data supports no configuration change.</p>\n");
        } else {
            h.append("<ul>\n");
            for (String a : m.advice) {
                h.append("<li>").append(escape(a)).append("</li>\n");
            }
            h.append("</ul>\n");
        }

        h.append("<h2>Incidents by grade</h2>\n<table><tr><th>grade</th><th>meaning</th><th>incidents</th><th>open</th>"
                + "<th>restored within target</th><th>mean time to recover</th><th>restore target</th>"
                + "<th>response target</th></tr>\n");
        for (ReportModel.GradeSummary g : m.grades) {
            int closed = g.count() - g.open();
            h.append("<tr><td>").append(g.severity()).append("</td><td>").append(escape(g.severity().meaning()))
                    .append("</td><td>").append(g.count()).append("</td><td>").append(g.open()).append("</td><td")
                    .append(g.metTarget() < closed ? " class=\"miss\">" : ">").append(g.metTarget()).append(" / ")
                    .append(closed).append("</td><td>")
                    .append(Double.isNaN(g.meanTimeToRecoverMin()) ? "-" : String.format("%.1f min", g.meanTimeToRecoverMin()))
                    .append("</td><td>").append(g.severity().restoreTarget().toHours()).append(" h</td><td>")
                    .append(g.severity().responseTarget().toMinutes()).append(" min</td></tr>\n");
        }
        h.append("</table>\n");

        h.append("<h2>Quality by region</h2>\n");
        qualityTable(h, "region", m.byRegion);
        h.append("<div class=\"chart\" id=\"chart-region\"></div>\n");
        h.append("<h2>Quality by hour of day (UTC)</h2>\n<div class=\"chart\" id=\"chart-hour-stall\"></div>\n"
                + "<div class=\"chart\" id=\"chart-hour-latency\"></div>\n");
        qualityTable(h, "hour", m.byHourOfDay);
        h.append("<h2>Worst time slots</h2>\n");
        if (m.worstSlots.isEmpty()) {
            h.append("<p>No hour holds enough samples (").append(ReportModel.MIN_SAMPLES_PER_SLOT).append(").</p>\n");
        } else {
            qualityTable(h, "slot (UTC)", m.worstSlots);
        }

        h.append("<h2>Bandwidth</h2>\n<p>Observed peak egress: ").append(mbit(m.observedPeakBps))
                .append(". Forecast peak need in ").append(ReportModel.FORECAST_HORIZON_HOURS).append(" h (linear trend"
                        + " of hourly peaks, with ").append(Math.round((ReportModel.HEADROOM - 1) * 100))
                .append(" % headroom): <b>").append(mbit(m.peakNeedBps)).append("</b>.</p>\n")
                .append("<div class=\"chart\" id=\"chart-bandwidth\"></div>\n");

        h.append("<h2>Failovers and alerts</h2>\n<div class=\"chart\" id=\"chart-timeline\"></div>\n");
        h.append("<table><tr><th>raised</th><th>grade</th><th>rule</th><th>where</th><th>cleared</th>"
                + "<th>time to recover</th><th>cause</th></tr>\n");
        for (ReportModel.Incident inc : m.incidents) {
            h.append("<tr><td>").append(time(inc.raisedMs())).append("</td><td>").append(escape(inc.severity()))
                    .append("</td><td>").append(escape(inc.ruleId())).append("</td><td>").append(escape(inc.where()))
                    .append("</td><td>").append(inc.open() ? "open" : time(inc.clearedMs())).append("</td><td>")
                    .append(inc.open() ? "-" : String.format("%.1f min", inc.timeToRecoverMs() / 60_000.0))
                    .append("</td><td>").append(escape(inc.detail())).append("</td></tr>\n");
        }
        h.append("</table>\n<p>").append(m.failovers.stream().mapToLong(ReportModel.Failover::count).sum())
                .append(" failover(s).</p>\n");
        moves(h, m);
        nodeRestarts(h, m);

        h.append("<script>\n").append(resource(UPLOT_DIR + "uPlot.iife.min.js")).append("\n</script>\n");
        h.append("<script>\nconst REPORT = ").append(json(chartData(m))).append(";\n").append(CHART_SCRIPT)
                .append("</script>\n</body>\n</html>\n");
        return h.toString();
    }

    /** The nodes whose sources or clients restarted during the history; nothing when none did. */
    private static void nodeRestarts(StringBuilder h, ReportModel m) {
        if (m.nodeRestarts.isEmpty()) {
            return;
        }
        h.append("<h2>Node restarts and takeovers</h2>\n<p class=\"note\">Source restarts: tracks whose publisher"
                + " restarted its numbering with the same SSRCs (a publisher that restarts often). Session takeovers:"
                + " sessions taken over by a client restarted on the same address. Takeovers held: HELLOs from a"
                + " joined session's address with another session id, held until that id's cookie is echoed; rising"
                + " without takeovers: someone spoofs clients' addresses.</p>\n<table><tr><th>node</th><th>region</th>"
                + "<th>source restarts</th><th>session takeovers</th><th>takeovers held</th></tr>\n");
        for (ReportModel.NodeRestarts n : m.nodeRestarts) {
            h.append("<tr><td>").append(escape(n.nodeId())).append("</td><td>").append(escape(n.region()))
                    .append("</td><td>").append(n.sourceRestarts()).append("</td><td>").append(n.sessionTakeovers())
                    .append("</td><td>").append(n.sessionTakeoversHeld()).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    /** The failovers and moves at the first sample of endpoints first sampled after the history began. */
    private static void firstSeenLate(StringBuilder h, ReportModel m) {
        for (ReportModel.FirstSeenLate f : m.firstSeenLate) {
            h.append("<p class=\"note\">Not counted above: ").append(f.endpoints()).append(' ')
                    .append(f.direction().equals("send") ? "broadcaster(s)" : "viewer(s)").append(" of stream ")
                    .append(escape(f.streamId())).append(" first sampled after the history began already had ")
                    .append(f.failovers()).append(" failover(s) and ").append(f.moves())
                    .append(" move(s) at their first sample (joined or first watched since, or samples lost;"
                            + " when those happened is not in the history).</p>\n");
        }
    }

    /**
     * Failovers, moves per reason, token refusals, frames dropped and repairs of each stream's
     * viewers and broadcasters, then the moves themselves (at most {@link #MOVES_LISTED}, the latest).
     */
    private static void moves(StringBuilder h, ReportModel m) {
        h.append("<h2>Node moves, drops and repairs by stream</h2>\n<p class=\"note\">Failovers: resumed on another"
                + " node after losing the node. Moves: to another node while the node still answered, by reason"
                + " (degraded_path: a lossy or slow path; no_publisher, media_silence: viewers only). Token refusals:"
                + " the endpoints' current token refused by a node (many at once: tokens expired en masse, or a key"
                + " mix-up). Frames dropped not connected: a broadcaster's, while it had no node (an outage, a slow"
                + " join). Frames dropped late: a broadcaster's too late to send (its send-delay limit, a full pacer:"
                + " too little CPU or uplink), a viewer's its jitter buffer gave up on (the picture froze or skipped)."
                + " Repairs: retransmissions a broadcaster sent; packets lost on the way to a viewer that a"
                + " retransmission replaced (many: a lossy path). Keyframe requests ignored (a column only when"
                + " some were): requests from the node naming no video track of the broadcaster (a node or client"
                + " mismatch).</p>\n");
        if (m.movesByStream.isEmpty()) {
            h.append("<p>No endpoint was sampled twice.</p>\n");
            firstSeenLate(h, m);
            return;
        }
        h.append("<table><tr><th>stream</th><th>endpoints</th><th>failovers</th>");
        for (NodeSwitchReason reason : NodeSwitchReason.values()) {
            h.append("<th>").append(reason.label()).append("</th>");
        }
        boolean ignoredKeyframeRequests = m.movesByStream.stream().anyMatch(s -> s.keyframeRequestsIgnored() > 0);
        h.append("<th>token refusals</th><th>frames dropped not connected</th><th>frames dropped late</th>"
                + "<th>repairs</th>").append(ignoredKeyframeRequests ? "<th>keyframe requests ignored</th>" : "")
                .append("</tr>\n");
        for (ReportModel.StreamMoves s : m.movesByStream) {
            boolean send = s.direction().equals("send");
            h.append("<tr><td>").append(escape(s.streamId())).append("</td><td>")
                    .append(send ? "broadcasters" : "viewers").append("</td><td>").append(s.failovers()).append("</td>");
            for (NodeSwitchReason reason : NodeSwitchReason.values()) {
                h.append("<td>").append(send && reason.viewersOnly() ? "-" : reason.countIn(s.switches())).append("</td>");
            }
            h.append("<td>").append(s.tokenRefusals()).append("</td><td>")
                    .append(send ? String.valueOf(s.framesDroppedNotConnected()) : "-").append("</td><td>")
                    .append(s.framesDroppedLate()).append("</td><td>").append(s.repairs()).append("</td>");
            if (ignoredKeyframeRequests) {
                h.append("<td>").append(send ? String.valueOf(s.keyframeRequestsIgnored()) : "-").append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
        firstSeenLate(h, m);
        if (m.moves.isEmpty()) {
            h.append("<p>No move.</p>\n");
            return;
        }
        List<ReportModel.Move> listed = m.moves.subList(Math.max(0, m.moves.size() - MOVES_LISTED), m.moves.size());
        if (listed.size() < m.moves.size()) {
            h.append("<p>The latest ").append(listed.size()).append(" of ").append(m.moves.size())
                    .append(" sampled moves:</p>\n");
        }
        h.append("<table><tr><th>sampled</th><th>stream</th><th>endpoints</th><th>now on node</th><th>region</th>"
                + "<th>reason</th><th>moves</th></tr>\n");
        for (ReportModel.Move v : listed) {
            h.append("<tr><td>").append(time(v.wallTimeMs())).append("</td><td>").append(escape(v.streamId()))
                    .append("</td><td>").append(v.direction().equals("send") ? "broadcasters" : "viewers")
                    .append("</td><td>").append(escape(v.nodeId())).append("</td><td>").append(escape(v.region()))
                    .append("</td><td>").append(v.reason().label()).append("</td><td>").append(v.count())
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static Map<String, Object> chartData(ReportModel m) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("regions", m.byRegion.stream().map(ReportModel.Quality::key).toList());
        d.put("regionStall", m.byRegion.stream().map(q -> pct(q.meanStallRate())).toList());
        d.put("regionP95", m.byRegion.stream().map(q -> num(q.p95LatencyMs())).toList());
        d.put("hours", m.byHourOfDay.stream().map(q -> Integer.parseInt(q.key())).toList());
        d.put("hourStall", m.byHourOfDay.stream().map(q -> pct(q.meanStallRate())).toList());
        d.put("hourP50", m.byHourOfDay.stream().map(q -> num(q.p50LatencyMs())).toList());
        d.put("hourP95", m.byHourOfDay.stream().map(q -> num(q.p95LatencyMs())).toList());
        d.put("hourP99", m.byHourOfDay.stream().map(q -> num(q.p99LatencyMs())).toList());
        // bandwidth: observed minutes, then forecast hours, on one time axis (seconds)
        List<Long> times = new ArrayList<>();
        List<Double> observed = new ArrayList<>();
        List<Double> forecast = new ArrayList<>();
        for (int i = 0; i < m.minuteTimesMs.length; i++) {
            times.add(m.minuteTimesMs[i] / 1000);
            observed.add(m.egressBpsPerMinute[i] / 1e6);
            forecast.add(null);
        }
        for (int i = 0; i < m.forecastTimesMs.length; i++) {
            times.add(m.forecastTimesMs[i] / 1000);
            observed.add(null);
            forecast.add(m.forecastBps[i] / 1e6);
        }
        d.put("bwTimes", times);
        d.put("bwObserved", observed);
        d.put("bwForecast", forecast);
        // timeline: per hour, failovers and raised alerts by grade
        Map<Long, long[]> perHour = new java.util.TreeMap<>();
        for (ReportModel.Failover f : m.failovers) {
            perHour.computeIfAbsent(f.wallTimeMs() / 3_600_000 * 3600, k -> new long[5])[4] += f.count();
        }
        for (ReportModel.Incident inc : m.incidents) {
            int grade = inc.severity().charAt(1) - '0';
            perHour.computeIfAbsent(inc.raisedMs() / 3_600_000 * 3600, k -> new long[5])[grade]++;
        }
        d.put("tlTimes", new ArrayList<>(perHour.keySet()));
        for (int g = 0; g < 4; g++) {
            final int grade = g;
            d.put("tlP" + g, perHour.values().stream().map(a -> a[grade]).toList());
        }
        d.put("tlFailovers", perHour.values().stream().map(a -> a[4]).toList());
        return d;
    }

    private static final String CHART_SCRIPT = """
            function chart(id, title, xs, series, opts) {
              const el = document.getElementById(id);
              if (!el || xs.length === 0) { if (el) el.textContent = title + ": no data"; return; }
              const colors = ["#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00"];
              new uPlot(Object.assign({ title: title, width: 1000, height: 260,
                  series: [{}].concat(series.map((s, i) => ({ label: s[0], stroke: colors[i % colors.length], width: 2 }))) },
                  opts || {}), [xs].concat(series.map(s => s[1])), el);
            }
            const R = REPORT;
            const cat = labels => ({ scales: { x: { time: false } }, axes: [{ values: (u, v) => v.map(i => labels[i] ?? "") }, {}] });
            chart("chart-region", "Stall % and p95 latency (ms) by region", R.regions.map((_, i) => i),
                [["stall %", R.regionStall], ["p95 latency ms", R.regionP95]], cat(R.regions));
            chart("chart-hour-stall", "Stall % by hour of day (UTC)", R.hours, [["stall %", R.hourStall]],
                { scales: { x: { time: false } } });
            chart("chart-hour-latency", "Latency percentiles (ms) by hour of day (UTC)", R.hours,
                [["p50", R.hourP50], ["p95", R.hourP95], ["p99", R.hourP99]], { scales: { x: { time: false } } });
            chart("chart-bandwidth", "Egress (Mbit/s): observed per minute and forecast", R.bwTimes,
                [["observed", R.bwObserved], ["forecast", R.bwForecast]]);
            chart("chart-timeline", "Alerts raised and failovers per hour", R.tlTimes,
                [["P0", R.tlP0], ["P1", R.tlP1], ["P2", R.tlP2], ["P3", R.tlP3], ["failovers", R.tlFailovers]]);
            """;

    private static void qualityTable(StringBuilder h, String keyName, List<ReportModel.Quality> rows) {
        h.append("<table><tr><th>").append(escape(keyName)).append("</th><th>samples</th><th>stall rate</th>"
                + "<th>p50 latency</th><th>p95 latency</th><th>p99 latency</th></tr>\n");
        for (ReportModel.Quality q : rows) {
            h.append("<tr><td>").append(escape(q.key())).append("</td><td>").append(q.samples()).append("</td><td>")
                    .append(Double.isNaN(q.meanStallRate()) ? "-" : String.format("%.2f %%", q.meanStallRate() * 100))
                    .append("</td><td>").append(ms(q.p50LatencyMs())).append("</td><td>").append(ms(q.p95LatencyMs()))
                    .append("</td><td>").append(ms(q.p99LatencyMs())).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.0f ms", v);
    }

    private static String mbit(double bps) {
        return String.format("%.2f Mbit/s", bps / 1e6);
    }

    private static Double pct(double ratio) {
        return Double.isNaN(ratio) ? null : ratio * 100;
    }

    private static Double num(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static String time(long ms) {
        return TIME.format(Instant.ofEpochMilli(ms));
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** JSON for a script element: "</" is written "<\/" so no string can close the element. */
    private static String json(Object value) {
        try {
            return new ObjectMapper().writeValueAsString(value).replace("</", "<\\/");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = ReportHtml.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
