package io.smoothcast.history;

import io.smoothcast.alert.AlertEvent;
import io.smoothcast.alert.Severity;
import io.smoothcast.history.internal.JsonObjectWriter;
import io.smoothcast.history.internal.JsonParser;
import io.smoothcast.stats.NodeStats;
import io.smoothcast.stats.NodeSwitchCounts;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.stats.SendStreamStats;
import io.smoothcast.stats.StatsTimes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ObjLongConsumer;
import java.util.function.ToLongFunction;

/**
 * Encodes history records as one-line JSON objects and decodes them back. Field names are the
 * record component names; {@code "type"} says the kind and {@code "wallTimeMs"} the wall-clock
 * time. Unknown values are {@code null}: NaN measurements and {@link StatsTimes#NEVER} instants.
 * Decoding ignores unknown fields (newer writers may add some) and fills missing optional ones
 * with their "unknown" value; a missing identifier or a value of the wrong type makes the line
 * malformed.
 *
 * <p>Stateless; thread-safe.
 */
final class HistoryCodec {

    private HistoryCodec() {
    }

    static String encode(HistoryRecord record) {
        StringBuilder sb = new StringBuilder(512);
        JsonObjectWriter w = new JsonObjectWriter(sb);
        w.field("type", record.kind().jsonType()).field("wallTimeMs", record.wallTimeMs());
        Object v = record.value();
        if (v instanceof ReceiveStreamStats r) {
            writeReceive(w, r);
        } else if (v instanceof SendStreamStats s) {
            writeSend(w, s);
        } else if (v instanceof NodeStats n) {
            writeNode(w, n);
        } else {
            writeAlert(w, (AlertEvent) v);
        }
        return w.end().toString();
    }

    private static void writeReceive(JsonObjectWriter w, ReceiveStreamStats r) {
        w.field("timestampNs", r.timestampNs()).field("streamId", r.streamId()).field("endpointId", r.endpointId())
                .field("nodeId", r.nodeId()).field("region", r.region()).field("ssrc", r.ssrc())
                .field("packetsReceived", r.packetsReceived()).field("bytesReceived", r.bytesReceived())
                .field("packetsLost", r.packetsLost()).field("packetsLostAfterRecovery", r.packetsLostAfterRecovery())
                .field("framesDecoded", r.framesDecoded())
                .field("lossFractionBeforeRecovery", r.lossFractionBeforeRecovery())
                .field("lossFractionAfterRecovery", r.lossFractionAfterRecovery())
                .field("bitrateInBps", r.bitrateInBps()).field("framesPerSecond", r.framesPerSecond())
                .field("jitterMs", r.jitterMs()).field("roundTripTimeMs", r.roundTripTimeMs())
                .field("endToEndLatencyMs", r.endToEndLatencyMs())
                .field("captureToReceiptLatencyMs", r.captureToReceiptLatencyMs())
                .field("jitterBufferDelayMs", r.jitterBufferDelayMs())
                .field("freezeCount", r.freezeCount()).field("totalFreezesDurationMs", r.totalFreezesDurationMs())
                .field("stallRate", r.stallRate());
        instant(w, "lastPacketReceivedNs", r.lastPacketReceivedNs());
        w.field("failoverCount", r.failoverCount()).field("audioOnly", r.audioOnly());
        writeSwitches(w, r.nodeSwitches());
        w.field("tokenRefusals", r.tokenRefusals()).field("malformedDropped", r.malformedDropped())
                .field("framesDropped", r.framesDropped());
        for (Count<ReceiveStreamStats, ReceiveStreamStats.Builder> c : RECEIVE_COUNTS) {
            c.write(w, r);
        }
    }

