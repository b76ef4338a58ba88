package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smoothcast.stats.NodeStats;
import io.smoothcast.stats.NodeSwitchCounts;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.stats.SendStreamStats;
import io.smoothcast.transport.internal.relay.RelayCounter;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The stats sources copy every counter of the endpoints and the relay into the snapshot
 * operators see, each into its own field: each source counter has its own value here, so a copy
 * dropped (0) or swapped (another counter's value) fails.
 */
class StatsSourceCountsTest {

    @Test
    void broadcasterCounts_eachReachItsOwnField() {
        BroadcasterStats t = new BroadcasterStats(1, 2, 3, 4, 5, 6, 7, 8_000_000, 9, 10, 11, 12, 13, 14, 15, 16, 17,
                18, 19, new NodeSwitchCounts(20, 0, 0), 23, 24);
        SendStreamStats s = BroadcasterStatsSource.copyCounts(t, SendStreamStats.builder("s")).build();
        List<Long> expected = List.of(t.packetsSent(), t.bytesSent(), t.retransmissionsSent(), t.framesSent(),
                t.targetBitrateBps(), t.rttNs() / 1_000_000, t.tokenRefusals(), t.malformedDropped(),
                t.framesDroppedNotConnected(), t.framesRejected(), t.sendDelayMaxMs(), t.framesDroppedBacklog(),
                t.keyframeRequests(), t.packetsDroppedByPacer(), t.retransmissionsOverBudget(), t.tailProbesSent(),
                t.staleControlIgnored(), t.keyframeRequestsIgnored(), t.nodeSwitches().degradedPath());
        assertDistinctNonZero(expected);
        assertEquals(expected, List.of(s.packetsSent(), s.bytesSent(), s.retransmittedPacketsSent(),
                s.framesEncoded(), (long) s.targetBitrateBps(), (long) s.roundTripTimeMs(), s.tokenRefusals(),
                s.malformedDropped(), s.framesDroppedNotConnected(), s.framesRejected(), (long) s.sendDelayMaxMs(),
                s.framesDroppedBacklog(), s.keyframeRequestsReceived(), s.packetsDroppedByPacer(),
                s.retransmissionsOverBudget(), s.tailProbesSent(), s.staleControlIgnored(),
                s.keyframeRequestsIgnored(), s.nodeSwitches().degradedPath()));
    }

    @Test
    void viewerDiagnostics_eachReachItsOwnField() {
        ViewerStats t = new ViewerStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                NodeSwitchCounts.NONE, 21, 22);
        ReceiveStreamStats r = ViewerStatsSource.copyDiagnostics(t, ReceiveStreamStats.builder("s")).build();
        List<Long> expected = List.of(t.nacksSent(), t.keyframeRequestsSent(), t.staleControlIgnored(),
                t.earlyPacketsRecovered(), t.unknownTrackDropped());
        assertDistinctNonZero(expected);
        assertEquals(expected, List.of(r.nacksSent(), r.keyframeRequestsSent(), r.staleControlIgnored(),
                r.earlyPacketsRecovered(), r.unknownTrackDropped()));
    }

    @Test
    void relayCounts_eachReachItsOwnField() {
        // Random values from a fixed seed, not one bit each: the counters and the two counts kept
        // beside them outnumber a long's 64 bits. A sum of counters equalling another value would
        // be a chance of about 2^-50, and assertDistinctNonZero would show it, every run alike.
        SplittableRandom random = new SplittableRandom(17);
        long[] values = new long[RelayCounter.values().length];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextLong(1, 1L << 58);
        }
        RelayStats t = new RelayStats(values, random.nextLong(1, 1L << 58), random.nextLong(1, 1L << 58));
        NodeStats n = RelayStatsSource.copyCounts(t, NodeStats.builder("relay")).build();
        List<Long> expected = List.of(t.datagramsReceived(), t.packetsForwarded() + t.retransmissionsSent(),
                t.malformedDropped() + t.unsolicitedDropped(), t.tokensAccepted(), t.tokensRejected(),
                t.tokensExpiredRoleKept(), t.sourceRetransmissionsAlreadyHeld(), t.sourceProbesAlreadyHeld(),
                t.rateLimitedDropped(), t.publisherRateLimited(), t.handlerFailures(), t.routabilityFailures(),
                t.halfOpenEvicted(), t.halfOpenSessions(), t.amplificationSuppressed(), t.peerControlRateLimited(),
                t.sessionsExpired(), t.fanOutLaneDropped(), t.handOffDropped(), t.rtpReceived(), t.nackedPackets(),
                t.retransmissionMisses(), t.nackRetransmissionsLimited(), t.retransmissionBuildFailures(),
                t.tailProbesSent(), t.tailProbesLimited(), t.sourceNackedPackets(), t.sourceRetransmissionsReceived(),
                t.keyframeRequestsReceived(), t.keyframeRequestsForwarded(), t.keyframeRequestsSuppressed(),
                t.downlinkProbePaddingPackets(), t.ioThreadStalls(), t.nativeCopiesRefused(),
                t.retransmissionsPendingFromSource(), t.nacksBeforeLayerStart(), t.streamInfoRepeated(),
                t.downlinkProbes(), t.downlinkProbeClimbs(), t.untimedArrivalReportsReceived(),
                t.untimedArrivalReportsSent(), t.sessions(), t.publishers(), t.subscribers(), t.streams(),
                t.sourceRestarts(), t.sessionTakeoversHeld(), t.sessionTakeovers());
        assertDistinctNonZero(expected);
        assertEquals(expected, List.of(n.packetsReceived(), n.packetsSent(), n.packetsDropped(), n.tokensAccepted(),
                n.tokensRejected(), n.tokensExpiredRoleKept(), n.sourceRetransmissionsAlreadyHeld(),
                n.sourceProbesAlreadyHeld(), n.rateLimitedDropped(), n.publisherRateLimited(), n.handlerFailures(),
                n.routabilityFailures(), n.halfOpenEvicted(), n.halfOpenSessions(), n.amplificationSuppressed(),
                n.peerControlRateLimited(), n.sessionsExpired(), n.fanOutLaneDropped(), n.handOffDropped(),
                n.rtpReceived(), n.nackedPackets(), n.retransmissionMisses(), n.nackRetransmissionsLimited(),
                n.retransmissionBuildFailures(), n.tailProbesSent(), n.tailProbesLimited(), n.sourceNackedPackets(),
                n.sourceRetransmissionsReceived(), n.keyframeRequestsReceived(), n.keyframeRequestsForwarded(),
                n.keyframeRequestsSuppressed(), n.downlinkProbePaddingPackets(), n.ioThreadStalls(),
                n.nativeCopiesRefused(), n.retransmissionsPendingFromSource(), n.nacksBeforeLayerStart(),
                n.streamInfoRepeated(), n.downlinkProbes(), n.downlinkProbeClimbs(), n.untimedArrivalReportsReceived(),
                n.untimedArrivalReportsSent(), n.sessions(), n.publishers(), n.subscribers(), n.streams(),
                n.sourceRestarts(), n.sessionTakeoversHeld(), n.sessionTakeovers()));
    }

    private static void assertDistinctNonZero(List<Long> values) {
        assertEquals(values.size(), new HashSet<>(values).size(), "the fixture gives each counter its own value: " + values);
        assertEquals(-1, values.indexOf(0L), "no counter is 0 in the fixture: " + values);
    }
}
