package io.smoothcast.samples.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.alert.AlertEvent;
import io.smoothcast.alert.Severity;
import io.smoothcast.history.HistoryWriter;
import io.smoothcast.samples.SmoothcastCli;
import io.smoothcast.stats.NodeStats;
import io.smoothcast.stats.NodeSwitchCounts;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.stats.SendStreamStats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report over a generated two-day history: region "ap" is worse than "eu" and collapses at
 * 20:00 UTC, egress grows 0.2 Mbit/s per hour, one viewer fails over three times, a P0 recovers
 * within its target, a P1 misses it, a P3 stays open, and the ladder has a step never reached.
 */
class HistoryReportTest {

    private static final long START_MS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    private static final int MINUTES = 48 * 60;

    @TempDir
    Path dir;
    private Path history;

    @BeforeEach
    void generateHistory() throws Exception {
        history = dir.resolve("history");
        long[] wallMs = {START_MS};
        try (HistoryWriter w = HistoryWriter.builder(history).wallClockMs(() -> wallMs[0])
                .maxFileAgeMs(6 * 3_600_000L).build()) {
            for (int minute = 0; minute < MINUTES; minute++) {
                wallMs[0] = START_MS + minute * 60_000L;
                long ns = minute * 60_000_000_000L;
                int hour = (minute / 60) % 24;
                for (int v = 0; v < 3; v++) {
                    w.append(viewer("eu", "fra", "eu-" + v, ns, 0.005, 80, 40, 0));
                    long failovers = v == 0 ? Math.min(3, minute / 600) : 0; // +1 at minutes 600, 1200, 1800
                    w.append(viewer("ap", "sgp", "ap-" + v, ns, hour == 20 ? 0.2 : 0.02, 150, 200, failovers));
                }
                double egress = 1_000_000 + 100_000.0 * minute / 60; // per node, bit/s
                for (String node : List.of("fra", "sgp")) {
                    w.append(NodeStats.builder(node).region(node.equals("fra") ? "eu" : "ap").timestampNs(ns)
                            .viewers("match", 3).bitrateOutBps(egress).build());
                }
                w.append(SendStreamStats.builder("match").endpointId("cam").nodeId("fra").region("eu").timestampNs(ns)
                        .targetBitrateBps(2_500_000).bitrateOutBps(2_400_000)
                        .failoverCount(minute >= 1500 ? 1 : 0).build()); // the broadcaster moves once
                if (minute == 100) {
                    w.append(alert(AlertEvent.Type.RAISED, 1, "stream-down", Severity.P0, ns, ns));
                } else if (minute == 130) {
                    w.append(alert(AlertEvent.Type.CLEARED, 1, "stream-down", Severity.P0, ns, ns - 30 * 60_000_000_000L));
                } else if (minute == 1000) {
                    w.append(alert(AlertEvent.Type.RAISED, 2, "stall-rate-high", Severity.P1, ns, ns));
                } else if (minute == 1300) {
                    w.append(alert(AlertEvent.Type.CLEARED, 2, "stall-rate-high", Severity.P1, ns, ns - 300 * 60_000_000_000L));
                } else if (minute == 2000) {
                    w.append(alert(AlertEvent.Type.RAISED, 3, "rtt-elevated", Severity.P3, ns, ns));
                }
            }
            w.flush();
            Files.writeString(w.currentFile(), "{not json\n", StandardOpenOption.APPEND);
        }
    }

    private static ReceiveStreamStats viewer(String region, String node, String endpoint, long ns, double stall,
            double bufferMs, double rttMs, long failovers) {
        return ReceiveStreamStats.builder("match").endpointId(endpoint).nodeId(node).region(region).timestampNs(ns)
                .stallRate(stall).jitterBufferDelayMs(bufferMs).roundTripTimeMs(rttMs).lossFractionAfterRecovery(0.001)
                .bitrateInBps(2_000_000).failoverCount(failovers).lastPacketReceivedNs(ns).build();
    }

    private static AlertEvent alert(AlertEvent.Type type, long id, String rule, Severity s, long ns, long raisedNs) {
        return new AlertEvent(type, id, rule, s, "m", 1, 1, "match", "", "sgp", "ap", ns, raisedNs, 1, 1,
                rule + " at sgp");
    }

