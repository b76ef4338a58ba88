package io.smoothcast.stats;

import static io.smoothcast.stats.StatsChecks.requireCount;
import static io.smoothcast.stats.StatsChecks.requireFraction;
import static io.smoothcast.stats.StatsChecks.requireId;
import static io.smoothcast.stats.StatsChecks.requireMeasure;
import static io.smoothcast.stats.StatsChecks.requireStreamIdentity;

/**
 * Snapshot of one received stream at one endpoint (a viewer, or a relay ingesting from a
 * broadcaster): the W3C {@code RTCInboundRtpStreamStats} view, plus the loss left after
 * recovery, the end-to-end latency and the stall rate that operators grade quality by.
 *
 * <p>Counters ({@code packetsReceived}, {@code packetsLost}, ...) are cumulative since the stream
 * started at this endpoint. Interval values ({@code bitrateInBps}, the loss fractions,
 * {@code framesPerSecond}, {@code stallRate}) cover the sampling interval that ended at
 * {@code timestampNs}; {@link ReceiveStatsSampler} derives them from the counters. A
 * {@code double} that is {@link Double#NaN} was not measured.
 *
 * <p>Immutable record; thread-safe. Build with {@link #builder(String)}.
 *
 * @param timestampNs when the snapshot was taken, monotonic nanoseconds
 * @param streamId the stream's identifier; not empty
 * @param endpointId the measuring endpoint; "" when there is only one per stream
 * @param nodeId the node serving the endpoint; "" when unknown
 * @param region that node's region; "" when unknown
 * @param ssrc the RTP SSRC, or -1 when unknown or several
 * @param packetsReceived media packets received (W3C {@code packetsReceived}), cumulative
 * @param bytesReceived payload bytes received (W3C {@code bytesReceived}), cumulative
 * @param packetsLost packets lost on the network before any recovery (W3C {@code packetsLost}),
 *     cumulative
 * @param packetsLostAfterRecovery packets still missing when their frame was due for playout,
 *     after retransmission and FEC, cumulative; at most {@code packetsLost}
 * @param framesDecoded frames handed to the decoder (W3C {@code framesDecoded}), cumulative
 * @param lossFractionBeforeRecovery share of expected packets lost on the network in the
 *     interval, 0-1
 * @param lossFractionAfterRecovery share of expected packets still missing at playout in the
 *     interval, 0-1
 * @param bitrateInBps received bitrate over the interval, bits per second
 * @param framesPerSecond decoded frame rate over the interval (W3C {@code framesPerSecond})
 * @param jitterMs RTP interarrival jitter (RFC 3550 section 6.4.1, W3C {@code jitter}),
 *     milliseconds
 * @param roundTripTimeMs round-trip time to the serving node (W3C {@code roundTripTime}),
 *     milliseconds
 * @param endToEndLatencyMs capture-to-playout delay measured from the capture timestamp header
 *     extension, milliseconds
 * @param captureToReceiptLatencyMs capture-to-arrival delay of the stamped packets (the network,
 *     relays and sender queues, without the jitter buffer), milliseconds
 * @param jitterBufferDelayMs mean time a frame spent in the jitter buffer over the interval
 *     (W3C {@code jitterBufferDelay / jitterBufferEmittedCount}), milliseconds
 * @param freezeCount video freezes (W3C {@code freezeCount}), cumulative
 * @param totalFreezesDurationMs total time frozen (W3C {@code totalFreezesDuration}),
 *     milliseconds, cumulative
 * @param stallRate share of the interval spent frozen, 0-1
 * @param lastPacketReceivedNs when the last media packet arrived (W3C
 *     {@code lastPacketReceivedTimestamp}), monotonic nanoseconds, or {@link StatsTimes#NEVER}
 * @param failoverCount resumes on a node after losing every node, since the stream started at
 *     this endpoint (moves while the node still answered are in {@code nodeSwitches})
 * @param audioOnly true while the endpoint receives audio only (video fallback)
 * @param nodeSwitches moves to another node while the node still answered, per reason,
 *     cumulative (not in {@code failoverCount})
 * @param tokenRefusals refusals of the endpoint's current token by a node (UNAUTHORIZED,
 *     TOKEN_EXPIRED, FORBIDDEN), cumulative; a rise across many endpoints is the sign of mass
 *     token expiry or a key mix-up
 * @param malformedDropped datagrams the endpoint dropped as not understood, from an address it does not talk to, or numbered far ahead of their track (strays), cumulative
 * @param framesDropped frames the endpoint's jitter buffers gave up on (incomplete at their playout deadline, or dropped to make room; W3C framesDropped), cumulative
 * @param nacksSent NACK packets the endpoint sent to ask for retransmissions, cumulative
 * @param keyframeRequestsSent keyframe requests (PLI) the endpoint sent, cumulative
 * @param staleControlIgnored well-formed control messages from a node the endpoint no longer talks to, ignored (late answers), cumulative
 * @param earlyPacketsRecovered media packets that came before the node's track list naming their track, held and played once the list came, cumulative
 * @param unknownTrackDropped media packets for no track the node announced, or that waited too long for the track list, dropped, cumulative
 */
