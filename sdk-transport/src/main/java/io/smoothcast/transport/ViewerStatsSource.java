package io.smoothcast.transport;

import io.smoothcast.alert.Subject;
import io.smoothcast.stats.Direction;
import io.smoothcast.stats.IntervalCounter;
import io.smoothcast.stats.ReceiveStatsSampler;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.transport.internal.client.ViewerEngine;
import io.smoothcast.transport.internal.client.ViewerMediaTotals;
import java.util.function.Consumer;

/**
 * Turns a {@link Viewer}'s counters into {@link ReceiveStreamStats} snapshots for
 * {@link OpsMonitor}. Reads only what the viewer already publishes for other threads (single-writer
 * counters and the jitter buffers' statistics), so the media path is not touched.
 *
 * <p>Loss before recovery is estimated as the packets given up at playout plus the
 * retransmissions received (each one repaired a packet the network lost). The end-to-end latency
 * is the interval's mean capture-to-playout latency and the capture-to-receipt latency that of the
 * stamped packets' arrivals (from the abs-capture-time stamps, see {@link ViewerStats}); each is NaN
 * in an interval without a measurement. The jitter, jitter-buffer delay and latencies are the
 * video's, the audio's in an audio-only stream; a stream of messages only has none of them (NaN,
 * not measured). The freezes and their duration are the video's only, as in {@link ViewerStats}
 * (0 without video, and so is the stall rate).
 * {@code lastPacketReceivedNs} has the resolution of the sampling interval: it is the sample time
 * at which the packet counter was last seen to move.
 *
 * <p>Not thread-safe: used by the monitor's sampling thread only.
 */
final class ViewerStatsSource {

    final Viewer viewer;
    final Subject subject;
    private final ReceiveStatsSampler sampler;
    private final ReceiveStreamStats.Builder counters;
    private final ViewerMediaTotals media = new ViewerMediaTotals();
    private final IntervalCounter bufferDelayUs = new IntervalCounter();
    private final IntervalCounter emittedFrames = new IntervalCounter();
    private final IntervalCounter latencyTotalNs = new IntervalCounter();
    private final IntervalCounter latencyFrames = new IntervalCounter();
    private final IntervalCounter receiptTotalNs = new IntervalCounter();
    private final IntervalCounter receiptPackets = new IntervalCounter();
    private long lastPacketsReceived = -1;
    private long lastPacketNs = io.smoothcast.stats.StatsTimes.NEVER;
    /** The first move not logged yet; moves from before the watch began are not logged. */
    private long nextSwitch;

    ViewerStatsSource(Viewer viewer, Subject subject, long intervalNs) {
        this.viewer = viewer;
        this.nextSwitch = viewer.switchLog.end();
        this.subject = subject;
        this.sampler = new ReceiveStatsSampler(intervalNs);
        this.counters = ReceiveStreamStats.builder(subject.streamId())
                .endpointId(subject.endpointId())
                .nodeId(subject.nodeId())
                .region(subject.region());
    }

    ReceiveStreamStats sample(long nowNs) {
        ViewerStats totals = viewer.stats();
        ViewerEngine engine = viewer.engineForStats();
        long bytes = 0;
        long delaySumUs = 0;
        long emitted = 0;
        double jitterMs = Double.NaN;
        if (engine != null) {
            // By the rule Viewer.stats() reads the buffers with: the video's figures, the audio's
            // in an audio-only stream, none in a stream of messages only.
            media.read(engine);
            bytes = media.bytesReceived();
            delaySumUs = media.jitterBufferDelayUs();
            emitted = media.emittedFrames();
            jitterMs = media.jitterSeconds() * 1000;
        }
        long firstTransmissions = Math.max(0, totals.packetsReceived() - totals.retransmissionsReceived());
        if (totals.packetsReceived() != lastPacketsReceived) {
            if (lastPacketsReceived >= 0 || totals.packetsReceived() > 0) {
                lastPacketNs = nowNs;
            }
            lastPacketsReceived = totals.packetsReceived();
        }
        boolean delayMeasured = bufferDelayUs.update(delaySumUs, nowNs);
        emittedFrames.update(emitted, nowNs);
        double bufferDelayMs = delayMeasured && emittedFrames.delta() > 0
                ? bufferDelayUs.delta() / 1000.0 / emittedFrames.delta()
                : Double.NaN;
        boolean latencyMeasured = latencyTotalNs.update(totals.totalEndToEndLatencyNs(), nowNs);
        latencyFrames.update(totals.endToEndLatencyCount(), nowNs);
        double latencyMs = latencyMeasured && latencyFrames.delta() > 0
                ? latencyTotalNs.delta() / 1e6 / latencyFrames.delta()
                : Double.NaN;
        boolean receiptMeasured = receiptTotalNs.update(totals.totalReceiptLatencyNs(), nowNs);
        receiptPackets.update(totals.receiptLatencyCount(), nowNs);
        double receiptMs = receiptMeasured && receiptPackets.delta() > 0
                ? receiptTotalNs.delta() / 1e6 / receiptPackets.delta()
                : Double.NaN;
        counters.packetsReceived(firstTransmissions)
                .bytesReceived(bytes)
                .packetsLost(totals.packetsLost() + totals.retransmissionsReceived())
                .packetsLostAfterRecovery(totals.packetsLost())
                .framesDecoded(totals.framesDelivered())
                .jitterMs(nonNegative(jitterMs))
                .roundTripTimeMs(totals.rttNs() > 0 ? totals.rttNs() / 1e6 : Double.NaN)
                .jitterBufferDelayMs(bufferDelayMs)
                .endToEndLatencyMs(latencyMs)
                .captureToReceiptLatencyMs(receiptMs)
                .failoverCount(totals.failoverCount())
                .nodeSwitches(totals.nodeSwitches())
                .tokenRefusals(totals.tokenRefusals())
                .malformedDropped(totals.malformedDropped())
                .framesDropped(totals.framesDropped())
                .freezeCount(totals.freezeCount())
                .totalFreezesDurationMs(totals.totalFreezesDurationNs() / 1_000_000)
                .lastPacketReceivedNs(lastPacketNs);
        copyDiagnostics(totals, counters);
        return sampler.sample(counters, nowNs);
    }

    /**
     * Copies the counters kept for diagnosis (repair requests sent, late control messages ignored,
     * early or unknown media packets) into {@code b}.
     */
    static ReceiveStreamStats.Builder copyDiagnostics(ViewerStats totals, ReceiveStreamStats.Builder b) {
        return b.nacksSent(totals.nacksSent())
                .keyframeRequestsSent(totals.keyframeRequestsSent())
                .staleControlIgnored(totals.staleControlIgnored())
                .earlyPacketsRecovered(totals.earlyPacketsRecovered())
                .unknownTrackDropped(totals.unknownTrackDropped());
    }

    /** Hands the viewer's moves between nodes since the last call to {@code sink}. */
    void switches(long nowNs, Consumer<NodeSwitchEvent> sink) {
        nextSwitch = viewer.switchLog.readFrom(nextSwitch, nowNs, Direction.RECEIVE, subject, sink);
    }

    private static double nonNegative(double v) {
        return v < 0 ? Double.NaN : v;
    }
}