    private static void writeSend(JsonObjectWriter w, SendStreamStats s) {
        w.field("timestampNs", s.timestampNs()).field("streamId", s.streamId()).field("endpointId", s.endpointId())
                .field("nodeId", s.nodeId()).field("region", s.region()).field("ssrc", s.ssrc())
                .field("packetsSent", s.packetsSent()).field("bytesSent", s.bytesSent())
                .field("retransmittedPacketsSent", s.retransmittedPacketsSent())
                .field("framesEncoded", s.framesEncoded()).field("packetsLost", s.packetsLost())
                .field("lossFraction", s.lossFraction()).field("bitrateOutBps", s.bitrateOutBps())
                .field("targetBitrateBps", s.targetBitrateBps()).field("framesPerSecond", s.framesPerSecond())
                .field("jitterMs", s.jitterMs()).field("roundTripTimeMs", s.roundTripTimeMs());
        instant(w, "lastFeedbackReceivedNs", s.lastFeedbackReceivedNs());
        w.field("failoverCount", s.failoverCount()).field("audioOnly", s.audioOnly())
                .field("sendDelayMaxMs", s.sendDelayMaxMs()).field("framesDroppedBacklog", s.framesDroppedBacklog());
        writeSwitches(w, s.nodeSwitches());
        w.field("tokenRefusals", s.tokenRefusals()).field("malformedDropped", s.malformedDropped())
                .field("framesDroppedNotConnected", s.framesDroppedNotConnected())
                .field("framesRejected", s.framesRejected());
        for (Count<SendStreamStats, SendStreamStats.Builder> c : SEND_COUNTS) {
            c.write(w, s);
        }
    }

    private static void writeSwitches(JsonObjectWriter w, NodeSwitchCounts c) {
        w.field("nodeSwitchesDegradedPath", c.degradedPath()).field("nodeSwitchesNoPublisher", c.noPublisher())
                .field("nodeSwitchesMediaSilence", c.mediaSilence());
    }

    /**
     * A count added from session 16 on (a node's), or session 17 on (an endpoint's), one entry each:
     * written under its name, and read as 0 from lines written before it existed.
     *
     * @param <T> the snapshot type
     * @param <B> its builder
     */
    private record Count<T, B>(String field, ToLongFunction<T> get, ObjLongConsumer<B> set) {

        void write(JsonObjectWriter w, T snapshot) {
            w.field(field, get.applyAsLong(snapshot));
        }

        void read(Fields f, B builder) {
            set.accept(builder, f.longOr(field, 0));
        }
    }

    private static final List<Count<ReceiveStreamStats, ReceiveStreamStats.Builder>> RECEIVE_COUNTS = List.of(
            new Count<>("nacksSent", ReceiveStreamStats::nacksSent, ReceiveStreamStats.Builder::nacksSent),
            new Count<>("keyframeRequestsSent", ReceiveStreamStats::keyframeRequestsSent,
                    ReceiveStreamStats.Builder::keyframeRequestsSent),
            new Count<>("staleControlIgnored", ReceiveStreamStats::staleControlIgnored,
                    ReceiveStreamStats.Builder::staleControlIgnored),
            new Count<>("earlyPacketsRecovered", ReceiveStreamStats::earlyPacketsRecovered,
                    ReceiveStreamStats.Builder::earlyPacketsRecovered),
            new Count<>("unknownTrackDropped", ReceiveStreamStats::unknownTrackDropped,
                    ReceiveStreamStats.Builder::unknownTrackDropped));

    private static final List<Count<SendStreamStats, SendStreamStats.Builder>> SEND_COUNTS = List.of(
            new Count<>("keyframeRequestsReceived", SendStreamStats::keyframeRequestsReceived,
                    SendStreamStats.Builder::keyframeRequestsReceived),
            new Count<>("packetsDroppedByPacer", SendStreamStats::packetsDroppedByPacer,
                    SendStreamStats.Builder::packetsDroppedByPacer),
            new Count<>("retransmissionsOverBudget", SendStreamStats::retransmissionsOverBudget,
                    SendStreamStats.Builder::retransmissionsOverBudget),
            new Count<>("tailProbesSent", SendStreamStats::tailProbesSent, SendStreamStats.Builder::tailProbesSent),
            new Count<>("staleControlIgnored", SendStreamStats::staleControlIgnored,
                    SendStreamStats.Builder::staleControlIgnored),
            new Count<>("keyframeRequestsIgnored", SendStreamStats::keyframeRequestsIgnored,
                    SendStreamStats.Builder::keyframeRequestsIgnored));

