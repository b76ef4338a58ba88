package io.smoothcast.samples.ops;

import io.smoothcast.alert.AlertEvent;
import io.smoothcast.quality.QualityLevel;
import io.smoothcast.stats.Direction;
import io.smoothcast.stats.NodeStats;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.stats.SendStreamStats;
import io.smoothcast.transport.OpsSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * What one server-sent event of the live dashboard carries: per stream (viewers aggregated, as in
 * the Prometheus export; failovers and token refusals of its viewers and broadcasters summed; frames
 * its broadcasters dropped while not connected or too late to send, and its viewers' jitter buffers
 * gave up on, and keyframe requests its broadcasters ignored, cumulative) and per node (with its
 * source restarts, session takeovers and takeovers held), plus the active alerts, the recent alert
 * events and the recent moves between nodes. Unknown
 * values are {@code null} (JSON has no NaN), which uPlot draws as gaps.
 *
 * <p>Stateless; thread-safe.
 */
final class DashboardView {

    private DashboardView() {
    }

    /**
     * @param snapshot the monitor's latest snapshot
     * @return a JSON-ready tree of maps, lists, strings and numbers
     */
    static Map<String, Object> of(OpsSnapshot snapshot) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("timeMs", snapshot.wallTimeMs());
        Map<String, QualityLevel> worstByStreamNode = new TreeMap<>();
        Map<String, String> endpointNode = new TreeMap<>();
        for (ReceiveStreamStats r : snapshot.receive()) {
            endpointNode.put(r.streamId() + "\u0000" + r.endpointId(), r.nodeId());
        }
        Map<String, QualityLevel> worstByNode = new TreeMap<>();
        for (OpsSnapshot.StreamQuality q : snapshot.qualities()) {
            if (q.direction() != Direction.RECEIVE) {
                continue;
            }
            worstByStreamNode.merge(q.streamId(), q.level(), QualityLevel::worse);
            String node = endpointNode.get(q.streamId() + "\u0000" + q.endpointId());
            if (node != null) {
                worstByNode.merge(node, q.level(), QualityLevel::worse);
            }
        }

        Map<String, Map<String, Object>> streams = new TreeMap<>();
        Map<String, List<ReceiveStreamStats>> rx = new TreeMap<>();
        for (ReceiveStreamStats r : snapshot.receive()) {
            rx.computeIfAbsent(r.streamId(), k -> new ArrayList<>()).add(r);
        }
        rx.forEach((stream, list) -> {
            Map<String, Object> s = streams.computeIfAbsent(stream, DashboardView::newStream);
            s.put("viewers", list.size());
            s.put("receiveBitrateBps", mean(list, ReceiveStreamStats::bitrateInBps));
            s.put("latencyMs", mean(list, ReceiveStreamStats::endToEndLatencyMs));
            s.put("receiptLatencyMs", mean(list, ReceiveStreamStats::captureToReceiptLatencyMs));
            s.put("jitterBufferDelayMs", mean(list, ReceiveStreamStats::jitterBufferDelayMs));
            s.put("rttMs", mean(list, ReceiveStreamStats::roundTripTimeMs));
            s.put("jitterMs", mean(list, ReceiveStreamStats::jitterMs));
            s.put("stallRate", mean(list, ReceiveStreamStats::stallRate));
            s.put("lossBeforeRecovery", mean(list, ReceiveStreamStats::lossFractionBeforeRecovery));
            s.put("lossAfterRecovery", mean(list, ReceiveStreamStats::lossFractionAfterRecovery));
            s.put("freezes", sum(list, ReceiveStreamStats::freezeCount));
            s.put("framesDroppedAtPlayout", sum(list, ReceiveStreamStats::framesDropped));
            addCount(s, "failovers", sum(list, ReceiveStreamStats::failoverCount));
            addCount(s, "tokenRefusals", sum(list, ReceiveStreamStats::tokenRefusals));
            s.put("quality", worstByStreamNode.getOrDefault(stream, QualityLevel.UNKNOWN).value());
        });
        for (SendStreamStats t : snapshot.send()) {
            Map<String, Object> s = streams.computeIfAbsent(t.streamId(), DashboardView::newStream);
            s.put("sendBitrateBps", number(t.bitrateOutBps()));
            s.put("targetBitrateBps", number(t.targetBitrateBps()));
            addCount(s, "failovers", t.failoverCount());
            addCount(s, "tokenRefusals", t.tokenRefusals());
            addCount(s, "framesDroppedNotConnected", t.framesDroppedNotConnected());
            addCount(s, "framesDroppedLate", t.framesDroppedBacklog());
            addCount(s, "keyframeRequestsIgnored", t.keyframeRequestsIgnored());
        }
        root.put("streams", new ArrayList<>(streams.values()));

        List<Map<String, Object>> nodes = new ArrayList<>();
        for (NodeStats n : snapshot.nodes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", n.nodeId());
            m.put("region", n.region());
            m.put("viewers", n.concurrentViewers());
            m.put("viewersByStream", n.viewersByStream());
            m.put("bitrateInBps", number(n.bitrateInBps()));
            m.put("bitrateOutBps", number(n.bitrateOutBps()));
            m.put("packetsDropped", n.packetsDropped());
            m.put("sourceRestarts", n.sourceRestarts());
            m.put("sessionTakeovers", n.sessionTakeovers());
            m.put("sessionTakeoversHeld", n.sessionTakeoversHeld());
            // health: the worst quality level among the viewers this node serves (0 = no viewer graded)
            m.put("health", worstByNode.getOrDefault(n.nodeId(), QualityLevel.UNKNOWN).value());
            nodes.add(m);
        }
        root.put("nodes", nodes);
        root.put("activeAlerts", alerts(snapshot.activeAlerts()));
        root.put("recentEvents", alerts(snapshot.recentEvents()));
        List<String> switches = new ArrayList<>();
        snapshot.recentNodeSwitches().forEach(e -> switches.add(e.summary()));
        root.put("recentNodeSwitches", switches);
        return root;
    }

    /**
     * A stream's cumulative counts start at 0 so that a stream with viewers only, or a broadcaster
     * only, still carries each; its viewers' and broadcasters' counts add up.
     */
    private static Map<String, Object> newStream(String id) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("stream", id);
        s.put("viewers", 0);
        s.put("failovers", 0L);
        s.put("tokenRefusals", 0L);
        s.put("framesDroppedNotConnected", 0L);
        s.put("framesDroppedLate", 0L);
        s.put("framesDroppedAtPlayout", 0L);
        s.put("keyframeRequestsIgnored", 0L);
        return s;
    }

    private static void addCount(Map<String, Object> stream, String key, long count) {
        stream.merge(key, count, (a, b) -> (Long) a + (Long) b);
    }

    private static <T> long sum(List<T> list, ToLongFunction<T> field) {
        long sum = 0;
        for (T item : list) {
            sum += field.applyAsLong(item);
        }
        return sum;
    }

    private static List<Map<String, Object>> alerts(List<AlertEvent> events) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (AlertEvent e : events) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", e.type().name());
            m.put("severity", e.severity().name());
            m.put("rule", e.ruleId());
            m.put("stream", e.streamId());
            m.put("node", e.nodeId());
            m.put("region", e.region());
            m.put("metric", e.metric());
            m.put("value", number(e.value()));
            m.put("summary", e.summary());
            out.add(m);
        }
        return out;
    }

    private static <T> Double mean(List<T> list, java.util.function.ToDoubleFunction<T> field) {
        double sum = 0;
        int n = 0;
        for (T item : list) {
            double v = field.applyAsDouble(item);
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? null : sum / n;
    }

    private static Double number(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }
}