    @Test
    void modelFindsTheWorstRegionAndSlot_forecastsTheTrend_andMeasuresRecovery() throws Exception {
        HistoryData data = HistoryData.read(history, HistoryWriter.DEFAULT_PREFIX);
        assertEquals(1, data.skippedLines, "the garbage line");
        ReportModel m = new ReportModel(data, List.of(800_000L, 2_500_000L, 4_000_000L));

        ReportModel.Quality ap = m.byRegion.stream().filter(q -> q.key().equals("ap")).findFirst().orElseThrow();
        ReportModel.Quality eu = m.byRegion.stream().filter(q -> q.key().equals("eu")).findFirst().orElseThrow();
        assertEquals((23 * 0.02 + 0.2) / 24, ap.meanStallRate(), 1e-9);
        assertEquals(0.005, eu.meanStallRate(), 1e-9);
        assertEquals(250.0, ap.p95LatencyMs(), 1e-9, "estimate: jitter buffer 150 + RTT/2 100");
        assertEquals(100.0, eu.p99LatencyMs(), 1e-9);
        assertEquals(24, m.byHourOfDay.size());
        assertTrue(m.worstSlots.get(0).key().endsWith(" 20:00"), m.worstSlots.toString());
        assertFalse(m.latencyMeasured);

        // egress: two nodes, each 1 Mbit/s + 0.1 Mbit/s per hour: the hourly peak grows 0.2 Mbit/s per hour
        double lastPeak = 2 * (1_000_000 + 100_000.0 * (MINUTES - 1) / 60);
        assertEquals(lastPeak, m.observedPeakBps, 1);
        double expectedNeed = (lastPeak + 24 * 200_000) * ReportModel.HEADROOM;
        assertEquals(expectedNeed, m.peakNeedBps, expectedNeed * 0.01);

        assertEquals(4, m.failovers.size(), "three of a viewer, one of the broadcaster: " + m.failovers);
        assertEquals(List.of("sgp", "sgp", "fra", "sgp"), m.failovers.stream().map(ReportModel.Failover::nodeId).toList(),
                "in time order");
        ReportModel.GradeSummary p0 = m.grades.get(0);
        assertEquals(1, p0.count());
        assertEquals(1, p0.metTarget());
        assertEquals(30.0, p0.meanTimeToRecoverMin(), 1e-9);
        ReportModel.GradeSummary p1 = m.grades.get(1);
        assertEquals(0, p1.metTarget(), "5 h against a 4 h target");
        assertEquals(1, m.grades.get(3).open());

        String advice = String.join("\n", m.advice);
        assertTrue(advice.contains("Region ap"), advice);
        assertTrue(advice.contains("4000 kbit/s"), advice);
        assertFalse(advice.contains("800 kbit/s"), advice);
        assertTrue(advice.contains("node sgp"), advice);
        assertTrue(advice.contains("P1 incident"), advice);
        assertFalse(advice.contains("still missing"), "0.1 % after recovery needs no advice: " + advice);
    }