    private static final List<Count<NodeStats, NodeStats.Builder>> NODE_COUNTS = List.of(
            new Count<>("tokensAccepted", NodeStats::tokensAccepted, NodeStats.Builder::tokensAccepted),
            new Count<>("tokensRejected", NodeStats::tokensRejected, NodeStats.Builder::tokensRejected),
            new Count<>("tokensExpiredRoleKept", NodeStats::tokensExpiredRoleKept,
                    NodeStats.Builder::tokensExpiredRoleKept),
            new Count<>("sourceRetransmissionsAlreadyHeld", NodeStats::sourceRetransmissionsAlreadyHeld,
                    NodeStats.Builder::sourceRetransmissionsAlreadyHeld),
            new Count<>("sourceProbesAlreadyHeld", NodeStats::sourceProbesAlreadyHeld,
                    NodeStats.Builder::sourceProbesAlreadyHeld),
            new Count<>("rateLimitedDropped", NodeStats::rateLimitedDropped, NodeStats.Builder::rateLimitedDropped),
            new Count<>("publisherRateLimited", NodeStats::publisherRateLimited,
                    NodeStats.Builder::publisherRateLimited),
            new Count<>("handlerFailures", NodeStats::handlerFailures, NodeStats.Builder::handlerFailures),
            new Count<>("routabilityFailures", NodeStats::routabilityFailures,
                    NodeStats.Builder::routabilityFailures),
            new Count<>("halfOpenEvicted", NodeStats::halfOpenEvicted, NodeStats.Builder::halfOpenEvicted),
            new Count<>("halfOpenSessions", NodeStats::halfOpenSessions, NodeStats.Builder::halfOpenSessions),
            new Count<>("amplificationSuppressed", NodeStats::amplificationSuppressed,
                    NodeStats.Builder::amplificationSuppressed),
            new Count<>("peerControlRateLimited", NodeStats::peerControlRateLimited,
                    NodeStats.Builder::peerControlRateLimited),
            new Count<>("sessionsExpired", NodeStats::sessionsExpired, NodeStats.Builder::sessionsExpired),
            new Count<>("fanOutLaneDropped", NodeStats::fanOutLaneDropped, NodeStats.Builder::fanOutLaneDropped),
            new Count<>("handOffDropped", NodeStats::handOffDropped, NodeStats.Builder::handOffDropped),
            new Count<>("rtpReceived", NodeStats::rtpReceived, NodeStats.Builder::rtpReceived),
            new Count<>("nackedPackets", NodeStats::nackedPackets, NodeStats.Builder::nackedPackets),
            new Count<>("retransmissionMisses", NodeStats::retransmissionMisses,
                    NodeStats.Builder::retransmissionMisses),
            new Count<>("nackRetransmissionsLimited", NodeStats::nackRetransmissionsLimited,
                    NodeStats.Builder::nackRetransmissionsLimited),
            new Count<>("retransmissionBuildFailures", NodeStats::retransmissionBuildFailures,
                    NodeStats.Builder::retransmissionBuildFailures),
            new Count<>("tailProbesSent", NodeStats::tailProbesSent, NodeStats.Builder::tailProbesSent),
            new Count<>("tailProbesLimited", NodeStats::tailProbesLimited, NodeStats.Builder::tailProbesLimited),
            new Count<>("sourceNackedPackets", NodeStats::sourceNackedPackets, NodeStats.Builder::sourceNackedPackets),
            new Count<>("sourceRetransmissionsReceived", NodeStats::sourceRetransmissionsReceived,
                    NodeStats.Builder::sourceRetransmissionsReceived),
            new Count<>("keyframeRequestsReceived", NodeStats::keyframeRequestsReceived,
                    NodeStats.Builder::keyframeRequestsReceived),
            new Count<>("keyframeRequestsForwarded", NodeStats::keyframeRequestsForwarded,
                    NodeStats.Builder::keyframeRequestsForwarded),
            new Count<>("keyframeRequestsSuppressed", NodeStats::keyframeRequestsSuppressed,
                    NodeStats.Builder::keyframeRequestsSuppressed),
            new Count<>("downlinkProbePaddingPackets", NodeStats::downlinkProbePaddingPackets,
                    NodeStats.Builder::downlinkProbePaddingPackets),
            new Count<>("ioThreadStalls", NodeStats::ioThreadStalls, NodeStats.Builder::ioThreadStalls),
            new Count<>("nativeCopiesRefused", NodeStats::nativeCopiesRefused, NodeStats.Builder::nativeCopiesRefused),
            new Count<>("retransmissionsPendingFromSource", NodeStats::retransmissionsPendingFromSource,
                    NodeStats.Builder::retransmissionsPendingFromSource),
            new Count<>("nacksBeforeLayerStart", NodeStats::nacksBeforeLayerStart,
                    NodeStats.Builder::nacksBeforeLayerStart),
            new Count<>("streamInfoRepeated", NodeStats::streamInfoRepeated, NodeStats.Builder::streamInfoRepeated),
            new Count<>("downlinkProbes", NodeStats::downlinkProbes, NodeStats.Builder::downlinkProbes),
            new Count<>("downlinkProbeClimbs", NodeStats::downlinkProbeClimbs, NodeStats.Builder::downlinkProbeClimbs),
            new Count<>("untimedArrivalReportsReceived", NodeStats::untimedArrivalReportsReceived,
                    NodeStats.Builder::untimedArrivalReportsReceived),
            new Count<>("untimedArrivalReportsSent", NodeStats::untimedArrivalReportsSent,
                    NodeStats.Builder::untimedArrivalReportsSent),
            new Count<>("sessions", NodeStats::sessions, NodeStats.Builder::sessions),
            new Count<>("publishers", NodeStats::publishers, NodeStats.Builder::publishers),
            new Count<>("subscribers", NodeStats::subscribers, NodeStats.Builder::subscribers),
            new Count<>("streams", NodeStats::streams, NodeStats.Builder::streams),
            new Count<>("sourceRestarts", NodeStats::sourceRestarts, NodeStats.Builder::sourceRestarts),
            new Count<>("sessionTakeoversHeld", NodeStats::sessionTakeoversHeld,
                    NodeStats.Builder::sessionTakeoversHeld),
            new Count<>("sessionTakeovers", NodeStats::sessionTakeovers, NodeStats.Builder::sessionTakeovers));

