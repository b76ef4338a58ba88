package io.smoothcast.samples.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smoothcast.history.HistoryReader;
import io.smoothcast.stats.NodeSwitchCounts;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The history a report needs, read with Jackson from the JSON-lines files of a
 * {@link io.smoothcast.history.HistoryWriter} (oldest file first). Lines that are not JSON objects
 * of a known type, or lack a field the report needs, are counted in {@link #skippedLines} and
 * skipped; unknown (null) measurements become NaN.
 *
 * <p>Immutable after {@link #read}; thread-safe to read.
 */
final class HistoryData {

    /**
     * One viewer sample; {@code framesDropped} are the frames its jitter buffers gave up on,
     * {@code packetsRepaired} the packets lost on the network that retransmissions replaced
     * (lost before recovery less lost after), both cumulative.
     */
    record Receive(long wallTimeMs, String streamId, String endpointId, String nodeId, String region,
            double stallRate, double endToEndLatencyMs, double jitterBufferDelayMs, double roundTripTimeMs,
            double lossBeforeRecovery, double lossAfterRecovery, double bitrateInBps, long failoverCount,
            NodeSwitchCounts nodeSwitches, long tokenRefusals, long framesDropped, long packetsRepaired) {

        /**
         * @return the capture-to-playout latency when measured, otherwise the estimate jitter buffer
         *     delay + RTT / 2 (NaN if neither is known)
         */
        double latencyMs() {
            if (!Double.isNaN(endToEndLatencyMs)) {
                return endToEndLatencyMs;
            }
            return jitterBufferDelayMs + roundTripTimeMs / 2;
        }
    }

    /**
     * One broadcaster sample; {@code framesDroppedNotConnected}, {@code framesDroppedBacklog} (too
     * late to send: older than the send-delay limit, or no room in the pacer) and
     * {@code retransmissionsSent} and {@code keyframeRequestsIgnored} are cumulative.
     */
    record Send(long wallTimeMs, String streamId, String endpointId, String nodeId, String region,
            double bitrateOutBps, double targetBitrateBps, long failoverCount, NodeSwitchCounts nodeSwitches,
            long tokenRefusals, long framesDroppedNotConnected, long framesDroppedBacklog, long retransmissionsSent,
            long keyframeRequestsIgnored) {
    }

    /**
     * One relay node sample; {@code sourceRestarts}, {@code sessionTakeovers} and
     * {@code sessionTakeoversHeld} are the node's cumulative counts (0 in files older than session 17).
     */
    record Node(long wallTimeMs, String nodeId, String region, long viewers, double bitrateOutBps,
            long sourceRestarts, long sessionTakeovers, long sessionTakeoversHeld) {
    }

    /** One alert event. */
    record Alert(long wallTimeMs, String type, long incidentId, String severity, String ruleId, String streamId,
            String nodeId, String region, String detail) {
    }

    final List<Receive> receive = new ArrayList<>();
    final List<Send> send = new ArrayList<>();
    final List<Node> nodes = new ArrayList<>();
    final List<Alert> alerts = new ArrayList<>();
    long skippedLines;
    /** True if any viewer sample carried a measured end-to-end latency. */
    boolean latencyMeasured;

    private HistoryData() {
    }

    /**
     * @param directory the history directory
     * @param filePrefix the writer's file prefix
     * @return the data of every file, in time order of the files
     * @throws IOException if a file cannot be read
     */
    static HistoryData read(Path directory, String filePrefix) throws IOException {
        HistoryData data = new HistoryData();
        ObjectMapper json = new ObjectMapper();
        for (Path file : HistoryReader.of(directory, filePrefix).files()) {
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        data.add(json.readTree(line));
                    } catch (IOException | RuntimeException e) {
                        data.skippedLines++;
                    }
                }
            }
        }
        return data;
    }

    private void add(JsonNode n) {
        if (n == null || !n.isObject()) {
            skippedLines++;
            return;
        }
        long wallTimeMs = n.path("wallTimeMs").asLong(Long.MIN_VALUE);
        if (wallTimeMs == Long.MIN_VALUE || !n.path("wallTimeMs").isNumber()) {
            skippedLines++;
            return;
        }
        switch (n.path("type").asText("")) {
            case "receive" -> {
                Receive r = new Receive(wallTimeMs, text(n, "streamId"), text(n, "endpointId"), text(n, "nodeId"),
                        text(n, "region"), number(n, "stallRate"), number(n, "endToEndLatencyMs"),
                        number(n, "jitterBufferDelayMs"), number(n, "roundTripTimeMs"),
                        number(n, "lossFractionBeforeRecovery"), number(n, "lossFractionAfterRecovery"),
                        number(n, "bitrateInBps"), n.path("failoverCount").asLong(0), nodeSwitches(n),
                        tokenRefusals(n), count(n, "framesDropped"),
                        Math.max(0, count(n, "packetsLost") - count(n, "packetsLostAfterRecovery")));
                latencyMeasured |= !Double.isNaN(r.endToEndLatencyMs());
                receive.add(r);
            }
            case "send" -> send.add(new Send(wallTimeMs, text(n, "streamId"), text(n, "endpointId"),
                    text(n, "nodeId"), text(n, "region"), number(n, "bitrateOutBps"), number(n, "targetBitrateBps"),
                    n.path("failoverCount").asLong(0), nodeSwitches(n), tokenRefusals(n),
                    count(n, "framesDroppedNotConnected"),
                    n.has("framesDroppedBacklog") ? count(n, "framesDroppedBacklog") : count(n, "framesDroppedStale"),
                    count(n, "retransmittedPacketsSent"), count(n, "keyframeRequestsIgnored")));
            case "node" -> {
                long viewers = 0;
                JsonNode byStream = n.path("viewersByStream");
                for (JsonNode v : byStream) {
                    viewers += Math.max(0, v.asLong(0));
                }
                nodes.add(new Node(wallTimeMs, text(n, "nodeId"), text(n, "region"), viewers, number(n, "bitrateOutBps"),
                        count(n, "sourceRestarts"), count(n, "sessionTakeovers"), count(n, "sessionTakeoversHeld")));
            }
            case "alert" -> {
                if (!n.path("severity").asText("").matches("P[0-3]")) {
                    skippedLines++;
                    return;
                }
                alerts.add(new Alert(wallTimeMs, text(n, "event"),
                    n.path("incidentId").asLong(0), text(n, "severity"), text(n, "ruleId"), text(n, "streamId"),
                    text(n, "nodeId"), text(n, "region"), text(n, "detail")));
            }
            default -> skippedLines++;
        }
    }

    /** Files written before session 16 did not count token refusals: they read as none. */
    private static long tokenRefusals(JsonNode n) {
        return count(n, "tokenRefusals");
    }

    /**
     * The endpoint's moves per reason (files written before they were counted have none: no
     * moves); a count that is not a non-negative number reads as 0.
     */
    private static NodeSwitchCounts nodeSwitches(JsonNode n) {
        return new NodeSwitchCounts(count(n, "nodeSwitchesDegradedPath"), count(n, "nodeSwitchesNoPublisher"),
                count(n, "nodeSwitchesMediaSilence"));
    }

    /** A cumulative count; one missing (files written before it was counted) or not a count reads as 0. */
    private static long count(JsonNode n, String field) {
        return Math.max(0, n.path(field).asLong(0));
    }

    private static String text(JsonNode n, String field) {
        return text(n, field, "");
    }

    private static String text(JsonNode n, String field, String fallback) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? fallback : v.asText();
    }

    private static double number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || !v.isNumber() ? Double.NaN : v.asDouble();
    }
}