    @Test
    void reportCommand_writesOneSelfContainedHtmlFile() throws Exception {
        Path out = dir.resolve("report.html");
        StringWriter stdout = new StringWriter();
        int code = SmoothcastCli.newCommandLine().setOut(new PrintWriter(stdout)).execute("report", "--history",
                history.toString(), "-o", out.toString(), "--ladder", "800000,2500000,4000000");
        assertEquals(0, code, stdout.toString());
        assertTrue(stdout.toString().contains("3 incident(s), 4 failover(s), 0 node move(s)"), stdout.toString());
        String html = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<meta charset=\"utf-8\">"));
        assertTrue(html.contains("uPlot"), "uPlot inlined");
        assertFalse(html.contains("src=\""), "no external script");
        assertFalse(html.contains("<link"), "no external stylesheet");
        for (String chart : List.of("chart-region", "chart-hour-stall", "chart-hour-latency", "chart-bandwidth",
                "chart-timeline")) {
            assertTrue(html.contains("id=\"" + chart + "\""), chart);
        }
        assertTrue(html.contains("\"hours\":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23]"));
        assertTrue(html.contains("stream-down at sgp"));
        Path copy = Path.of("target", "report-sample.html");
        Files.createDirectories(copy.getParent());
        Files.writeString(copy, html, StandardCharsets.UTF_8);
    }

    @Test
    void measuredEndToEndLatency_replacesTheEstimate() throws Exception {
        Path measured = dir.resolve("measured");
        long[] wallMs = {START_MS};
        try (HistoryWriter w = HistoryWriter.builder(measured).wallClockMs(() -> wallMs[0]).build()) {
            for (int i = 0; i < 100; i++) {
                wallMs[0] = START_MS + i * 1_000L;
                // the estimate would say 150 + 200 / 2 = 250 ms; the measurement is 101-200 ms
                w.append(ReceiveStreamStats.builder("match").endpointId("v").nodeId("fra").region("eu")
                        .timestampNs(i * 1_000_000_000L).jitterBufferDelayMs(150).roundTripTimeMs(200)
                        .endToEndLatencyMs(101 + i).lastPacketReceivedNs(i * 1_000_000_000L).build());
            }
        }
        ReportModel m = new ReportModel(HistoryData.read(measured, HistoryWriter.DEFAULT_PREFIX), List.of());
        assertTrue(m.latencyMeasured);
        ReportModel.Quality eu = m.byRegion.get(0);
        assertTrue(eu.p50LatencyMs() >= 150 && eu.p50LatencyMs() <= 151, eu.toString());
        assertTrue(eu.p99LatencyMs() >= 199 && eu.p99LatencyMs() <= 200, eu.toString());
        assertFalse(ReportHtml.render(m).contains("not measured"), "no estimate note when measured");
    }

    @Test
    void movesPerReasonPerStream_areTheRisesBetweenAnEndpointsSamples_andOldFilesReadAsNoMoves() throws Exception {
        Path moves = dir.resolve("moves");
        long[] wallMs = {START_MS};
        // the viewer's cumulative counts per sample: failovers, then degraded_path, no_publisher, media_silence,
        // then token refusals, frames dropped by the jitter buffer, packets lost before and after recovery
        long[][] viewer = {{0, 1, 0, 0, 1, 5, 10, 1}, {0, 1, 1, 0, 1, 6, 20, 1}, {2, 2, 1, 2, 4, 9, 40, 5},
                {2, 2, 1, 2, 4, 9, 40, 5}};
        try (HistoryWriter w = HistoryWriter.builder(moves).wallClockMs(() -> wallMs[0]).build()) {
            for (int i = 0; i < viewer.length; i++) {
                wallMs[0] = START_MS + i * 60_000L;
                long ns = i * 60_000_000_000L;
                w.append(ReceiveStreamStats.builder("match").endpointId("v1").nodeId(i < 2 ? "fra" : "sgp")
                        .region(i < 2 ? "eu" : "ap").timestampNs(ns).failoverCount(viewer[i][0])
                        .nodeSwitches(new NodeSwitchCounts(viewer[i][1], viewer[i][2], viewer[i][3]))
                        .tokenRefusals(viewer[i][4]).framesDropped(viewer[i][5]).packetsLost(viewer[i][6])
                        .packetsLostAfterRecovery(viewer[i][7]).build());
                w.append(SendStreamStats.builder("match").endpointId("cam").nodeId("fra").region("eu").timestampNs(ns)
                        .nodeSwitches(new NodeSwitchCounts(i < 3 ? 0 : 1, 0, 0)).tokenRefusals(i)
                        .framesDroppedNotConnected(7 * i).framesDroppedBacklog(11 * i).retransmittedPacketsSent(13 * i)
                        .keyframeRequestsIgnored(17 * i).build());
            }
            w.flush();
            // a viewer of a file written before moves were counted: no nodeSwitches fields
            String old = "{\"type\":\"receive\",\"wallTimeMs\":%d,\"streamId\":\"quiz\",\"endpointId\":\"o\","
                    + "\"nodeId\":\"fra\",\"region\":\"eu\",\"failoverCount\":%d}\n";
            Files.writeString(w.currentFile(), String.format(old, START_MS, 0) + String.format(old, START_MS + 60_000, 1),
                    StandardOpenOption.APPEND);
        }
        ReportModel m = new ReportModel(HistoryData.read(moves, HistoryWriter.DEFAULT_PREFIX), List.of());

        assertEquals(List.of(
                new ReportModel.StreamMoves("match", "receive", 2, new NodeSwitchCounts(1, 1, 2), 3, 0, 4, 26, 0),
                new ReportModel.StreamMoves("match", "send", 0, new NodeSwitchCounts(1, 0, 0), 3, 21, 33, 39, 51),
                new ReportModel.StreamMoves("quiz", "receive", 1, NodeSwitchCounts.NONE, 0, 0, 0, 0, 0)), m.movesByStream,
                "the viewer's first sample is its baseline: its degraded_path move, token refusal, dropped frames"
                        + " and repairs before the history are not counted; old files read as no refusals, drops"
                        + " or repairs");
        assertEquals(List.of("no_publisher 1 at fra", "degraded_path 1 at sgp", "media_silence 2 at sgp",
                "degraded_path 1 at fra"), m.moves.stream().map(v -> v.reason().label() + " " + v.count() + " at "
                        + v.nodeId()).toList());
        assertEquals(3, m.failovers.stream().mapToLong(ReportModel.Failover::count).sum(), "a rise of 2 is 2 failovers");

        String html = ReportHtml.render(m);
        assertTrue(html.contains("<h2>Node moves, drops and repairs by stream</h2>"), html);
        assertTrue(html.contains("<th>token refusals</th><th>frames dropped not connected</th><th>frames dropped late</th>"
                + "<th>repairs</th><th>keyframe requests ignored</th></tr>"), html);
        assertTrue(html.contains("<tr><td>match</td><td>viewers</td><td>2</td><td>1</td><td>1</td><td>2</td><td>3</td>"
                + "<td>-</td><td>4</td><td>26</td><td>-</td></tr>"), "a viewer is never dropped frames as not connected: " + html);
        assertTrue(html.contains("<tr><td>match</td><td>broadcasters</td><td>0</td><td>1</td><td>-</td><td>-</td><td>3</td>"
                + "<td>21</td><td>33</td><td>39</td><td>51</td></tr>"), "a broadcaster never moves for the viewer-only reasons: " + html);
        assertTrue(html.contains("<td>sgp</td><td>ap</td><td>media_silence</td><td>2</td>"), html);
    }

    /**
     * A viewer restarted under the same endpoint id between two samples: its failover count fell
     * (3 to 1), so its counts start from 0 again, also its degraded_path count, back at 1 by
     * coincidence: that is one move since the restart, not none.
     */
    @Test
    void anEndpointThatRestarted_countsEveryCountFromZero_alsoOneAsHighAsBefore() throws Exception {
        Path restart = dir.resolve("restart");
        long[] wallMs = {START_MS};
        long[][] viewer = {{3, 1, 0, 0}, {1, 1, 0, 0}};
        try (HistoryWriter w = HistoryWriter.builder(restart).wallClockMs(() -> wallMs[0]).build()) {
            for (int i = 0; i < viewer.length; i++) {
                wallMs[0] = START_MS + i * 60_000L;
                w.append(ReceiveStreamStats.builder("match").endpointId("v1").nodeId("fra").region("eu")
                        .timestampNs(i * 60_000_000_000L).failoverCount(viewer[i][0])
                        .nodeSwitches(new NodeSwitchCounts(viewer[i][1], viewer[i][2], viewer[i][3])).build());
            }
        }
        ReportModel m = new ReportModel(HistoryData.read(restart, HistoryWriter.DEFAULT_PREFIX), List.of());

        assertEquals(List.of(new ReportModel.StreamMoves("match", "receive", 1, new NodeSwitchCounts(1, 0, 0), 0, 0, 0, 0,
                0)), m.movesByStream);
        String html = ReportHtml.render(m);
        assertFalse(html.contains("keyframe requests ignored</th>"), "a column only when some were: " + html);
        assertFalse(html.contains("Node restarts and takeovers"), "a section only when a node had some: " + html);
        assertEquals(List.of("degraded_path 1 at fra"),
                m.moves.stream().map(v -> v.reason().label() + " " + v.count() + " at " + v.nodeId()).toList());
    }

    /**
     * A viewer first sampled mid-history already counted 2 failovers and 3 moves: no rise counts
     * them (they came before the history saw it), but the report tells them apart per stream; a
     * viewer in the history's first sample with counts already is not first seen late, nor one
     * first sampled late with none.
     */
    @Test
    void endpointFirstSampledMidHistory_withFailoversAndMovesAlready_isToldApart() throws Exception {
        Path late = dir.resolve("late");
        long[] wallMs = {START_MS};
        try (HistoryWriter w = HistoryWriter.builder(late).wallClockMs(() -> wallMs[0]).build()) {
            for (int i = 0; i < 3; i++) {
                wallMs[0] = START_MS + i * 60_000L;
                ReceiveStreamStats.Builder v1 = ReceiveStreamStats.builder("match").endpointId("v1").nodeId("fra")
                        .region("eu").timestampNs(i * 60_000_000_000L).failoverCount(5)
                        .nodeSwitches(new NodeSwitchCounts(1, 0, 0));
                w.append(v1.build());
                if (i >= 1) {
                    w.append(v1.endpointId("v2").failoverCount(2).nodeSwitches(new NodeSwitchCounts(1, 2, i - 1)).build());
                    w.append(v1.endpointId("v3").failoverCount(0).nodeSwitches(new NodeSwitchCounts(0, 0, 0)).build());
                }
            }
        }
        ReportModel m = new ReportModel(HistoryData.read(late, HistoryWriter.DEFAULT_PREFIX), List.of());

        assertEquals(List.of(new ReportModel.FirstSeenLate("match", "receive", 1, 2, 3)), m.firstSeenLate);
        assertEquals(List.of(new ReportModel.StreamMoves("match", "receive", 0, new NodeSwitchCounts(0, 0, 1), 0, 0, 0, 0,
                0)), m.movesByStream);
        assertTrue(ReportHtml.render(m).contains("Not counted above: 1 viewer(s) of stream match first sampled after"
                + " the history began already had 2 failover(s) and 3 move(s) at their first sample"));
    }

    /**
     * Each node's source restarts, session takeovers and takeovers held are the rises between its
     * samples (the first is the baseline; a fall is a relay restart, counted from 0), each in its own
     * column; a node without any is left out.
     */
    @Test
    void nodeRestartsAndTakeovers_areTheRisesPerNode_onlyForNodesWithSome() throws Exception {
        Path restarts = dir.resolve("node-restarts");
        long[] wallMs = {START_MS};
        long[][] fra = {{1, 2, 3}, {4, 7, 10}, {5, 9, 13}};
        long[][] sgp = {{5, 5, 5}, {6, 5, 5}, {1, 0, 2}};
        try (HistoryWriter w = HistoryWriter.builder(restarts).wallClockMs(() -> wallMs[0]).build()) {
            for (int i = 0; i < fra.length; i++) {
                wallMs[0] = START_MS + i * 60_000L;
                w.append(NodeStats.builder("fra").region("eu").sourceRestarts(fra[i][0]).sessionTakeovers(fra[i][1])
                        .sessionTakeoversHeld(fra[i][2]).build());
                w.append(NodeStats.builder("sgp").region("ap").sourceRestarts(sgp[i][0]).sessionTakeovers(sgp[i][1])
                        .sessionTakeoversHeld(sgp[i][2]).build());
                w.append(NodeStats.builder("ams").region("eu").sourceRestarts(9).sessionTakeovers(9)
                        .sessionTakeoversHeld(9).build());
            }
        }
        ReportModel m = new ReportModel(HistoryData.read(restarts, HistoryWriter.DEFAULT_PREFIX), List.of());

        assertEquals(List.of(new ReportModel.NodeRestarts("fra", "eu", 4, 7, 10),
                new ReportModel.NodeRestarts("sgp", "ap", 2, 0, 2)), m.nodeRestarts);
        String html = ReportHtml.render(m);
        assertTrue(html.contains("<th>node</th><th>region</th><th>source restarts</th><th>session takeovers</th>"
                + "<th>takeovers held</th></tr>\n<tr><td>fra</td><td>eu</td><td>4</td><td>7</td><td>10</td></tr>\n"
                + "<tr><td>sgp</td><td>ap</td><td>2</td><td>0</td><td>2</td></tr>\n</table>"), html);
    }

    @Test
    void textFromTheHistoryIsEscaped() {
        assertEquals("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;",
                ReportHtml.escape("<script>alert(\"x\")</script> & '"));
    }
}