    private static void writeNode(JsonObjectWriter w, NodeStats n) {
        w.field("timestampNs", n.timestampNs()).field("nodeId", n.nodeId()).field("region", n.region())
                .field("concurrentViewers", n.concurrentViewers()).field("viewersByStream", n.viewersByStream())
                .field("packetsReceived", n.packetsReceived()).field("packetsSent", n.packetsSent())
                .field("packetsDropped", n.packetsDropped()).field("bitrateInBps", n.bitrateInBps())
                .field("bitrateOutBps", n.bitrateOutBps());
        for (Count<NodeStats, NodeStats.Builder> c : NODE_COUNTS) {
            c.write(w, n);
        }
    }

    private static void writeAlert(JsonObjectWriter w, AlertEvent e) {
        w.field("event", e.type().name()).field("incidentId", e.incidentId()).field("ruleId", e.ruleId())
                .field("severity", e.severity().name()).field("metric", e.metric()).field("value", e.value())
                .field("threshold", e.threshold()).field("streamId", e.streamId()).field("endpointId", e.endpointId())
                .field("nodeId", e.nodeId()).field("region", e.region()).field("timeNs", e.timeNs())
                .field("raisedTimeNs", e.raisedTimeNs()).field("affected", e.affected()).field("members", e.members())
                .field("detail", e.detail());
    }

    private static void instant(JsonObjectWriter w, String name, long timeNs) {
        if (timeNs == StatsTimes.NEVER) {
            w.field(name, (String) null);
        } else {
            w.field(name, timeNs);
        }
    }

    /**
     * @param line one line of a history file
     * @return the record
     * @throws IllegalArgumentException if the line is not a valid record (the message says why)
     */
    static HistoryRecord decode(String line) {
        Fields f = new Fields(JsonParser.parseObject(line));
        String type = f.requiredString("type");
        long wallTimeMs = f.requiredLong("wallTimeMs");
        Object value = switch (type) {
            case "receive" -> readReceive(f);
            case "send" -> readSend(f);
            case "node" -> readNode(f);
            case "alert" -> readAlert(f);
            default -> throw new IllegalArgumentException("unknown record type: " + type);
        };
        return new HistoryRecord(wallTimeMs, value);
    }

