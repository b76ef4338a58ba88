package io.smoothcast.stats;

import static io.smoothcast.stats.StatsChecks.requireCount;
import static io.smoothcast.stats.StatsChecks.requireFraction;
import static io.smoothcast.stats.StatsChecks.requireId;
import static io.smoothcast.stats.StatsChecks.requireMeasure;
import static io.smoothcast.stats.StatsChecks.requireStreamIdentity;

/**
 * Snapshot of one sent stream at one endpoint (a broadcaster, or a relay forwarding to a
 * subscriber): the W3C {@code RTCOutboundRtpStreamStats} view joined with what the receiver
 * reports back ({@code RTCRemoteInboundRtpStreamStats}: loss, jitter, round-trip time), plus the
 * congestion controller's target bitrate.
 *
 * <p>Counters are cumulative since the stream started at this endpoint; interval values
 * ({@code bitrateOutBps}, {@code lossFraction}, {@code framesPerSecond}) cover the sampling
 * interval that ended at {@code timestampNs} ({@link SendStatsSampler} derives the rates). A
 * {@code double} that is {@link Double#NaN} was not measured.
 *
 * <p>Immutable record; thread-safe. Build with {@link #builder(String)}.
 *
 * @param timestampNs when the snapshot was taken, monotonic nanoseconds
 * @param streamId the stream's identifier; not empty
 * @param endpointId the measuring endpoint; "" when there is only one per stream
 * @param nodeId the node the endpoint sends to; "" when unknown
 * @param region that node's region; "" when unknown
 * @param ssrc the RTP SSRC, or -1 when unknown or several
 * @param packetsSent media packets sent, retransmissions excluded (W3C {@code packetsSent}),
 *     cumulative
 * @param bytesSent payload bytes sent (W3C {@code bytesSent}), cumulative
 * @param retransmittedPacketsSent retransmitted packets (W3C {@code retransmittedPacketsSent}),
 *     cumulative
 * @param framesEncoded frames encoded (W3C {@code framesEncoded}), cumulative
 * @param packetsLost packets the receiver reported lost (W3C remote-inbound {@code packetsLost}),
 *     cumulative
 * @param lossFraction the receiver's latest fraction lost (W3C {@code fractionLost}), 0-1
 * @param bitrateOutBps sent bitrate over the interval, bits per second
 * @param targetBitrateBps the congestion controller's current target (W3C
 *     {@code targetBitrate}), bits per second
 * @param framesPerSecond encoded frame rate over the interval (W3C {@code framesPerSecond})
 * @param jitterMs the receiver's reported interarrival jitter, milliseconds
 * @param roundTripTimeMs round-trip time from RTCP (W3C {@code roundTripTime}), milliseconds
 * @param lastFeedbackReceivedNs when the last receiver report or feedback arrived, monotonic
 *     nanoseconds, or {@link StatsTimes#NEVER}
 * @param failoverCount resumes on a node after losing every node, since the stream started at
 *     this endpoint (moves while the node still answered are in {@code nodeSwitches})
 * @param audioOnly true while the endpoint sends audio only (video fallback)
 * @param sendDelayMaxMs a broadcaster's own send backlog: the longest time, over the last one to
 *     two seconds, from a frame handed to it to one of that frame's packets leaving its pacer,
 *     milliseconds; NaN when not measured (a relay)
 * @param framesDroppedBacklog frames a broadcaster dropped whole because it could not send them
 *     in time: they had waited longer than its send-delay limit, or its pacer had no room for
 *     them, and the video frames dropped behind either until a keyframe; cumulative
 * @param nodeSwitches moves to another node while the node still answered, per reason,
 *     cumulative (not in {@code failoverCount})
 * @param tokenRefusals refusals of the endpoint's current token by a node (UNAUTHORIZED,
 *     TOKEN_EXPIRED, FORBIDDEN), cumulative; a rise across many endpoints is the sign of mass
 *     token expiry or a key mix-up
 * @param malformedDropped datagrams from the node the endpoint could not understand, dropped, cumulative
 * @param framesDroppedNotConnected frames dropped because the broadcaster was not connected (yet, or during an outage) or was closed with them queued, cumulative
 * @param framesRejected frames the application handed in that the broadcaster refused because its send queue was full, cumulative
 * @param keyframeRequestsReceived keyframe requests received from the node, cumulative
 * @param packetsDroppedByPacer packets dropped because the pacer's queue was full (retransmissions, and the packets of frames dropped whole), cumulative
 * @param retransmissionsOverBudget NACKed packets and tail loss probes not resent because the retransmissions of the last second had used up their budget, cumulative
 * @param tailProbesSent tail loss probes sent (a quiet track's newest packet resent as RTX), cumulative
 * @param staleControlIgnored well-formed control messages from a node the endpoint no longer talks to, ignored (late answers), cumulative
 * @param keyframeRequestsIgnored keyframe requests (PLI) received from the node naming no video track of the broadcaster (its audio or message track, or an unknown SSRC), not passed on to the application, cumulative
 */
