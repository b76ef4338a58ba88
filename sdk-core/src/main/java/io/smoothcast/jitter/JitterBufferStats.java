package io.smoothcast.jitter;

/**
 * A snapshot of a jitter buffer's counters, named after the W3C webrtc-stats
 * {@code RTCInboundRtpStreamStats} members where one exists. Durations are offered in seconds
 * (as W3C reports them) and in nanoseconds.
 *
 * <p>Filled by {@link SpscJitterBuffer#readStats(JitterBufferStats)}. The producer's counters
 * (packets, NACK, jitter, delay target) are one consistent snapshot and the consumer's counters
 * (frames, loss, buffer delay, freezes) are another; the two are read one after the other, so
 * across the two groups a packet may be counted by one side and not yet by the other. The
 * producer publishes its counters once per frame (at the frame's last packet, or the next
 * packet of another timestamp), not per packet: see
 * {@link SpscJitterBuffer#readStats(JitterBufferStats)} for how fresh a snapshot is.
 *
 * <p>Not thread-safe: one instance per reading thread; reuse it to avoid allocation.
 */
public final class JitterBufferStats {

    // Producer-side counter indices.
    static final int P_PACKETS_RECEIVED = 0;
    static final int P_BYTES_RECEIVED = 1;
    static final int P_DUPLICATED = 2;
    static final int P_REORDERED = 3;
    static final int P_DISCARDED_LATE = 4;
    static final int P_DISCARDED_OVERFLOW = 5;
    static final int P_INVALID = 6;
    static final int P_IGNORED_JUMPS = 7;
    static final int P_STREAM_RESTARTS = 8;
    static final int P_NACK_COUNT = 9;
    static final int P_NACKED_PACKETS = 10;
    static final int P_JITTER_NS = 11;
    static final int P_TARGET_DELAY_NS = 12;
    static final int P_PLAYOUT_DELAY_NS = 13;
    static final int PRODUCER_COUNTERS = 14;

    // Consumer-side counter indices.
    static final int C_FRAMES_RECEIVED = 0;
    static final int C_FRAMES_DROPPED = 1;
    static final int C_PACKETS_LOST = 2;
    static final int C_PACKETS_DROPPED = 3;
    static final int C_PACKETS_FLUSHED = 4;
    static final int C_PACKETS_EMITTED = 5;
    static final int C_DELAY_SUM_NS = 6;
    static final int C_TARGET_SUM_NS = 7;
    static final int C_FREEZES = 8;
    static final int C_FREEZES_NS = 9;
    static final int C_PAUSES = 10;
    static final int C_PAUSES_NS = 11;
    static final int C_FLUSHES = 12;
    static final int CONSUMER_COUNTERS = 13;

    private static final double NS_PER_SECOND = 1e9;

    private final long[] producer = new long[PRODUCER_COUNTERS];
    private final long[] consumer = new long[CONSUMER_COUNTERS];
    private long keyframeRequests;

    /** Creates an empty snapshot (all zero). */
    public JitterBufferStats() {
    }

    long[] producerValues() {
        return producer;
    }

    long[] consumerValues() {
        return consumer;
    }

    void keyframeRequests(long value) {
        keyframeRequests = value;
    }

    /** @return W3C packetsReceived: every packet offered, duplicates, late and invalid ones included */
    public long packetsReceived() {
        return producer[P_PACKETS_RECEIVED];
    }

    /** @return payload bytes of the packets counted in {@link #packetsReceived()} */
    public long bytesReceived() {
        return producer[P_BYTES_RECEIVED];
    }

    /** @return W3C packetsLost: sequence numbers given up without ever arriving in time */
    public long packetsLost() {
        return consumer[C_PACKETS_LOST];
    }

    /**
     * @return W3C packetsDiscarded: packets that arrived but were thrown away because they were
     *     late ({@link #packetsDiscardedLate()}) or did not fit ({@link #packetsDiscardedOverflow()})
     */
    public long packetsDiscarded() {
        return packetsDiscardedLate() + packetsDiscardedOverflow();
    }

    /** @return packets that arrived after their playout deadline */
    public long packetsDiscardedLate() {
        return producer[P_DISCARDED_LATE];
    }

    /**
     * @return packets rejected because the buffer was full, plus held packets dropped when the
     *     buffer made room
     */
    public long packetsDiscardedOverflow() {
        return producer[P_DISCARDED_OVERFLOW] + consumer[C_PACKETS_FLUSHED];
    }

    /** @return packets held but dropped because their frame could not be completed in time */
    public long packetsDroppedIncomplete() {
        return consumer[C_PACKETS_DROPPED];
    }

    /** @return packets rejected as invalid (payload too large, timestamp off the timeline) */
    public long packetsInvalid() {
        return producer[P_INVALID];
    }

    /** @return packets whose sequence number was already held or delivered (e.g. redundant paths) */
    public long packetsDuplicated() {
        return producer[P_DUPLICATED];
    }