    private static ReceiveStreamStats readReceive(Fields f) {
        ReceiveStreamStats.Builder b = ReceiveStreamStats.builder(f.requiredString("streamId"))
                .timestampNs(f.requiredLong("timestampNs")).endpointId(f.string("endpointId"))
                .nodeId(f.string("nodeId")).region(f.string("region")).ssrc(f.longOr("ssrc", -1))
                .packetsReceived(f.longOr("packetsReceived", 0)).bytesReceived(f.longOr("bytesReceived", 0))
                .packetsLost(f.longOr("packetsLost", 0))
                .packetsLostAfterRecovery(f.longOr("packetsLostAfterRecovery", 0))
                .framesDecoded(f.longOr("framesDecoded", 0))
                .lossFractionBeforeRecovery(f.number("lossFractionBeforeRecovery"))
                .lossFractionAfterRecovery(f.number("lossFractionAfterRecovery"))
                .bitrateInBps(f.number("bitrateInBps")).framesPerSecond(f.number("framesPerSecond"))
                .jitterMs(f.number("jitterMs")).roundTripTimeMs(f.number("roundTripTimeMs"))
                .endToEndLatencyMs(f.number("endToEndLatencyMs"))
                .captureToReceiptLatencyMs(f.number("captureToReceiptLatencyMs"))
                .jitterBufferDelayMs(f.number("jitterBufferDelayMs"))
                .freezeCount(f.longOr("freezeCount", 0)).totalFreezesDurationMs(f.longOr("totalFreezesDurationMs", 0))
                .stallRate(f.number("stallRate")).lastPacketReceivedNs(f.longOr("lastPacketReceivedNs", StatsTimes.NEVER))
                .failoverCount(f.longOr("failoverCount", 0)).audioOnly(f.bool("audioOnly"))
                .nodeSwitches(readSwitches(f)).tokenRefusals(f.longOr("tokenRefusals", 0))
                .malformedDropped(f.longOr("malformedDropped", 0)).framesDropped(f.longOr("framesDropped", 0));
        for (Count<ReceiveStreamStats, ReceiveStreamStats.Builder> c : RECEIVE_COUNTS) {
            c.read(f, b);
        }
        return b.build();
    }

    private static SendStreamStats readSend(Fields f) {
        SendStreamStats.Builder b = SendStreamStats.builder(f.requiredString("streamId"))
                .timestampNs(f.requiredLong("timestampNs")).endpointId(f.string("endpointId"))
                .nodeId(f.string("nodeId")).region(f.string("region")).ssrc(f.longOr("ssrc", -1))
                .packetsSent(f.longOr("packetsSent", 0)).bytesSent(f.longOr("bytesSent", 0))
                .retransmittedPacketsSent(f.longOr("retransmittedPacketsSent", 0))
                .framesEncoded(f.longOr("framesEncoded", 0)).packetsLost(f.longOr("packetsLost", 0))
                .lossFraction(f.number("lossFraction")).bitrateOutBps(f.number("bitrateOutBps"))
                .targetBitrateBps(f.number("targetBitrateBps")).framesPerSecond(f.number("framesPerSecond"))
                .jitterMs(f.number("jitterMs")).roundTripTimeMs(f.number("roundTripTimeMs"))
                .lastFeedbackReceivedNs(f.longOr("lastFeedbackReceivedNs", StatsTimes.NEVER))
                .failoverCount(f.longOr("failoverCount", 0)).audioOnly(f.bool("audioOnly"))
                .sendDelayMaxMs(f.number("sendDelayMaxMs"))
                .framesDroppedBacklog(f.longOr("framesDroppedBacklog", f.longOr("framesDroppedStale", 0)))
                .nodeSwitches(readSwitches(f)).tokenRefusals(f.longOr("tokenRefusals", 0))
                .malformedDropped(f.longOr("malformedDropped", 0))
                .framesDroppedNotConnected(f.longOr("framesDroppedNotConnected", 0))
                .framesRejected(f.longOr("framesRejected", 0));
        for (Count<SendStreamStats, SendStreamStats.Builder> c : SEND_COUNTS) {
            c.read(f, b);
        }
        return b.build();
    }