public record SendStreamStats(
        long timestampNs,
        String streamId,
        String endpointId,
        String nodeId,
        String region,
        long ssrc,
        long packetsSent,
        long bytesSent,
        long retransmittedPacketsSent,
        long framesEncoded,
        long packetsLost,
        double lossFraction,
        double bitrateOutBps,
        double targetBitrateBps,
        double framesPerSecond,
        double jitterMs,
        double roundTripTimeMs,
        long lastFeedbackReceivedNs,
        long failoverCount,
        boolean audioOnly,
        double sendDelayMaxMs,
        long framesDroppedBacklog,
        NodeSwitchCounts nodeSwitches,
        long tokenRefusals,
        long malformedDropped,
        long framesDroppedNotConnected,
        long framesRejected,
        long keyframeRequestsReceived,
        long packetsDroppedByPacer,
        long retransmissionsOverBudget,
        long tailProbesSent,
        long staleControlIgnored,
        long keyframeRequestsIgnored) implements StreamStats {

    /**
     * Validates every component; see the class description for the ranges.
     *
     * @param timestampNs when the snapshot was taken, monotonic nanoseconds
     * @param streamId the stream's identifier; not empty
     * @param endpointId the measuring endpoint; "" when there is only one per stream
     * @param nodeId the node the endpoint sends to; "" when unknown
     * @param region that node's region; "" when unknown
     * @param ssrc the RTP SSRC, or -1 when unknown or several
     * @param packetsSent media packets sent, retransmissions excluded (W3C {@code packetsSent}), cumulative
     * @param bytesSent payload bytes sent (W3C {@code bytesSent}), cumulative
     * @param retransmittedPacketsSent retransmitted packets (W3C {@code retransmittedPacketsSent}), cumulative
     * @param framesEncoded frames encoded (W3C {@code framesEncoded}), cumulative
     * @param packetsLost packets the receiver reported lost (W3C remote-inbound {@code packetsLost}), cumulative
     * @param lossFraction the receiver's latest fraction lost (W3C {@code fractionLost}), 0-1
     * @param bitrateOutBps sent bitrate over the interval, bits per second
     * @param targetBitrateBps the congestion controller's current target (W3C {@code targetBitrate}), bits per second
     * @param framesPerSecond encoded frame rate over the interval (W3C {@code framesPerSecond})
     * @param jitterMs the receiver's reported interarrival jitter, milliseconds
     * @param roundTripTimeMs round-trip time from RTCP (W3C {@code roundTripTime}), milliseconds
     * @param lastFeedbackReceivedNs when the last receiver report or feedback arrived, monotonic nanoseconds, or {@link StatsTimes#NEVER}
     * @param failoverCount resumes on a node after losing every node, since the stream started at this endpoint
     * @param audioOnly true while the endpoint sends audio only (video fallback)
     * @param sendDelayMaxMs a broadcaster's own send backlog, milliseconds; NaN when not measured
     * @param framesDroppedBacklog frames a broadcaster dropped for their age or for a full pacer (and
     *     video behind them), cumulative
     * @param nodeSwitches moves to another node while the node still answered, per reason, cumulative; not null
     * @param tokenRefusals refusals of the endpoint's current token by a node, cumulative
     * @param malformedDropped datagrams from the node the endpoint could not understand, dropped, cumulative
     * @param framesDroppedNotConnected frames dropped because the broadcaster was not connected (yet, or during an outage) or was closed with them queued, cumulative
     * @param framesRejected frames the application handed in that the broadcaster refused because its send queue was full, cumulative
     * @param keyframeRequestsReceived keyframe requests received from the node, cumulative
     * @param packetsDroppedByPacer packets dropped because the pacer's queue was full (retransmissions, and the packets of frames dropped whole), cumulative
     * @param retransmissionsOverBudget NACKed packets and tail loss probes not resent because the retransmissions of the last second had used up their budget, cumulative
     * @param tailProbesSent tail loss probes sent (a quiet track's newest packet resent as RTX), cumulative
     * @param staleControlIgnored well-formed control messages from a node the endpoint no longer talks to, ignored (late answers), cumulative
     * @param keyframeRequestsIgnored keyframe requests (PLI) received from the node naming no video track of the broadcaster (its audio or message track, or an unknown SSRC), not passed on to the application, cumulative
     */
    public SendStreamStats {
        requireStreamIdentity(streamId, endpointId, nodeId, region, ssrc);
        requireCount(packetsSent, "packetsSent");
        requireCount(bytesSent, "bytesSent");
        requireCount(retransmittedPacketsSent, "retransmittedPacketsSent");
        requireCount(framesEncoded, "framesEncoded");
        requireCount(packetsLost, "packetsLost");
        requireFraction(lossFraction, "lossFraction");
        requireMeasure(bitrateOutBps, "bitrateOutBps");
        requireMeasure(targetBitrateBps, "targetBitrateBps");
        requireMeasure(framesPerSecond, "framesPerSecond");
        requireMeasure(jitterMs, "jitterMs");
        requireMeasure(roundTripTimeMs, "roundTripTimeMs");
        requireCount(failoverCount, "failoverCount");
        requireMeasure(sendDelayMaxMs, "sendDelayMaxMs");
        requireCount(framesDroppedBacklog, "framesDroppedBacklog");
        StatsChecks.requireNonNull(nodeSwitches, "nodeSwitches");
        requireCount(tokenRefusals, "tokenRefusals");
        requireCount(malformedDropped, "malformedDropped");
        requireCount(framesDroppedNotConnected, "framesDroppedNotConnected");
        requireCount(framesRejected, "framesRejected");
        requireCount(keyframeRequestsReceived, "keyframeRequestsReceived");
        requireCount(packetsDroppedByPacer, "packetsDroppedByPacer");
        requireCount(retransmissionsOverBudget, "retransmissionsOverBudget");
        requireCount(tailProbesSent, "tailProbesSent");
        requireCount(staleControlIgnored, "staleControlIgnored");
        requireCount(keyframeRequestsIgnored, "keyframeRequestsIgnored");
    }

    @Override
    public Direction direction() {
        return Direction.SEND;
    }

    /**
     * Starts a snapshot of a stream; measured values start unknown (NaN), counters at 0,
     * {@code lastFeedbackReceivedNs} at {@link StatsTimes#NEVER}.
     *
     * @param streamId the stream's identifier; not empty
     * @return a new builder
     */
    public static Builder builder(String streamId) {
        return new Builder(requireId(streamId, "streamId"));
    }

    /** @return a builder holding every value of this snapshot */
    public Builder toBuilder() {
        Builder b = new Builder(streamId);
        b.timestampNs = timestampNs;
        b.endpointId = endpointId;
        b.nodeId = nodeId;
        b.region = region;
        b.ssrc = ssrc;
        b.packetsSent = packetsSent;
        b.bytesSent = bytesSent;
        b.retransmittedPacketsSent = retransmittedPacketsSent;
        b.framesEncoded = framesEncoded;
        b.packetsLost = packetsLost;
        b.lossFraction = lossFraction;
        b.bitrateOutBps = bitrateOutBps;
        b.targetBitrateBps = targetBitrateBps;
        b.framesPerSecond = framesPerSecond;
        b.jitterMs = jitterMs;
        b.roundTripTimeMs = roundTripTimeMs;
        b.lastFeedbackReceivedNs = lastFeedbackReceivedNs;
        b.failoverCount = failoverCount;
        b.audioOnly = audioOnly;
        b.sendDelayMaxMs = sendDelayMaxMs;
        b.framesDroppedBacklog = framesDroppedBacklog;
        b.nodeSwitches = nodeSwitches;
        b.tokenRefusals = tokenRefusals;
        b.malformedDropped = malformedDropped;
        b.framesDroppedNotConnected = framesDroppedNotConnected;
        b.framesRejected = framesRejected;
        b.keyframeRequestsReceived = keyframeRequestsReceived;
        b.packetsDroppedByPacer = packetsDroppedByPacer;
        b.retransmissionsOverBudget = retransmissionsOverBudget;
        b.tailProbesSent = tailProbesSent;
        b.staleControlIgnored = staleControlIgnored;
        b.keyframeRequestsIgnored = keyframeRequestsIgnored;
        return b;
    }

    /**
     * Collects the values of a {@link SendStreamStats}. Setters take the units of the record
     * components they name; {@link #build()} validates.
     *
     * <p>Not thread-safe; may be reused.
     */
    public static final class Builder {
        private final String streamId;
        private long timestampNs;
        private String endpointId = "";
        private String nodeId = "";
        private String region = "";
        private long ssrc = -1;
        private long packetsSent;
        private long bytesSent;
        private long retransmittedPacketsSent;
        private long framesEncoded;
        private long packetsLost;
        private double lossFraction = Double.NaN;
        private double bitrateOutBps = Double.NaN;
        private double targetBitrateBps = Double.NaN;
        private double framesPerSecond = Double.NaN;
        private double jitterMs = Double.NaN;
        private double roundTripTimeMs = Double.NaN;
        private long lastFeedbackReceivedNs = StatsTimes.NEVER;
        private long failoverCount;
        private boolean audioOnly;
        private double sendDelayMaxMs = Double.NaN;
        private long framesDroppedBacklog;
        private NodeSwitchCounts nodeSwitches = NodeSwitchCounts.NONE;
        private long tokenRefusals;
        private long malformedDropped;
        private long framesDroppedNotConnected;
        private long framesRejected;
        private long keyframeRequestsReceived;
        private long packetsDroppedByPacer;
        private long retransmissionsOverBudget;
        private long tailProbesSent;
        private long staleControlIgnored;
        private long keyframeRequestsIgnored;

        private Builder(String streamId) {
            this.streamId = streamId;
        }

        /**
         * @param v snapshot instant, monotonic ns
         * @return this builder
         */
        public Builder timestampNs(long v) { timestampNs = v; return this; }
        /**
         * @param v measuring endpoint
         * @return this builder
         */
        public Builder endpointId(String v) { endpointId = v; return this; }
        /**
         * @param v node sent to
         * @return this builder
         */
        public Builder nodeId(String v) { nodeId = v; return this; }
        /**
         * @param v that node's region
         * @return this builder
         */
        public Builder region(String v) { region = v; return this; }
        /**
         * @param v RTP SSRC or -1
         * @return this builder
         */
        public Builder ssrc(long v) { ssrc = v; return this; }
        /**
         * @param v cumulative packets sent
         * @return this builder
         */
        public Builder packetsSent(long v) { packetsSent = v; return this; }
        /**
         * @param v cumulative bytes sent
         * @return this builder
         */
        public Builder bytesSent(long v) { bytesSent = v; return this; }
        /**
         * @param v cumulative retransmissions
         * @return this builder
         */
        public Builder retransmittedPacketsSent(long v) { retransmittedPacketsSent = v; return this; }
        /**
         * @param v cumulative frames encoded
         * @return this builder
         */
        public Builder framesEncoded(long v) { framesEncoded = v; return this; }
        /**
         * @param v cumulative packets reported lost
         * @return this builder
         */
        public Builder packetsLost(long v) { packetsLost = v; return this; }
        /**
         * @param v reported fraction lost, 0-1
         * @return this builder
         */
        public Builder lossFraction(double v) { lossFraction = v; return this; }
        /**
         * @param v interval bitrate, bits per second
         * @return this builder
         */
        public Builder bitrateOutBps(double v) { bitrateOutBps = v; return this; }
        /**
         * @param v target bitrate, bits per second
         * @return this builder
         */
        public Builder targetBitrateBps(double v) { targetBitrateBps = v; return this; }
        /**
         * @param v interval frame rate
         * @return this builder
         */
        public Builder framesPerSecond(double v) { framesPerSecond = v; return this; }
        /**
         * @param v reported jitter, ms
         * @return this builder
         */
        public Builder jitterMs(double v) { jitterMs = v; return this; }
        /**
         * @param v round-trip time, ms
         * @return this builder
         */
        public Builder roundTripTimeMs(double v) { roundTripTimeMs = v; return this; }
        /**
         * @param v last feedback arrival, monotonic ns, or {@link StatsTimes#NEVER}
         * @return this builder
         */
        public Builder lastFeedbackReceivedNs(long v) { lastFeedbackReceivedNs = v; return this; }
        /**
         * @param v failovers so far
         * @return this builder
         */
        public Builder failoverCount(long v) { failoverCount = v; return this; }
        /**
         * @param v true while sending audio only
         * @return this builder
         */
        public Builder audioOnly(boolean v) { audioOnly = v; return this; }

        /**
         * @param v a broadcaster's own send backlog, milliseconds
         * @return this builder
         */
        public Builder sendDelayMaxMs(double v) { sendDelayMaxMs = v; return this; }

        /**
         * @param v frames dropped for their age (and video behind them), cumulative
         * @return this builder
         */
        public Builder framesDroppedBacklog(long v) { framesDroppedBacklog = v; return this; }

        /**
         * @param v moves while the node still answered, per reason, cumulative
         * @return this builder
         */
        public Builder nodeSwitches(NodeSwitchCounts v) { nodeSwitches = v; return this; }

        /**
         * @param v refusals of the endpoint's current token by a node, cumulative
         * @return this builder
         */
        public Builder tokenRefusals(long v) { tokenRefusals = v; return this; }
        /**
         * @param v datagrams from the node the endpoint could not understand, dropped, cumulative
         * @return this builder
         */
        public Builder malformedDropped(long v) { malformedDropped = v; return this; }
        /**
         * @param v frames dropped because the broadcaster was not connected (yet, or during an outage) or was closed with them queued, cumulative
         * @return this builder
         */
        public Builder framesDroppedNotConnected(long v) { framesDroppedNotConnected = v; return this; }
        /**
         * @param v frames the application handed in that the broadcaster refused because its send queue was full, cumulative
         * @return this builder
         */
        public Builder framesRejected(long v) { framesRejected = v; return this; }
        /**
         * @param v keyframe requests received from the node, cumulative
         * @return this builder
         */
        public Builder keyframeRequestsReceived(long v) { keyframeRequestsReceived = v; return this; }
        /**
         * @param v packets dropped because the pacer's queue was full (retransmissions, and the packets of frames dropped whole), cumulative
         * @return this builder
         */
        public Builder packetsDroppedByPacer(long v) { packetsDroppedByPacer = v; return this; }
        /**
         * @param v NACKed packets and tail loss probes not resent because the retransmissions of the last second had used up their budget, cumulative
         * @return this builder
         */
        public Builder retransmissionsOverBudget(long v) { retransmissionsOverBudget = v; return this; }
        /**
         * @param v tail loss probes sent (a quiet track's newest packet resent as RTX), cumulative
         * @return this builder
         */
        public Builder tailProbesSent(long v) { tailProbesSent = v; return this; }
        /**
         * @param v well-formed control messages from a node the endpoint no longer talks to, ignored (late answers), cumulative
         * @return this builder
         */
        public Builder staleControlIgnored(long v) { staleControlIgnored = v; return this; }
        /**
         * @param v keyframe requests (PLI) received from the node naming no video track of the broadcaster (its audio or message track, or an unknown SSRC), not passed on to the application, cumulative
         * @return this builder
         */
        public Builder keyframeRequestsIgnored(long v) { keyframeRequestsIgnored = v; return this; }

        long bytesSent() { return bytesSent; }
        long framesEncoded() { return framesEncoded; }

        /**
         * @return the snapshot
         * @throws IllegalArgumentException if a value is out of range (the message names it)
         */
        public SendStreamStats build() {
            return new SendStreamStats(timestampNs, streamId, endpointId, nodeId, region, ssrc,
                    packetsSent, bytesSent, retransmittedPacketsSent, framesEncoded, packetsLost,
                    lossFraction, bitrateOutBps, targetBitrateBps, framesPerSecond, jitterMs,
                    roundTripTimeMs, lastFeedbackReceivedNs, failoverCount, audioOnly, sendDelayMaxMs,
                    framesDroppedBacklog, nodeSwitches, tokenRefusals,
                    malformedDropped, framesDroppedNotConnected, framesRejected, keyframeRequestsReceived, packetsDroppedByPacer, retransmissionsOverBudget, tailProbesSent, staleControlIgnored,
                    keyframeRequestsIgnored);
        }
    }
}