    /** @return packets that arrived behind a higher sequence number (reordered or retransmitted) */
    public long packetsReordered() {
        return producer[P_REORDERED];
    }

    /** @return packets ignored as an unconfirmed large sequence jump (RFC 3550 A.1) */
    public long packetsIgnoredJump() {
        return producer[P_IGNORED_JUMPS];
    }

    /** @return how often the stream restarted (SSRC change or confirmed sequence jump) */
    public long streamRestarts() {
        return producer[P_STREAM_RESTARTS];
    }

    /** @return W3C nackCount: NACK requests handed to the transport (calls that returned numbers) */
    public long nackCount() {
        return producer[P_NACK_COUNT];
    }

    /** @return sequence numbers requested in all NACKs, retries included */
    public long nackedPackets() {
        return producer[P_NACKED_PACKETS];
    }

    /** @return W3C jitter: RFC 3550 interarrival jitter, in seconds */
    public double jitterSeconds() {
        return producer[P_JITTER_NS] / NS_PER_SECOND;
    }

    /** @return the target delay the buffer steers to now, above the path's base delay, in ns */
    public long targetDelayNs() {
        return producer[P_TARGET_DELAY_NS];
    }

    /** @return the playout delay applied now (moves towards the target at a bounded rate), in ns */
    public long playoutDelayNs() {
        return producer[P_PLAYOUT_DELAY_NS];
    }

    /**
     * @return W3C jitterBufferDelay: summed over emitted frames, the time from the first packet's
     *     arrival to the frame leaving the buffer, in seconds
     */
    public double jitterBufferDelaySeconds() {
        return consumer[C_DELAY_SUM_NS] / NS_PER_SECOND;
    }

    /** @return W3C jitterBufferTargetDelay: the target delay summed over emitted frames, in seconds */
    public double jitterBufferTargetDelaySeconds() {
        return consumer[C_TARGET_SUM_NS] / NS_PER_SECOND;
    }

    /** @return W3C jitterBufferEmittedCount: frames that left the buffer */
    public long jitterBufferEmittedCount() {
        return consumer[C_FRAMES_RECEIVED];
    }

    /** @return packets that left the buffer inside emitted frames */
    public long packetsEmitted() {
        return consumer[C_PACKETS_EMITTED];
    }

    /** @return W3C framesReceived: complete frames assembled and delivered */
    public long framesReceived() {
        return consumer[C_FRAMES_RECEIVED];
    }

    /**
     * @return W3C framesDropped: frames given up (incomplete at their deadline, or dropped to make
     *     room); counted by distinct timestamps among the held packets, at least one per gap
     */
    public long framesDropped() {
        return consumer[C_FRAMES_DROPPED];
    }

    /**
     * The buffer classifies the gaps between whatever frames it delivers; W3C defines freezes and
     * pauses for video only. In an audio buffer the same gaps are loss concealment or an encoder's
     * discontinuous transmission (silence sent sparsely), which no W3C counter calls a freeze.
     *
     * @return W3C freezeCount: inter-frame intervals >= max(3 x average, average + 150 ms)
     */
    public long freezeCount() {
        return consumer[C_FREEZES];
    }

    /** @return W3C totalFreezesDuration, in seconds (see {@link #freezeCount()}) */
    public double totalFreezesDurationSeconds() {
        return consumer[C_FREEZES_NS] / NS_PER_SECOND;
    }

    /** @return W3C totalFreezesDuration, in nanoseconds (see {@link #freezeCount()}) */
    public long totalFreezesDurationNs() {
        return consumer[C_FREEZES_NS];
    }

    /** @return W3C pauseCount: inter-frame intervals of 5 s or more (see {@link #freezeCount()}) */
    public long pauseCount() {
        return consumer[C_PAUSES];
    }

    /** @return W3C totalPausesDuration, in seconds */
    public double totalPausesDurationSeconds() {
        return consumer[C_PAUSES_NS] / NS_PER_SECOND;
    }

    /** @return how often the buffer dropped its oldest content to make room */
    public long overflowFlushes() {
        return consumer[C_FLUSHES];
    }

    /** @return keyframe requests (PLI) raised because a frame could not be completed */
    public long keyframeRequests() {
        return keyframeRequests;
    }

    @Override
    public String toString() {
        return "JitterBufferStats[packetsReceived=" + packetsReceived() + ", packetsLost=" + packetsLost()
                + ", packetsDiscarded=" + packetsDiscarded() + ", packetsDuplicated=" + packetsDuplicated()
                + ", packetsReordered=" + packetsReordered() + ", nackCount=" + nackCount()
                + ", jitter=" + jitterSeconds() + " s, targetDelay=" + targetDelayNs() / 1_000_000 + " ms"
                + ", framesReceived=" + framesReceived() + ", framesDropped=" + framesDropped()
                + ", freezeCount=" + freezeCount() + ", pauseCount=" + pauseCount() + "]";
    }
}
