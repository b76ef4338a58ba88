package io.smoothcast.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotTest {

    @Test
    void receiveBuilder_defaultsAreUnknownAndNever() {
        ReceiveStreamStats s = ReceiveStreamStats.builder("live").build();
        assertEquals("", s.endpointId());
        assertEquals(-1, s.ssrc());
        assertTrue(Double.isNaN(s.roundTripTimeMs()));
        assertEquals(StatsTimes.NEVER, s.lastPacketReceivedNs());
        assertEquals(Direction.RECEIVE, s.direction());
    }

    @Test
    void toBuilder_roundTripsEveryValue() {
        ReceiveStreamStats s = ReceiveStreamStats.builder("live").timestampNs(5).endpointId("v1").nodeId("n1")
                .region("eu").ssrc(0xFFFF_FFFFL).packetsReceived(9).bytesReceived(900).packetsLost(3)
                .packetsLostAfterRecovery(1).framesDecoded(4).lossFractionBeforeRecovery(0.25)
                .lossFractionAfterRecovery(0.1).bitrateInBps(8e5).framesPerSecond(25).jitterMs(4)
                .roundTripTimeMs(120).endToEndLatencyMs(900).jitterBufferDelayMs(200).freezeCount(2)
                .totalFreezesDurationMs(300).stallRate(0.02).lastPacketReceivedNs(4).failoverCount(1)
                .audioOnly(true).build();
        assertEquals(s, s.toBuilder().build());
        SendStreamStats t = SendStreamStats.builder("live").timestampNs(5).endpointId("b").nodeId("n")
                .region("us").ssrc(7).packetsSent(10).bytesSent(1000).retransmittedPacketsSent(1)
                .framesEncoded(5).packetsLost(2).lossFraction(0.2).bitrateOutBps(1e6).targetBitrateBps(1.2e6)
                .framesPerSecond(30).jitterMs(2).roundTripTimeMs(80).lastFeedbackReceivedNs(3).failoverCount(0)
                .audioOnly(false).build();
        assertEquals(t, t.toBuilder().build());
    }

    @Test
    void outOfRangeValues_areRejectedNamingTheComponent() {
        assertMessage("lossFractionBeforeRecovery",
                () -> ReceiveStreamStats.builder("s").lossFractionBeforeRecovery(1.5).build());
        assertMessage("jitterMs", () -> ReceiveStreamStats.builder("s").jitterMs(-1).build());
        assertMessage("packetsLostAfterRecovery",
                () -> ReceiveStreamStats.builder("s").packetsLost(1).packetsLostAfterRecovery(2).build());
        assertMessage("streamId", () -> ReceiveStreamStats.builder(""));
        assertMessage("ssrc", () -> SendStreamStats.builder("s").ssrc(1L << 32).build());
        assertMessage("roundTripTimeMs",
                () -> SendStreamStats.builder("s").roundTripTimeMs(Double.POSITIVE_INFINITY).build());
        assertMessage("viewersByStream", () -> NodeStats.builder("n").viewers("s", -1).build());
    }

    @Test
    void streamIdentity_isCheckedTheSameInBothDirections() {
        assertMessage("endpointId", () -> ReceiveStreamStats.builder("s").endpointId(null).build());
        assertMessage("nodeId", () -> SendStreamStats.builder("s").nodeId(null).build());
        assertMessage("region", () -> ReceiveStreamStats.builder("s").region(null).build());
        assertMessage("region", () -> SendStreamStats.builder("s").region(null).build());
        assertMessage("ssrc", () -> ReceiveStreamStats.builder("s").ssrc(-2).build());
        assertMessage("streamId", () -> SendStreamStats.builder(""));
    }

    @Test
    void nodeStats_sumsViewersAndIsImmutable() {
        NodeStats n = NodeStats.builder("n1").region("ap").viewers("b", 3).viewers("a", 4).build();
        assertEquals(7, n.concurrentViewers());
        assertEquals(4, n.viewers("a"));
        assertEquals(0, n.viewers("zz"));
        assertEquals(Map.of("a", 4, "b", 3), n.viewersByStream());
        assertEquals("a", n.viewersByStream().keySet().iterator().next());
        assertThrows(UnsupportedOperationException.class, () -> n.viewersByStream().put("c", 1));
    }

    @Test
    void totalViewersByStream_addsUpOverNodes() {
        NodeStats eu = NodeStats.builder("eu-1").viewers("a", 4).viewers("b", 1).build();
        NodeStats ap = NodeStats.builder("ap-1").viewers("a", 6).build();
        assertEquals(Map.of("a", 10L, "b", 1L), NodeStats.totalViewersByStream(java.util.List.of(eu, ap)));
    }

    @Test
    void ageNs_handlesNeverAndFuture() {
        assertEquals(Long.MAX_VALUE, StatsTimes.ageNs(StatsTimes.NEVER, 5));
        assertEquals(0, StatsTimes.ageNs(10, 5));
        assertEquals(5, StatsTimes.ageNs(5, 10));
    }

    private static void assertMessage(String name, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(name), ex.getMessage());
    }
}