    /** Files written before the per-reason counts existed have none: they read as no moves. */
    private static NodeSwitchCounts readSwitches(Fields f) {
        return new NodeSwitchCounts(f.longOr("nodeSwitchesDegradedPath", 0), f.longOr("nodeSwitchesNoPublisher", 0),
                f.longOr("nodeSwitchesMediaSilence", 0));
    }

    private static NodeStats readNode(Fields f) {
        NodeStats.Builder b = NodeStats.builder(f.requiredString("nodeId"))
                .timestampNs(f.requiredLong("timestampNs")).region(f.string("region"))
                .packetsReceived(f.longOr("packetsReceived", 0)).packetsSent(f.longOr("packetsSent", 0))
                .packetsDropped(f.longOr("packetsDropped", 0)).bitrateInBps(f.number("bitrateInBps"))
                .bitrateOutBps(f.number("bitrateOutBps"));
        for (Count<NodeStats, NodeStats.Builder> c : NODE_COUNTS) {
            c.read(f, b);
        }
        for (Map.Entry<String, Object> e : f.object("viewersByStream").entrySet()) {
            if (!(e.getValue() instanceof Long count) || count < 0 || count > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("viewersByStream[" + e.getKey() + "] must be a count: "
                        + e.getValue());
            }
            b.viewers(e.getKey(), count.intValue());
        }
        return b.build();
    }

    private static AlertEvent readAlert(Fields f) {
        long incidentId = f.requiredLong("incidentId");
        long affected = f.longOr("affected", 0);
        long members = f.longOr("members", 1);
        if (affected < 0 || affected > Integer.MAX_VALUE || members < 0 || members > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("affected and members must be counts: " + affected + ", " + members);
        }
        return new AlertEvent(f.enumValue("event", AlertEvent.Type.class), incidentId, f.requiredString("ruleId"),
                f.enumValue("severity", Severity.class), f.string("metric"), f.number("value"), f.number("threshold"),
                f.string("streamId"), f.string("endpointId"), f.string("nodeId"), f.string("region"),
                f.requiredLong("timeNs"), f.longOr("raisedTimeNs", f.requiredLong("timeNs")), (int) affected,
                (int) members, f.string("detail"));
    }

    /** Typed access to a parsed object's fields, with messages naming the field. */
    private static final class Fields {
        private final Map<String, Object> map;

        Fields(Map<String, Object> map) {
            this.map = map;
        }

        String requiredString(String name) {
            Object v = map.get(name);
            if (!(v instanceof String s)) {
                throw new IllegalArgumentException(name + " must be a string: " + v);
            }
            return s;
        }

        String string(String name) {
            Object v = map.get(name);
            if (v == null) {
                return "";
            }
            if (!(v instanceof String s)) {
                throw new IllegalArgumentException(name + " must be a string: " + v);
            }
            return s;
        }

        long requiredLong(String name) {
            Object v = map.get(name);
            if (!(v instanceof Long l)) {
                throw new IllegalArgumentException(name + " must be an integer: " + v);
            }
            return l;
        }

        long longOr(String name, long absent) {
            return map.get(name) == null ? absent : requiredLong(name);
        }

        double number(String name) {
            Object v = map.get(name);
            if (v == null) {
                return Double.NaN;
            }
            if (!(v instanceof Number n)) {
                throw new IllegalArgumentException(name + " must be a number: " + v);
            }
            return n.doubleValue();
        }

        boolean bool(String name) {
            Object v = map.get(name);
            if (v == null) {
                return false;
            }
            if (!(v instanceof Boolean b)) {
                throw new IllegalArgumentException(name + " must be true or false: " + v);
            }
            return b;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> object(String name) {
            Object v = map.get(name);
            if (v == null) {
                return new LinkedHashMap<>();
            }
            if (!(v instanceof Map)) {
                throw new IllegalArgumentException(name + " must be an object: " + v);
            }
            return (Map<String, Object>) v;
        }

        <E extends Enum<E>> E enumValue(String name, Class<E> type) {
            String s = requiredString(name);
            try {
                return Enum.valueOf(type, s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " must be one of the " + type.getSimpleName()
                        + " names: " + s, e);
            }
        }
    }
}
