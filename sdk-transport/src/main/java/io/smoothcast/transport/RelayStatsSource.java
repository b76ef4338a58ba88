package io.smoothcast.transport;

import io.smoothcast.stats.IntervalCounter;
import io.smoothcast.stats.NodeStats;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Turns a {@link RelayNode}'s counters and audience into {@link NodeStats} snapshots for
 * {@link OpsMonitor}. The viewer counts are copied on the node's I/O thread (one small task per
 * sample); if that thread does not answer within {@link #VIEWERS_WAIT_MS} the previous counts are
 * reused, so a busy node delays no one.
 *
 * <p>Not thread-safe: used by the monitor's sampling thread only.
 */
final class RelayStatsSource {

    static final long VIEWERS_WAIT_MS = 200;

    final RelayNode node;
    final String nodeId;
    final String region;
    private final IntervalCounter bytesIn = new IntervalCounter();
    private final IntervalCounter bytesOut = new IntervalCounter();
    private Map<String, Integer> viewers = Map.of();

    RelayStatsSource(RelayNode node, String nodeId, String region) {
        this.node = node;
        this.nodeId = nodeId;
        this.region = region;
    }

    NodeStats sample(long nowNs) {
        RelayStats totals = node.stats();
        try {
            viewers = node.viewersByStream().get(VIEWERS_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // keep the previous counts: the next sample tries again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean measured = bytesIn.update(totals.bytesReceived(), nowNs);
        bytesOut.update(totals.bytesForwarded(), nowNs);
        NodeStats.Builder b = copyCounts(totals, NodeStats.builder(nodeId))
                .timestampNs(nowNs)
                .region(region)
                .bitrateInBps(measured ? bytesIn.perSecond() * 8 : Double.NaN)
                .bitrateOutBps(measured ? bytesOut.perSecond() * 8 : Double.NaN);
        for (Map.Entry<String, Integer> e : viewers.entrySet()) {
            if (!e.getKey().isEmpty()) {
                b.viewers(e.getKey(), e.getValue());
            }
        }
        return b.build();
    }

    /** Copies the node's counts and gauges (all but the rates and the audience) into {@code b}. */
    static NodeStats.Builder copyCounts(RelayStats totals, NodeStats.Builder b) {
        return b.packetsReceived(totals.datagramsReceived())
                .packetsSent(totals.packetsForwarded() + totals.retransmissionsSent())
                .packetsDropped(totals.malformedDropped() + totals.unsolicitedDropped())
                .tokensAccepted(totals.tokensAccepted())
                .tokensRejected(totals.tokensRejected())
                .tokensExpiredRoleKept(totals.tokensExpiredRoleKept())
                .sourceRetransmissionsAlreadyHeld(totals.sourceRetransmissionsAlreadyHeld())
                .sourceProbesAlreadyHeld(totals.sourceProbesAlreadyHeld())
                .rateLimitedDropped(totals.rateLimitedDropped())
                .publisherRateLimited(totals.publisherRateLimited())
                .handlerFailures(totals.handlerFailures())
                .routabilityFailures(totals.routabilityFailures())
                .halfOpenEvicted(totals.halfOpenEvicted())
                .halfOpenSessions(totals.halfOpenSessions())
                .amplificationSuppressed(totals.amplificationSuppressed())
                .peerControlRateLimited(totals.peerControlRateLimited())
                .sessionsExpired(totals.sessionsExpired())
                .fanOutLaneDropped(totals.fanOutLaneDropped())
                .handOffDropped(totals.handOffDropped())
                .rtpReceived(totals.rtpReceived())
                .nackedPackets(totals.nackedPackets())
                .retransmissionMisses(totals.retransmissionMisses())
                .nackRetransmissionsLimited(totals.nackRetransmissionsLimited())
                .retransmissionBuildFailures(totals.retransmissionBuildFailures())
                .tailProbesSent(totals.tailProbesSent())
                .tailProbesLimited(totals.tailProbesLimited())
                .sourceNackedPackets(totals.sourceNackedPackets())
                .sourceRetransmissionsReceived(totals.sourceRetransmissionsReceived())
                .keyframeRequestsReceived(totals.keyframeRequestsReceived())
                .keyframeRequestsForwarded(totals.keyframeRequestsForwarded())
                .keyframeRequestsSuppressed(totals.keyframeRequestsSuppressed())
                .downlinkProbePaddingPackets(totals.downlinkProbePaddingPackets())
                .ioThreadStalls(totals.ioThreadStalls())
                .nativeCopiesRefused(totals.nativeCopiesRefused())
                .retransmissionsPendingFromSource(totals.retransmissionsPendingFromSource())
                .nacksBeforeLayerStart(totals.nacksBeforeLayerStart())
                .streamInfoRepeated(totals.streamInfoRepeated())
                .downlinkProbes(totals.downlinkProbes())
                .downlinkProbeClimbs(totals.downlinkProbeClimbs())
                .untimedArrivalReportsReceived(totals.untimedArrivalReportsReceived())
                .untimedArrivalReportsSent(totals.untimedArrivalReportsSent())
                .sessions(totals.sessions())
                .publishers(totals.publishers())
                .subscribers(totals.subscribers())
                .streams(totals.streams())
                .sourceRestarts(totals.sourceRestarts())
                .sessionTakeoversHeld(totals.sessionTakeoversHeld())
                .sessionTakeovers(totals.sessionTakeovers());
    }
}
