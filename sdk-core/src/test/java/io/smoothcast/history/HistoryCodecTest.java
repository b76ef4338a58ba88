package io.smoothcast.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.alert.AlertEvent;
import io.smoothcast.alert.Severity;
import io.smoothcast.stats.NodeStats;
import io.smoothcast.stats.NodeSwitchCounts;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.stats.SendStreamStats;
import io.smoothcast.stats.StatsTimes;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryCodecTest {

    static ReceiveStreamStats receive() {
        return ReceiveStreamStats.builder("live \"main\"").timestampNs(-5).endpointId("viewer\n1").nodeId("n")
                .region("ap-東京").ssrc(0xFFFF_FFFFL).packetsReceived(900).bytesReceived(1L << 40).packetsLost(12)
                .packetsLostAfterRecovery(1).framesDecoded(300).lossFractionBeforeRecovery(0.013)
                .bitrateInBps(2.5e6).framesPerSecond(29.97).jitterMs(4.25).roundTripTimeMs(231.5)
                .endToEndLatencyMs(1830).captureToReceiptLatencyMs(1417.5).jitterBufferDelayMs(412.125)
                .freezeCount(2).totalFreezesDurationMs(640)
                .stallRate(0.03).lastPacketReceivedNs(-7).failoverCount(1).audioOnly(true)
                .nodeSwitches(new NodeSwitchCounts(3, 2, 1)).tokenRefusals(4).malformedDropped(15).framesDropped(16)
                .nacksSent(41).keyframeRequestsSent(42).staleControlIgnored(43).earlyPacketsRecovered(44)
                .unknownTrackDropped(45).build();
    }

    static SendStreamStats send() {
        return SendStreamStats.builder("live").timestampNs(10).endpointId("cam").nodeId("n").region("eu")
                .packetsSent(1_000).bytesSent(1_200_000).retransmittedPacketsSent(20).framesEncoded(300)
                .packetsLost(15).lossFraction(0.015).bitrateOutBps(3e6).targetBitrateBps(3.2e6).framesPerSecond(30)
                .jitterMs(3).roundTripTimeMs(180).sendDelayMaxMs(420).framesDroppedBacklog(9)
                .nodeSwitches(new NodeSwitchCounts(4, 0, 0)).tokenRefusals(6).malformedDropped(17)
                .framesDroppedNotConnected(18).framesRejected(19).keyframeRequestsReceived(51).packetsDroppedByPacer(52)
                .retransmissionsOverBudget(53).tailProbesSent(54).staleControlIgnored(55).keyframeRequestsIgnored(56)
                .build();
    }

    static NodeStats node() {
        return NodeStats.builder("relay-1").timestampNs(11).region("eu").viewers("live", 120).viewers("b", 0)
                .packetsReceived(5).packetsSent(500).packetsDropped(2).bitrateInBps(3e6).tokensAccepted(130)
                .tokensRejected(7).tokensExpiredRoleKept(3).sourceRetransmissionsAlreadyHeld(8).sourceProbesAlreadyHeld(12)
                .rateLimitedDropped(13).publisherRateLimited(14).handlerFailures(1).routabilityFailures(21).halfOpenEvicted(22)
                .halfOpenSessions(23).amplificationSuppressed(24).peerControlRateLimited(25).sessionsExpired(26)
                .fanOutLaneDropped(27).handOffDropped(28).rtpReceived(61).nackedPackets(62).retransmissionMisses(63)
                .nackRetransmissionsLimited(64).retransmissionBuildFailures(65).tailProbesSent(66).tailProbesLimited(67)
                .sourceNackedPackets(68).sourceRetransmissionsReceived(69).keyframeRequestsReceived(70)
                .keyframeRequestsForwarded(71).keyframeRequestsSuppressed(72).downlinkProbePaddingPackets(73)
                .ioThreadStalls(74).nativeCopiesRefused(75).retransmissionsPendingFromSource(76)
                .nacksBeforeLayerStart(77).streamInfoRepeated(78).downlinkProbes(79).downlinkProbeClimbs(80)
                .untimedArrivalReportsReceived(81).untimedArrivalReportsSent(82).sessions(83).publishers(84)
                .subscribers(85).streams(86).sourceRestarts(87).sessionTakeoversHeld(88)
                .sessionTakeovers(89).build();
    }

    static AlertEvent alert() {
        return new AlertEvent(AlertEvent.Type.CLEARED, 7, "rtt-elevated", Severity.P3, "rtt_ms", Double.NaN, 300,
                "live", "", "relay-1", "eu", 99, 50, 0, 4, "3 of 4 \"members\"\tback");
    }

    @Test
    void everyRecordKind_roundTripsExactly() {
        for (Object value : new Object[] {receive(), send(), node(), alert()}) {
            HistoryRecord record = new HistoryRecord(1_795_000_000_123L, value);
            String line = HistoryCodec.encode(record);
            assertTrue(line.indexOf('\n') < 0, "one line: " + line);
            assertEquals(record, HistoryCodec.decode(line));
        }
    }

    /**
     * Lines as the writer of session 13 (before the per-reason node switches, and before the token,
     * held-retransmission, rate-limit, handler-failure, abuse and drop counts of session 16) wrote them.
     */
    private static final String OLD_RECEIVE_LINE = "{\"type\":\"receive\",\"wallTimeMs\":1795000000123,\"timestampNs\":-5,"
            + "\"streamId\":\"live \\\"main\\\"\",\"endpointId\":\"viewer\\n1\",\"nodeId\":\"n\","
            + "\"region\":\"ap-東京\",\"ssrc\":4294967295,\"packetsReceived\":900,"
            + "\"bytesReceived\":1099511627776,\"packetsLost\":12,\"packetsLostAfterRecovery\":1,"
            + "\"framesDecoded\":300,\"lossFractionBeforeRecovery\":0.013,\"lossFractionAfterRecovery\":null,"
            + "\"bitrateInBps\":2500000.0,\"framesPerSecond\":29.97,\"jitterMs\":4.25,"
            + "\"roundTripTimeMs\":231.5,\"endToEndLatencyMs\":1830.0,\"captureToReceiptLatencyMs\":1417.5,"
            + "\"jitterBufferDelayMs\":412.125,\"freezeCount\":2,\"totalFreezesDurationMs\":640,"
            + "\"stallRate\":0.03,\"lastPacketReceivedNs\":-7,\"failoverCount\":1,\"audioOnly\":true}";
    private static final String OLD_SEND_LINE = "{\"type\":\"send\",\"wallTimeMs\":1795000000123,\"timestampNs\":10,\"streamId\":\"live\","
            + "\"endpointId\":\"cam\",\"nodeId\":\"n\",\"region\":\"eu\",\"ssrc\":-1,\"packetsSent\":1000,"
            + "\"bytesSent\":1200000,\"retransmittedPacketsSent\":20,\"framesEncoded\":300,\"packetsLost\":15,"
            + "\"lossFraction\":0.015,\"bitrateOutBps\":3000000.0,\"targetBitrateBps\":3200000.0,"
            + "\"framesPerSecond\":30.0,\"jitterMs\":3.0,\"roundTripTimeMs\":180.0,"
            + "\"lastFeedbackReceivedNs\":null,\"failoverCount\":0,\"audioOnly\":false,"
            + "\"sendDelayMaxMs\":420.0,\"framesDroppedStale\":9}";
    private static final String OLD_NODE_LINE = "{\"type\":\"node\",\"wallTimeMs\":1795000000123,\"timestampNs\":11,"
            + "\"nodeId\":\"relay-1\",\"region\":\"eu\",\"concurrentViewers\":120,\"viewersByStream\":{\"b\":0,\"live\":120},"
            + "\"packetsReceived\":5,\"packetsSent\":500,\"packetsDropped\":2,\"bitrateInBps\":3000000.0,"
            + "\"bitrateOutBps\":null}";

    @Test
    void linesWrittenBeforeNodeSwitchesExisted_readWithNoMoves() {
        assertEquals(new HistoryRecord(1_795_000_000_123L,
                receive().toBuilder().nodeSwitches(NodeSwitchCounts.NONE).tokenRefusals(0).malformedDropped(0)
                        .framesDropped(0).nacksSent(0).keyframeRequestsSent(0).staleControlIgnored(0)
                        .earlyPacketsRecovered(0).unknownTrackDropped(0).build()),
                HistoryCodec.decode(OLD_RECEIVE_LINE));
        assertEquals(new HistoryRecord(1_795_000_000_123L,
                send().toBuilder().nodeSwitches(NodeSwitchCounts.NONE).tokenRefusals(0).malformedDropped(0)
                        .framesDroppedNotConnected(0).framesRejected(0).keyframeRequestsReceived(0)
                        .packetsDroppedByPacer(0).retransmissionsOverBudget(0).tailProbesSent(0).staleControlIgnored(0)
                        .keyframeRequestsIgnored(0).build()),
                HistoryCodec.decode(OLD_SEND_LINE));
    }

    @Test
    void nodeLinesWrittenBeforeTheTokenHeldRetransmissionAndAbuseCounts_readWithNone() {
        NodeStats n = HistoryCodec.decode(OLD_NODE_LINE).as(NodeStats.class);
        assertEquals(120, n.concurrentViewers());
        assertEquals(Collections.nCopies(45, 0L), List.of(n.tokensAccepted(), n.tokensRejected(),
                n.tokensExpiredRoleKept(), n.sourceRetransmissionsAlreadyHeld(), n.sourceProbesAlreadyHeld(),
                n.rateLimitedDropped(), n.publisherRateLimited(), n.handlerFailures(), n.routabilityFailures(),
                n.halfOpenEvicted(), n.halfOpenSessions(), n.amplificationSuppressed(), n.peerControlRateLimited(),
                n.sessionsExpired(), n.fanOutLaneDropped(), n.handOffDropped(), n.rtpReceived(), n.nackedPackets(),
                n.retransmissionMisses(), n.nackRetransmissionsLimited(), n.retransmissionBuildFailures(),
                n.tailProbesSent(), n.tailProbesLimited(), n.sourceNackedPackets(), n.sourceRetransmissionsReceived(),
                n.keyframeRequestsReceived(), n.keyframeRequestsForwarded(), n.keyframeRequestsSuppressed(),
                n.downlinkProbePaddingPackets(), n.ioThreadStalls(), n.nativeCopiesRefused(),
                n.retransmissionsPendingFromSource(), n.nacksBeforeLayerStart(), n.streamInfoRepeated(),
                n.downlinkProbes(), n.downlinkProbeClimbs(), n.untimedArrivalReportsReceived(),
                n.untimedArrivalReportsSent(), n.sessions(), n.publishers(), n.subscribers(), n.streams(),
                n.sourceRestarts(), n.sessionTakeoversHeld(), n.sessionTakeovers()));
    }

    @Test
    void tokenHeldRetransmissionAndAbuseCountsAreWritten() {
        String receive = HistoryCodec.encode(new HistoryRecord(1, receive()));
        assertTrue(receive.contains("\"tokenRefusals\":4,\"malformedDropped\":15,\"framesDropped\":16"), receive);
        String send = HistoryCodec.encode(new HistoryRecord(1, send()));
        assertTrue(send.contains("\"tokenRefusals\":6,\"malformedDropped\":17,\"framesDroppedNotConnected\":18,"
                + "\"framesRejected\":19"), send);
        String node = HistoryCodec.encode(new HistoryRecord(1, node()));
        assertTrue(node.contains("\"tokensAccepted\":130,\"tokensRejected\":7,\"tokensExpiredRoleKept\":3,"
                + "\"sourceRetransmissionsAlreadyHeld\":8,\"sourceProbesAlreadyHeld\":12,\"rateLimitedDropped\":13,"
                + "\"publisherRateLimited\":14,\"handlerFailures\":1,\"routabilityFailures\":21,\"halfOpenEvicted\":22,"
                + "\"halfOpenSessions\":23,\"amplificationSuppressed\":24,\"peerControlRateLimited\":25,"
                + "\"sessionsExpired\":26,\"fanOutLaneDropped\":27,\"handOffDropped\":28"), node);
    }

    @Test
    void nodeSwitchesAreWrittenPerReason() {
        String line = HistoryCodec.encode(new HistoryRecord(1, receive()));
        assertTrue(line.contains("\"nodeSwitchesDegradedPath\":3,\"nodeSwitchesNoPublisher\":2,"
                + "\"nodeSwitchesMediaSilence\":1"), line);
    }

    @Test
    void sendRecordOfAnEarlierVersion_itsStaleFrameCountIsReadAsTheBacklogDrops() {
        String line = HistoryCodec.encode(new HistoryRecord(1, send()));
        assertTrue(line.contains("\"framesDroppedBacklog\":9"), line);
        String earlier = line.replace("\"framesDroppedBacklog\"", "\"framesDroppedStale\"");
        assertEquals(9, HistoryCodec.decode(earlier).as(SendStreamStats.class).framesDroppedBacklog());
    }

    @Test
    void unknownValues_areWrittenAsNull() {
        String line = HistoryCodec.encode(new HistoryRecord(1, send()));
        assertTrue(line.contains("\"lastFeedbackReceivedNs\":null"), line);
        SendStreamStats back = HistoryCodec.decode(line).as(SendStreamStats.class);
        assertEquals(StatsTimes.NEVER, back.lastFeedbackReceivedNs());
        assertTrue(line.contains("\"type\":\"send\""));
    }

    @Test
    void missingOptionalFields_takeTheirUnknownValues_unknownFieldsAreIgnored() {
        HistoryRecord r = HistoryCodec.decode(
                "{\"type\":\"receive\",\"wallTimeMs\":5,\"streamId\":\"s\",\"timestampNs\":3,\"future\":[1,{}]}");
        ReceiveStreamStats s = r.as(ReceiveStreamStats.class);
        assertEquals(ReceiveStreamStats.builder("s").timestampNs(3).build(), s);
        assertEquals(HistoryRecord.Kind.RECEIVE_STATS, r.kind());
    }

    @Test
    void invalidRecords_areRejectedWithAReason() {
        String[] bad = {
            "{\"type\":\"receive\",\"wallTimeMs\":5,\"timestampNs\":3}",
            "{\"type\":\"receive\",\"wallTimeMs\":5,\"streamId\":\"s\",\"timestampNs\":3,\"jitterMs\":\"x\"}",
            "{\"type\":\"receive\",\"wallTimeMs\":5,\"streamId\":\"s\",\"timestampNs\":3,\"stallRate\":2}",
            "{\"type\":\"nope\",\"wallTimeMs\":5}",
            "{\"type\":\"alert\",\"wallTimeMs\":5,\"event\":\"RAISED\",\"incidentId\":1,\"ruleId\":\"r\","
                    + "\"severity\":\"P9\",\"timeNs\":1}",
            "{\"type\":\"node\",\"wallTimeMs\":5,\"nodeId\":\"n\",\"timestampNs\":1,\"viewersByStream\":{\"s\":-1}}",
            "{\"type\":\"receive\",\"wallTimeMs\":1.5,\"streamId\":\"s\",\"timestampNs\":3}",
            "[]",
        };
        for (String line : bad) {
            assertThrows(IllegalArgumentException.class, () -> HistoryCodec.decode(line), line);
        }
    }
}
