package io.smoothcast.transport;

import io.smoothcast.alert.Subject;
import io.smoothcast.stats.Direction;
import io.smoothcast.stats.SendStatsSampler;
import io.smoothcast.stats.SendStreamStats;
import io.smoothcast.stats.StatsTimes;
import io.smoothcast.transport.internal.client.BroadcasterEngine;
import java.util.function.Consumer;

/**
 * Turns a {@link Broadcaster}'s counters into {@link SendStreamStats} snapshots for
 * {@link OpsMonitor}, reading only its single-writer counters. Receiver-reported loss and jitter
 * are not carried to the broadcaster yet and stay unknown (NaN). {@code lastFeedbackReceivedNs}
 * has the resolution of the sampling interval: the sample time at which the count of
 * transport-cc feedback packets was last seen to move.
 *
 * <p>Not thread-safe: used by the monitor's sampling thread only.
 */
final class BroadcasterStatsSource {

    final Broadcaster broadcaster;
    final Subject subject;
    private final SendStatsSampler sampler;
    private final SendStreamStats.Builder counters;
    private long lastFeedbackCount = 0;
    private long lastFeedbackNs = StatsTimes.NEVER;
    /** The first move not logged yet; moves from before the watch began are not logged. */
    private long nextSwitch;

    BroadcasterStatsSource(Broadcaster broadcaster, Subject subject, long intervalNs) {
        this.broadcaster = broadcaster;
        this.nextSwitch = broadcaster.switchLog.end();
        this.subject = subject;
        this.sampler = new SendStatsSampler(intervalNs);
        this.counters = SendStreamStats.builder(subject.streamId())
                .endpointId(subject.endpointId())
                .nodeId(subject.nodeId())
                .region(subject.region());
    }

    SendStreamStats sample(long nowNs) {
        BroadcasterStats totals = broadcaster.stats();
        BroadcasterEngine engine = broadcaster.engineForStats();
        long feedback = engine == null ? 0 : engine.counters().get(BroadcasterEngine.TRANSPORT_FEEDBACK_RECEIVED);
        if (feedback != lastFeedbackCount) {
            lastFeedbackCount = feedback;
            lastFeedbackNs = nowNs;
        }
        copyCounts(totals, counters)
                .lastFeedbackReceivedNs(lastFeedbackNs)
                .failoverCount(broadcaster.failoverCount())
                .audioOnly(engine != null && engine.counters().get(BroadcasterEngine.AUDIO_ONLY) != 0);
        return sampler.sample(counters, nowNs);
    }

    /** Copies what {@code totals} holds as it is (counts, target, round trip) into {@code b}. */
    static SendStreamStats.Builder copyCounts(BroadcasterStats totals, SendStreamStats.Builder b) {
        return b.packetsSent(totals.packetsSent())
                .bytesSent(totals.bytesSent())
                .retransmittedPacketsSent(totals.retransmissionsSent())
                .framesEncoded(totals.framesSent())
                .targetBitrateBps(totals.targetBitrateBps())
                .roundTripTimeMs(totals.rttNs() > 0 ? totals.rttNs() / 1e6 : Double.NaN)
                .nodeSwitches(totals.nodeSwitches())
                .tokenRefusals(totals.tokenRefusals())
                .malformedDropped(totals.malformedDropped())
                .framesDroppedNotConnected(totals.framesDroppedNotConnected())
                .framesRejected(totals.framesRejected())
                .sendDelayMaxMs(totals.sendDelayMaxMs())
                .framesDroppedBacklog(totals.framesDroppedBacklog())
                .keyframeRequestsReceived(totals.keyframeRequests())
                .packetsDroppedByPacer(totals.packetsDroppedByPacer())
                .retransmissionsOverBudget(totals.retransmissionsOverBudget())
                .tailProbesSent(totals.tailProbesSent())
                .staleControlIgnored(totals.staleControlIgnored())
                .keyframeRequestsIgnored(totals.keyframeRequestsIgnored());
    }

    /** Hands the broadcaster's moves between nodes since the last call to {@code sink}. */
    void switches(long nowNs, Consumer<NodeSwitchEvent> sink) {
        nextSwitch = broadcaster.switchLog.readFrom(nextSwitch, nowNs, Direction.SEND, subject, sink);
    }
}