public record ReceiveStreamStats(
        long timestampNs,
        String streamId,
        String endpointId,
        String nodeId,
        String region,
        long ssrc,
        long packetsReceived,
        long bytesReceived,
        long packetsLost,
        long packetsLostAfterRecovery,
        long framesDecoded,
        double lossFractionBeforeRecovery,
        double lossFractionAfterRecovery,
        double bitrateInBps,
        double framesPerSecond,
        double jitterMs,
        double roundTripTimeMs,
        double endToEndLatencyMs,
        double captureToReceiptLatencyMs,
        double jitterBufferDelayMs,
        long freezeCount,
        long totalFreezesDurationMs,
        double stallRate,
        long lastPacketReceivedNs,
        long failoverCount,
        boolean audioOnly,
        NodeSwitchCounts nodeSwitches,
        long tokenRefusals,
        long malformedDropped,
        long framesDropped,
        long nacksSent,
        long keyframeRequestsSent,
        long staleControlIgnored,
        long earlyPacketsRecovered,
        long unknownTrackDropped) implements StreamStats {

    /**
     * Validates every component; see the class description for the ranges.
     *
     * @param timestampNs when the snapshot was taken, monotonic nanoseconds
     * @param streamId the stream's identifier; not empty
     * @param endpointId the measuring endpoint; "" when there is only one per stream
     * @param nodeId the node serving the endpoint; "" when unknown
     * @param region that node's region; "" when unknown
     * @param ssrc the RTP SSRC, or -1 when unknown or several
     * @param packetsReceived media packets received (W3C {@code packetsReceived}), cumulative
     * @param bytesReceived payload bytes received (W3C {@code bytesReceived}), cumulative
     * @param packetsLost packets lost on the network before any recovery (W3C {@code packetsLost}), cumulative
     * @param packetsLostAfterRecovery packets still missing when their frame was due for playout, after retransmission and FEC, cumulative; at most {@code packetsLost}
     * @param framesDecoded frames handed to the decoder (W3C {@code framesDecoded}), cumulative
     * @param lossFractionBeforeRecovery share of expected packets lost on the network in the interval, 0-1
     * @param lossFractionAfterRecovery share of expected packets still missing at playout in the interval, 0-1
     * @param bitrateInBps received bitrate over the interval, bits per second
     * @param framesPerSecond decoded frame rate over the interval (W3C {@code framesPerSecond})
     * @param jitterMs RTP interarrival jitter (RFC 3550 section 6.4.1, W3C {@code jitter}), milliseconds
     * @param roundTripTimeMs round-trip time to the serving node (W3C {@code roundTripTime}), milliseconds
     * @param endToEndLatencyMs capture-to-playout delay measured from the capture timestamp header extension, milliseconds
     * @param captureToReceiptLatencyMs capture-to-arrival delay of the stamped packets, milliseconds
     * @param jitterBufferDelayMs mean time a frame spent in the jitter buffer over the interval (W3C {@code jitterBufferDelay / jitterBufferEmittedCount}), milliseconds
     * @param freezeCount video freezes (W3C {@code freezeCount}), cumulative
     * @param totalFreezesDurationMs total time frozen (W3C {@code totalFreezesDuration}), milliseconds, cumulative
     * @param stallRate share of the interval spent frozen, 0-1
     * @param lastPacketReceivedNs when the last media packet arrived (W3C {@code lastPacketReceivedTimestamp}), monotonic nanoseconds, or {@link StatsTimes#NEVER}
     * @param failoverCount resumes on a node after losing every node, since the stream started at this endpoint
     * @param audioOnly true while the endpoint receives audio only (video fallback)
     * @param nodeSwitches moves to another node while the node still answered, per reason, cumulative; not null
     * @param tokenRefusals refusals of the endpoint's current token by a node, cumulative
     * @param malformedDropped datagrams the endpoint dropped as not understood, from an address it does not talk to, or numbered far ahead of their track (strays), cumulative
     * @param framesDropped frames the endpoint's jitter buffers gave up on (incomplete at their playout deadline, or dropped to make room; W3C framesDropped), cumulative
     * @param nacksSent NACK packets the endpoint sent to ask for retransmissions, cumulative
     * @param keyframeRequestsSent keyframe requests (PLI) the endpoint sent, cumulative
     * @param staleControlIgnored well-formed control messages from a node the endpoint no longer talks to, ignored (late answers), cumulative
     * @param earlyPacketsRecovered media packets that came before the node's track list naming their track, held and played once the list came, cumulative
     * @param unknownTrackDropped media packets for no track the node announced, or that waited too long for the track list, dropped, cumulative
     */
    public ReceiveStreamStats {
        requireStreamIdentity(streamId, endpointId, nodeId, region, ssrc);
        requireCount(packetsReceived, "packetsReceived");
        requireCount(bytesReceived, "bytesReceived");
        requireCount(packetsLost, "packetsLost");
        requireCount(packetsLostAfterRecovery, "packetsLostAfterRecovery");
        if (packetsLostAfterRecovery > packetsLost) {
            throw new IllegalArgumentException("packetsLostAfterRecovery (" + packetsLostAfterRecovery
                    + ") must not exceed packetsLost (" + packetsLost + ")");
        }
        requireCount(framesDecoded, "framesDecoded");
        requireFraction(lossFractionBeforeRecovery, "lossFractionBeforeRecovery");
        requireFraction(lossFractionAfterRecovery, "lossFractionAfterRecovery");
        requireMeasure(bitrateInBps, "bitrateInBps");
        requireMeasure(framesPerSecond, "framesPerSecond");
        requireMeasure(jitterMs, "jitterMs");
        requireMeasure(roundTripTimeMs, "roundTripTimeMs");
        requireMeasure(endToEndLatencyMs, "endToEndLatencyMs");
        requireMeasure(captureToReceiptLatencyMs, "captureToReceiptLatencyMs");
        requireMeasure(jitterBufferDelayMs, "jitterBufferDelayMs");
        requireCount(freezeCount, "freezeCount");
        requireCount(totalFreezesDurationMs, "totalFreezesDurationMs");
        requireFraction(stallRate, "stallRate");
        requireCount(failoverCount, "failoverCount");
        StatsChecks.requireNonNull(nodeSwitches, "nodeSwitches");
        requireCount(tokenRefusals, "tokenRefusals");
        requireCount(malformedDropped, "malformedDropped");
        requireCount(framesDropped, "framesDropped");
        requireCount(nacksSent, "nacksSent");
        requireCount(keyframeRequestsSent, "keyframeRequestsSent");
        requireCount(staleControlIgnored, "staleControlIgnored");
        requireCount(earlyPacketsRecovered, "earlyPacketsRecovered");
        requireCount(unknownTrackDropped, "unknownTrackDropped");
    }

    @Override
    public Direction direction() {
        return Direction.RECEIVE;
    }

    /**
     * Starts a snapshot of a stream; every measured value starts unknown (NaN), every counter at
     * 0, {@code lastPacketReceivedNs} at {@link StatsTimes#NEVER}.
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
        b.packetsReceived = packetsReceived;
        b.bytesReceived = bytesReceived;
        b.packetsLost = packetsLost;
        b.packetsLostAfterRecovery = packetsLostAfterRecovery;
        b.framesDecoded = framesDecoded;
        b.lossFractionBeforeRecovery = lossFractionBeforeRecovery;
        b.lossFractionAfterRecovery = lossFractionAfterRecovery;
        b.bitrateInBps = bitrateInBps;
        b.framesPerSecond = framesPerSecond;
        b.jitterMs = jitterMs;
        b.roundTripTimeMs = roundTripTimeMs;
        b.endToEndLatencyMs = endToEndLatencyMs;
        b.captureToReceiptLatencyMs = captureToReceiptLatencyMs;
        b.jitterBufferDelayMs = jitterBufferDelayMs;
        b.freezeCount = freezeCount;
        b.totalFreezesDurationMs = totalFreezesDurationMs;
        b.stallRate = stallRate;
        b.lastPacketReceivedNs = lastPacketReceivedNs;
        b.failoverCount = failoverCount;
        b.audioOnly = audioOnly;
        b.nodeSwitches = nodeSwitches;
        b.tokenRefusals = tokenRefusals;
        b.malformedDropped = malformedDropped;
        b.framesDropped = framesDropped;
        b.nacksSent = nacksSent;
        b.keyframeRequestsSent = keyframeRequestsSent;
        b.staleControlIgnored = staleControlIgnored;
        b.earlyPacketsRecovered = earlyPacketsRecovered;
        b.unknownTrackDropped = unknownTrackDropped;
        return b;
    }

    /**
     * Collects the values of a {@link ReceiveStreamStats}. Setters take the units of the record
     * components they name; {@link #build()} validates.
     *
     * <p>Not thread-safe; a builder may be reused (for example by a sampler, once per interval).
     */
    public static final class Builder {
        private final String streamId;
        private long timestampNs;
        private String endpointId = "";
        private String nodeId = "";
        private String region = "";
        private long ssrc = -1;
        private long packetsReceived;
        private long bytesReceived;
        private long packetsLost;
        private long packetsLostAfterRecovery;
        private long framesDecoded;
        private double lossFractionBeforeRecovery = Double.NaN;
        private double lossFractionAfterRecovery = Double.NaN;
        private double bitrateInBps = Double.NaN;
        private double framesPerSecond = Double.NaN;
        private double jitterMs = Double.NaN;
        private double roundTripTimeMs = Double.NaN;
        private double endToEndLatencyMs = Double.NaN;
        private double captureToReceiptLatencyMs = Double.NaN;
        private double jitterBufferDelayMs = Double.NaN;
        private long freezeCount;
        private long totalFreezesDurationMs;
        private double stallRate = Double.NaN;
        private long lastPacketReceivedNs = StatsTimes.NEVER;
        private long failoverCount;
        private boolean audioOnly;
        private NodeSwitchCounts nodeSwitches = NodeSwitchCounts.NONE;
        private long tokenRefusals;
        private long malformedDropped;
        private long framesDropped;
        private long nacksSent;
        private long keyframeRequestsSent;
        private long staleControlIgnored;
        private long earlyPacketsRecovered;
        private long unknownTrackDropped;

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
         * @param v serving node
         * @return this builder
         */
        public Builder nodeId(String v) { nodeId = v; return this; }
        /**
         * @param v serving node's region
         * @return this builder
         */
        public Builder region(String v) { region = v; return this; }
        /**
         * @param v RTP SSRC or -1
         * @return this builder
         */
        public Builder ssrc(long v) { ssrc = v; return this; }
        /**
         * @param v cumulative packets received
         * @return this builder
         */
        public Builder packetsReceived(long v) { packetsReceived = v; return this; }
        /**
         * @param v cumulative bytes received
         * @return this builder
         */
        public Builder bytesReceived(long v) { bytesReceived = v; return this; }
        /**
         * @param v cumulative packets lost before recovery
         * @return this builder
         */
        public Builder packetsLost(long v) { packetsLost = v; return this; }
        /**
         * @param v cumulative packets missing at playout
         * @return this builder
         */
        public Builder packetsLostAfterRecovery(long v) { packetsLostAfterRecovery = v; return this; }
        /**
         * @param v cumulative frames decoded
         * @return this builder
         */
        public Builder framesDecoded(long v) { framesDecoded = v; return this; }
        /**
         * @param v interval loss before recovery, 0-1
         * @return this builder
         */
        public Builder lossFractionBeforeRecovery(double v) { lossFractionBeforeRecovery = v; return this; }
        /**
         * @param v interval loss after recovery, 0-1
         * @return this builder
         */
        public Builder lossFractionAfterRecovery(double v) { lossFractionAfterRecovery = v; return this; }
        /**
         * @param v interval bitrate, bits per second
         * @return this builder
         */
        public Builder bitrateInBps(double v) { bitrateInBps = v; return this; }
        /**
         * @param v interval frame rate, frames per second
         * @return this builder
         */
        public Builder framesPerSecond(double v) { framesPerSecond = v; return this; }
        /**
         * @param v interarrival jitter, ms
         * @return this builder
         */
        public Builder jitterMs(double v) { jitterMs = v; return this; }
        /**
         * @param v round-trip time, ms
         * @return this builder
         */
        public Builder roundTripTimeMs(double v) { roundTripTimeMs = v; return this; }
        /**
         * @param v capture-to-playout latency, ms
         * @return this builder
         */
        public Builder endToEndLatencyMs(double v) { endToEndLatencyMs = v; return this; }
        /**
         * @param v capture-to-arrival latency, ms
         * @return this builder
         */
        public Builder captureToReceiptLatencyMs(double v) { captureToReceiptLatencyMs = v; return this; }
        /**
         * @param v mean jitter buffer delay, ms
         * @return this builder
         */
        public Builder jitterBufferDelayMs(double v) { jitterBufferDelayMs = v; return this; }
        /**
         * @param v cumulative freezes
         * @return this builder
         */
        public Builder freezeCount(long v) { freezeCount = v; return this; }
        /**
         * @param v cumulative frozen time, ms
         * @return this builder
         */
        public Builder totalFreezesDurationMs(long v) { totalFreezesDurationMs = v; return this; }
        /**
         * @param v share of the interval frozen, 0-1
         * @return this builder
         */
        public Builder stallRate(double v) { stallRate = v; return this; }
        /**
         * @param v last media arrival, monotonic ns, or {@link StatsTimes#NEVER}
         * @return this builder
         */
        public Builder lastPacketReceivedNs(long v) { lastPacketReceivedNs = v; return this; }
        /**
         * @param v failovers so far
         * @return this builder
         */
        public Builder failoverCount(long v) { failoverCount = v; return this; }
        /**
         * @param v true while receiving audio only
         * @return this builder
         */
        public Builder audioOnly(boolean v) { audioOnly = v; return this; }
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
         * @param v datagrams the endpoint dropped as not understood, from an address it does not talk to, or numbered far ahead of their track (strays), cumulative
         * @return this builder
         */
        public Builder malformedDropped(long v) { malformedDropped = v; return this; }
        /**
         * @param v frames the endpoint's jitter buffers gave up on (incomplete at their playout deadline, or dropped to make room; W3C framesDropped), cumulative
         * @return this builder
         */
        public Builder framesDropped(long v) { framesDropped = v; return this; }
        /**
         * @param v NACK packets the endpoint sent to ask for retransmissions, cumulative
         * @return this builder
         */
        public Builder nacksSent(long v) { nacksSent = v; return this; }
        /**
         * @param v keyframe requests (PLI) the endpoint sent, cumulative
         * @return this builder
         */
        public Builder keyframeRequestsSent(long v) { keyframeRequestsSent = v; return this; }
        /**
         * @param v well-formed control messages from a node the endpoint no longer talks to, ignored (late answers), cumulative
         * @return this builder
         */
        public Builder staleControlIgnored(long v) { staleControlIgnored = v; return this; }
        /**
         * @param v media packets that came before the node's track list naming their track, held and played once the list came, cumulative
         * @return this builder
         */
        public Builder earlyPacketsRecovered(long v) { earlyPacketsRecovered = v; return this; }
        /**
         * @param v media packets for no track the node announced, or that waited too long for the track list, dropped, cumulative
         * @return this builder
         */
        public Builder unknownTrackDropped(long v) { unknownTrackDropped = v; return this; }

        long bytesReceived() { return bytesReceived; }
        long packetsReceived() { return packetsReceived; }
        long packetsLost() { return packetsLost; }
        long packetsLostAfterRecovery() { return packetsLostAfterRecovery; }
        long framesDecoded() { return framesDecoded; }
        long totalFreezesDurationMs() { return totalFreezesDurationMs; }

        /**
         * @return the snapshot
         * @throws IllegalArgumentException if a value is out of range (the message names it)
         */
        public ReceiveStreamStats build() {
            return new ReceiveStreamStats(timestampNs, streamId, endpointId, nodeId, region, ssrc,
                    packetsReceived, bytesReceived, packetsLost, packetsLostAfterRecovery, framesDecoded,
                    lossFractionBeforeRecovery, lossFractionAfterRecovery, bitrateInBps, framesPerSecond,
                    jitterMs, roundTripTimeMs, endToEndLatencyMs, captureToReceiptLatencyMs, jitterBufferDelayMs, freezeCount,
                    totalFreezesDurationMs, stallRate, lastPacketReceivedNs, failoverCount, audioOnly,
                    nodeSwitches, tokenRefusals,
                    malformedDropped, framesDropped, nacksSent, keyframeRequestsSent, staleControlIgnored, earlyPacketsRecovered, unknownTrackDropped);
        }
    }
}
