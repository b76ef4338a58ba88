package io.smoothcast.jitter;

import io.smoothcast.jitter.internal.FreezeDetector;
import io.smoothcast.jitter.internal.NackTracker;
import io.smoothcast.jitter.internal.PayloadChunkPool;
import io.smoothcast.jitter.internal.PlayoutDelayEstimator;
import io.smoothcast.jitter.internal.SeqLockedCounters;
import io.smoothcast.jitter.internal.SpscSlotRing;
import io.smoothcast.rtp.SequenceUnwrapper;
import io.smoothcast.rtp.TimestampUnwrapper;

/**
 * A jitter buffer for one RTP stream, for exactly one producer thread (the I/O thread that
 * receives the stream) and one consumer thread (the playout thread): lock-free between the two
 * and allocation-free per packet.
 *
 * <h2>Producer thread</h2>
 * {@link #offer} copies each packet's payload into pre-allocated memory and stores the packet in
 * a slot of a power-of-two ring indexed by extended sequence number; {@link #offerBorrowed} keeps
 * the payload where it is instead (see Memory). 16-bit sequence wrap, timestamp wrap, reordering and
 * duplicates (for instance the same packet over two redundant paths) are handled; a large
 * sequence jump confirmed by the next packet (RFC 3550 A.1), or a new SSRC, restarts the stream
 * cleanly. Missing numbers become NACK requests, collected with {@link #pollNacks(long, int[])};
 * {@link #rttNs(long)} tunes their retry schedule and, in adaptive mode, adds one round trip of
 * headroom to the playout delay. {@link #pollKeyframeRequest()} tells when to send a PLI.
 *
 * <h2>Consumer thread</h2>
 * {@link #poll(long, FrameHandler)} delivers complete frames in sequence order, each once its
 * playout time has come. Packets become frames by RTP timestamp and marker bit, and a
 * {@link FrameCompletenessCheck} decides completeness. When the frame at the head cannot be
 * completed and a later complete frame is due, the missing packets are given up (counted as lost,
 * like SRT's too-late drop), the consumer moves on and a keyframe request is raised.
 *
 * <h2>Policies</h2>
 * <ul>
 *   <li>Late packet (its frame was already played or given up): discarded and counted
 *       ({@link OfferResult#LATE}).</li>
 *   <li>Full buffer (a packet {@code capacity} or more numbers ahead of the consumer, because
 *       playout stalled or a burst of loss exceeds the ring): the packet is discarded
 *       ({@link OfferResult#OVERFLOW}) and the consumer is asked to drop its oldest packets so
 *       that newer ones fit again; the producer never blocks. When the packet is a ring's length
 *       or more beyond every packet held (a forward gap wider than the ring, or a playout stall
 *       of more than two ring lengths), everything below it is dropped, so the packets after it
 *       fit at once. The dropped frames are counted and a keyframe is requested.</li>
 *   <li>Stream start and restart: frames of the old numbering still held play out normally; a
 *       boundary follows them in the ring (gaps before it, and a frame it cuts short, are given up
 *       at once, since they can never fill), then room for the new stream's packets that were
 *       sent before its first arrival but arrive after it. The new stream's first frame is taken
 *       to start at its lowest held packet once that packet's playout time comes, unless the
 *       numbering of the same SSRC restarted and that packet carries the timestamp of the old
 *       numbering's highest packet: then it is the tail of a frame the restart cut, and is given
 *       up. Its media timeline is re-anchored on the current base delay so the playout delay
 *       carries over. Packets that still arrive from the previous SSRC, or, after a restart of
 *       the same SSRC, retransmissions of the old numbering's packets (a timestamp no later than
 *       its highest packet's), are discarded as late.</li>
 * </ul>
 *
 * <h2>Memory</h2>
 * Payloads are copied into the buffer's own pooled memory ({@code capacity x maxPayloadBytes}
 * bytes, allocated once), in chunks reused most recently released first, so that the memory
 * written per packet stays about the size of the packets in flight. A {@link JitterFrame} handed to {@link FrameHandler#onFrame} points into
 * that memory and is valid only until {@code onFrame} returns; nothing needs to be returned.
 *
 * <p>Borrowed payloads skip that copy: {@link #offerBorrowed} stores a reference to the caller's
 * array together with an owner object, and the buffer owns that memory from an accepted offer
 * until it passes the owner to the {@link PayloadReleaser} set with
 * {@link Builder#payloadReleaser}, exactly once, on the consumer thread: right after the frame's
 * {@code onFrame} returned, or when the packet is given up. The frame reads such a payload with
 * {@link JitterFrame#payloadArray(int)}, valid, like every frame view, only during
 * {@code onFrame}. Both kinds of offer may be mixed in one buffer. After handing an owner back the
 * buffer never reads that array or owner again, but keeps the references in the packet's slot
 * until the slot is reused (at most {@code capacityPackets} packets later), so they stay
 * reachable until then.
 *
 * <h2>Thread-safety</h2>
 * {@code offer}, {@code offerBorrowed}, {@code pollNacks}, {@code pollKeyframeRequest} and
 * {@code rttNs} must be called from one producer thread; {@code poll} (and with it the
 * {@link PayloadReleaser}) from one consumer thread (it may be the same thread);
 * {@link #readStats(JitterBufferStats)} and {@link #keyframeRequestCount()} from any thread.
 * Statistics are published under per-side sequence locks, so readers never see torn values and
 * never slow the producer or consumer; the producer publishes once per frame, not per packet
 * (see {@link #readStats(JitterBufferStats)} for how fresh a snapshot is).
 */
public final class SpscJitterBuffer {

    /** Default number of packet slots. */
    public static final int DEFAULT_CAPACITY_PACKETS = 1024;
    /** Default bytes reserved per packet (a typical MTU-sized payload). */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1500;
    /** Default RTP clock rate (video). */
    public static final int DEFAULT_CLOCK_RATE_HZ = 90_000;
    /** Default fixed-mode latency, GStreamer rtpjitterbuffer's default. */
    public static final int DEFAULT_FIXED_DELAY_MS = 200;
    /** Default lowest adaptive delay. */
    public static final int DEFAULT_MIN_DELAY_MS = 0;
    /** Default highest adaptive delay. */
    public static final int DEFAULT_MAX_DELAY_MS = 1000;
    /** Default adaptive starting delay, used until enough packets were measured. */
    public static final int DEFAULT_INITIAL_DELAY_MS = 100;
    /** Default limit on how fast the playout delay changes, in ms per second. */
    public static final int DEFAULT_MAX_DELAY_CHANGE_MS_PER_SECOND = 100;
    /** Default fraction of relative delays the adaptive target covers. */
    public static final double DEFAULT_DELAY_QUANTILE = 0.98;
    /** Default histogram forget factor per packet. */
    public static final double DEFAULT_FORGET_FACTOR = 0.9995;
    /** Default NACK retry limit per sequence number. */
    public static final int DEFAULT_NACK_MAX_RETRIES = 10;
    /** Default wait before a missing number is first requested (normal reordering). */
    public static final int DEFAULT_NACK_REORDER_WAIT_MS = 5;
    /** Default shortest interval between two requests of one number. */
    public static final int DEFAULT_NACK_MIN_RETRY_INTERVAL_MS = 20;
    /** Default most missing numbers tracked for NACK. */
    public static final int DEFAULT_NACK_LIST_CAPACITY = 512;

    /** {@link #playoutTimeNs(int)} while the buffer holds no packet. */
    public static final long NO_PLAYOUT_TIME = Long.MIN_VALUE;

    private static final long NS_PER_MS = 1_000_000L;
    private static final long NS_PER_SECOND = 1_000_000_000L;
    private static final long BUCKET_WIDTH_NS = 2 * NS_PER_MS;
    private static final long BASE_WINDOW_NS = 5 * NS_PER_SECOND;
    /** A timestamp this far off the timeline (beyond the max delay) is a jump, not jitter. */
    private static final long TIMESTAMP_JUMP_MARGIN_NS = 10 * NS_PER_SECOND;

    private final SpscSlotRing ring;
    private final int capacity;
    private final int maxPayloadBytes;
    private final int clockRateHz;
    private final boolean nackEnabled;
    private final boolean keyframeRequestOnLoss;
    private final long timestampJumpNs;
    /** Numbers left free before a stream's first arrival, for its packets that arrive after it. */
    private final int startReorderRoom;
    private final FrameCompletenessCheck completenessCheck;
    /** The check is the default one, which needs no frame view (see {@code isCompleteRun}). */
    private final boolean markerEndsFrame;
    /** Takes back borrowed payloads; null if borrowing was not configured. */
    private final PayloadReleaser payloadReleaser;
    private final Producer producer;
    private final Consumer consumer;

    private SpscJitterBuffer(Builder b) {
        capacity = b.capacityPackets;
        maxPayloadBytes = b.maxPayloadBytes;
        clockRateHz = b.clockRateHz;
        nackEnabled = b.nackEnabled;
        keyframeRequestOnLoss = b.keyframeRequestOnLoss;
        completenessCheck = b.completenessCheck;
        markerEndsFrame = completenessCheck == FrameCompletenessCheck.MARKER_ENDS_FRAME;
        payloadReleaser = b.payloadReleaser;
        ring = new SpscSlotRing(capacity, maxPayloadBytes);
        // The consumer's objects first, then the producer's, so that the two threads' state is
        // allocated in two groups, each behind the padding of its Consumer or Producer object.
        consumer = new Consumer();
        startReorderRoom = Math.min(64, capacity / 8);
        boolean adaptive = b.mode == PlayoutMode.ADAPTIVE;
        long maxDelayNs = adaptive ? b.maxDelayMs * NS_PER_MS : b.fixedDelayMs * NS_PER_MS;
        timestampJumpNs = maxDelayNs + TIMESTAMP_JUMP_MARGIN_NS;
        PlayoutDelayEstimator estimator = new PlayoutDelayEstimator(adaptive,
                (adaptive ? b.initialDelayMs : b.fixedDelayMs) * NS_PER_MS,
                b.minDelayMs * NS_PER_MS, b.maxDelayMs * NS_PER_MS,
                b.maxDelayChangeMsPerSecond / 1000.0, b.delayQuantile, b.forgetFactor,
                BUCKET_WIDTH_NS, BASE_WINDOW_NS, b.nackEnabled);
        NackTracker nacks = new NackTracker(b.nackListCapacity, b.nackMaxRetries,
                b.nackReorderWaitMs * NS_PER_MS, b.nackMinRetryIntervalMs * NS_PER_MS);
        producer = new Producer(estimator, nacks);
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    // ==== producer thread ==================================================================

    /**
     * Offers one received RTP packet. Producer thread only. Never blocks; allocates nothing in
     * steady state (a new SSRC allocates one small object).
     *
     * @param ssrc the packet's SSRC; a change restarts the stream
     * @param sequenceNumber the 16-bit RTP sequence number (low 16 bits used)
     * @param rtpTimestamp the 32-bit RTP timestamp (unsigned, carried in an int)
     * @param marker the RTP marker bit (end of a video frame)
     * @param arrivalNs when the packet arrived, in the caller's nanosecond clock
     * @param payload array holding the payload; copied before this method returns
     * @param offset payload start in {@code payload}
     * @param length payload length in bytes
     * @return an {@link OfferResult} constant
     * @throws IllegalArgumentException if {@code payload} is null or the range lies outside it
     */
    public int offer(int ssrc, int sequenceNumber, int rtpTimestamp, boolean marker, long arrivalNs,
            byte[] payload, int offset, int length) {
        if (payload == null) {
            throw new IllegalArgumentException("payload must not be null");
        }
        if (offset < 0 || length < 0 || offset > payload.length - length) {
            throw new IllegalArgumentException("offset " + offset + " and length " + length
                    + " must lie inside payload of " + payload.length + " bytes");
        }
        return producer.offer(ssrc, sequenceNumber, rtpTimestamp, marker, arrivalNs, payload, offset, length, null);
    }

    /**
     * Offers one received RTP packet without copying its payload: the buffer keeps a reference to
     * {@code payload} and, once the packet is delivered or given up, passes {@code owner} to the
     * {@link PayloadReleaser} configured with {@link Builder#payloadReleaser} (on the consumer
     * thread, exactly once). Ownership moves to the buffer only if this returns
     * {@link OfferResult#ACCEPTED}; otherwise the caller keeps the memory and may reuse it at
     * once. Producer thread only. Never blocks; allocates nothing in steady state.
     *
     * @param ssrc the packet's SSRC; a change restarts the stream
     * @param sequenceNumber the 16-bit RTP sequence number (low 16 bits used)
     * @param rtpTimestamp the 32-bit RTP timestamp (unsigned, carried in an int)
     * @param marker the RTP marker bit (end of a video frame)
     * @param arrivalNs when the packet arrived, in the caller's nanosecond clock
     * @param payload array holding the payload; must stay unchanged while the buffer owns it
     * @param offset payload start in {@code payload}
     * @param length payload length in bytes; at most {@link #maxPayloadBytes()}, as for
     *     {@link #offer}
     * @param owner what the releaser gets back (for instance a pooled buffer wrapping
     *     {@code payload}, or the array itself)
     * @return an {@link OfferResult} constant
     * @throws IllegalArgumentException if {@code payload} or {@code owner} is null or the range
     *     lies outside {@code payload}
     * @throws IllegalStateException if the buffer was built without a payload releaser
     */
    public int offerBorrowed(int ssrc, int sequenceNumber, int rtpTimestamp, boolean marker, long arrivalNs,
            byte[] payload, int offset, int length, Object owner) {
        if (payload == null) {
            throw new IllegalArgumentException("payload must not be null");
        }
        if (offset < 0 || length < 0 || offset > payload.length - length) {
            throw new IllegalArgumentException("offset " + offset + " and length " + length
                    + " must lie inside payload of " + payload.length + " bytes");
        }
        if (owner == null) {
            throw new IllegalArgumentException("owner must not be null");
        }
        if (payloadReleaser == null) {
            throw new IllegalStateException("offerBorrowed needs a buffer built with payloadReleaser(...)");
        }
        return producer.offer(ssrc, sequenceNumber, rtpTimestamp, marker, arrivalNs, payload, offset, length, owner);
    }

    /**
     * Tells the buffer that the sender stopped this stream and has resumed it under the same SSRC
     * (a simulcast layer a node switched the receiver away from and back to): the next packet
     * offered starts a new numbering, as a new SSRC would, instead of the sequence numbers
     * skipped meanwhile counting as lost, being NACKed and holding up the frames after them.
     * Frames already held play out normally. Producer thread only.
     */
    public void restartOnNextPacket() {
        producer.restartRequested = true;
    }

    /**
     * Tells the buffer that its packets now come over another network path (the receiver moved
     * to another node): the delays learned on the old path say nothing about the new one. The
     * next packet starts the playout delay estimate afresh, as the stream's first packet did: its
     * transit is the base, the delay is the initial (or fixed) one, the delay history is empty.
     * Frames still held play by the new timeline, sooner if the old path was slower. The
     * numbering carries on; the first packet that advances it starts the estimate (a
     * retransmission or reordered packet before it does not). Producer thread only.
     */
    public void restartDelayEstimate() {
        producer.estimator.restart();
    }

    /**
     * Tells the buffer that another network path's copy of a packet it was already offered has
     * arrived (redundant reception: the same stream over two nodes; {@link #offer} answered
     * {@link OfferResult#DUPLICATE} or {@link OfferResult#LATE} for it). In adaptive mode the
     * copy's delay counts towards the playout delay, so that the delay covers the slower path too,
     * at the {@link Builder#delayQuantile delay quantile} of that path's packets as a buffer fed
     * by it alone would (the tail the quantile leaves out is a share of the packets, not of
     * packets and copies together, which would leave twice as much of the slower path out), and
     * that path alone plays without loss if the faster one fails: the price is the paths'
     * differential plus the slower path's spread in added latency, up to the maximum delay (a
     * larger differential is covered up to the maximum only). With paths of about the same
     * delay, each is covered at a higher quantile (two equal paths: 1 - (1 - q) / 2), a little
     * more latency than one path needs. Fixed mode ignores copies.
     * Offer only copies of packets of the current stream; a copy far off the timeline (more than
     * the timestamp jump threshold) is ignored. Producer thread only; allocates nothing.
     *
     * @param ssrc the copy's SSRC
     * @param rtpTimestamp its RTP timestamp
     * @param arrivalNs when it arrived, in the caller's nanosecond clock
     */
    public void onRedundantCopy(int ssrc, int rtpTimestamp, long arrivalNs) {
        producer.onRedundantCopy(ssrc, rtpTimestamp, arrivalNs);
    }

    /**
     * Collects the sequence numbers due for a NACK now, oldest first, and counts them. Producer
     * thread only. Numbers past their playout deadline, already received or out of retries are
     * no longer returned. Always 0 when NACK is disabled. Publishes the statistics first, as
     * {@link #publishStats()} does, also when NACK is disabled.
     *
     * @param nowNs the current time, in the caller's nanosecond clock
     * @param out receives 16-bit RTP sequence numbers
     * @return how many numbers were written to {@code out}
     * @throws IllegalArgumentException if {@code out} is null
     */
    public int pollNacks(long nowNs, int[] out) {
        if (out == null) {
            throw new IllegalArgumentException("out must not be null");
        }
        return producer.pollNacks(nowNs, out);
    }

    /**
     * Makes the producer's statistics of every packet offered so far visible to
     * {@link #readStats(JitterBufferStats)}. Producer thread only; cheap when nothing is pending.
     * Offers publish on their own except inside a frame (see {@link #readStats}); call this, or
     * {@link #pollNacks}, when a stream may have stopped in the middle of a frame and its
     * statistics are read before its next packet.
     */
    public void publishStats() {
        producer.publishStatistics();
    }

    /**
     * Sets the round-trip time to the sender, used by the NACK retry schedule and, in adaptive
     * mode with NACK on, as retransmission headroom. Producer thread only.
     *
     * @param rttNs round-trip time in nanoseconds; must not be negative (0 = unknown)
     * @throws IllegalArgumentException if {@code rttNs} is negative
     */
    public void rttNs(long rttNs) {
        if (rttNs < 0) {
            throw new IllegalArgumentException("rttNs must be >= 0: " + rttNs);
        }
        producer.rttNs(rttNs);
    }

    /**
     * Whether a keyframe request (PLI) was raised since the last call. Producer thread (the
     * transport's); see {@link #keyframeRequestCount()} for other threads.
     *
     * @return true if the transport should send a PLI
     */
    public boolean pollKeyframeRequest() {
        return producer.pollKeyframeRequest();
    }

    // ==== consumer thread ==================================================================

    /**
     * Delivers every complete frame whose playout time has come, in sequence order, giving up
     * incomplete frames whose deadline passed. Consumer thread only. Allocates nothing.
     *
     * @param nowNs the current time, in the caller's nanosecond clock
     * @param handler receives each frame; the frame is valid only during the call
     * @return the number of frames delivered
     * @throws IllegalArgumentException if {@code handler} is null
     */
    public int poll(long nowNs, FrameHandler handler) {
        if (handler == null) {
            throw new IllegalArgumentException("handler must not be null");
        }
        return consumer.poll(nowNs, handler);
    }

    /**
     * When this buffer, on its own timeline, plays a frame with the given RTP timestamp: the
     * playout time of the oldest packet it holds, moved by the timestamp difference. Lets a
     * consumer line up several buffers on one timeline (the simulcast layers of one source,
     * each with its own delay): polling with {@code nowNs - shiftNs} plays this buffer's frames
     * {@code shiftNs} later than its own timeline says. Consumer thread only; allocates
     * nothing; looks at no more than {@code capacityPackets} slots.
     *
     * @param rtpTimestamp a 32-bit RTP timestamp of this buffer's stream (unsigned, in an int),
     *     within 2^31 ticks of the packets held
     * @return the playout time, in the caller's nanosecond clock, or {@link #NO_PLAYOUT_TIME}
     *     while the buffer holds no packet
     */
    public long playoutTimeNs(int rtpTimestamp) {
        return consumer.playoutTimeNs(rtpTimestamp);
    }

    // ==== any thread =======================================================================

    /**
     * Copies a snapshot of the statistics. Any thread; never blocks the producer or consumer.
     *
     * <p>How fresh: the consumer's counters include every frame delivered or given up so far.
     * The producer's counters include every offer, except accepted packets inside a frame:
     * a packet that advances the stream without the RTP marker, with the same RTP timestamp as
     * the packets deferred before it, is counted (packets, bytes, jitter, delays) at the next
     * offer that is not such a packet (for a stream with markers: the frame's last packet; for
     * one without: the next packet of another timestamp), or at {@link #pollNacks} or
     * {@link #publishStats()}, whichever comes first. A snapshot read between two packets of a
     * frame is therefore the consistent state after the previous publication, at most the
     * current frame's packets behind. Skipping the statistics write inside frames is what makes
     * them cheap per packet.
     *
     * @param into the snapshot to fill
     * @return {@code into}
     * @throws IllegalArgumentException if {@code into} is null
     */
    public JitterBufferStats readStats(JitterBufferStats into) {
        if (into == null) {
            throw new IllegalArgumentException("into must not be null");
        }
        producer.counters.read(into.producerValues());
        consumer.counters.read(into.consumerValues());
        into.keyframeRequests(ring.keyframeRequests());
        return into;
    }

    /** @return keyframe requests raised so far; any thread */
    public long keyframeRequestCount() {
        return ring.keyframeRequests();
    }

    /** @return the number of packet slots */
    public int capacityPackets() {
        return capacity;
    }

    /** @return the largest payload accepted, in bytes */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    // ==== producer state ===================================================================

    /**
     * 128 bytes in front of the fields of a subclass, so that no field the other thread writes
     * (in an object allocated just before) shares a cache line, or an adjacent-line prefetch
     * pair, with them.
     */
    private abstract static class CacheLinePadding {
        long p00, p01, p02, p03, p04, p05, p06, p07;
        long p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
    }

    /** State owned by the producer thread. */
    private final class Producer extends CacheLinePadding {
        // Copies of the buffer's settings, read from this object in one load instead of two
        // through the outer instance (the hot path reloads them after every memory barrier).
        final SpscSlotRing ring = SpscJitterBuffer.this.ring;
        final int capacity = SpscJitterBuffer.this.capacity;
        final int maxPayloadBytes = SpscJitterBuffer.this.maxPayloadBytes;
        final int clockRateHz = SpscJitterBuffer.this.clockRateHz;
        final boolean nackEnabled = SpscJitterBuffer.this.nackEnabled;
        final long timestampJumpNs = SpscJitterBuffer.this.timestampJumpNs;
        final int startReorderRoom = SpscJitterBuffer.this.startReorderRoom;
        final SeqLockedCounters counters = new SeqLockedCounters(JitterBufferStats.PRODUCER_COUNTERS);
        final PlayoutDelayEstimator estimator;
        final NackTracker nacks;
        final NackTracker.ArrivalCheck arrivals;
        final TimestampUnwrapper timestamps = new TimestampUnwrapper();
        /** Payload memory; reclaimed each time {@link #cachedConsumerHead} is refreshed. */
        final PayloadChunkPool chunks = new PayloadChunkPool(ring);
        SequenceUnwrapper sequences = newSequenceUnwrapper();
        boolean haveSsrc;
        int ssrc;
        boolean havePreviousSsrc;
        int previousSsrc;
        /** The caller said the stream resumed under the same SSRC: the next packet restarts it. */
        boolean restartRequested;
        /** Buffer sequence number = extended sequence number + shift (per stream). */
        long shift;
        long highest = -1;
        long flushRequested = -1;
        /** The consumer's head as last read; it only grows, so it is a lower bound. */
        long cachedConsumerHead;
        long publishedOffsetNs;
        long publishedTargetNs;
        /** Where the current stream's boundary slot goes, or -1 once written. */
        long pendingBoundary = -1;
        /**
         * The current stream's boundary number, or -1 before the first restart: a packet at or
         * below it belongs to an older stream (more than the start room below the current
         * stream's first packet) and is late.
         */
        long streamFloor = -1;
        /** The current stream restarted the numbering of the same SSRC (not a new source). */
        boolean sameSsrcRestart;
        /**
         * After a {@link #sameSsrcRestart}: whether {@link #olderNumberingTimestamp} is known, the
         * latest RTP timestamp seen of the numbering(s) before the current one: the previous
         * highest packet's at the restart, raised by any later packet found to belong to them.
         */
        boolean olderNumberingTimestampKnown;
        int olderNumberingTimestamp;
        /**
         * The lowest buffer sequence number held since the stream started. A packet older than
         * the stream's first (it came by a slower path, e.g. the second leg in redundant mode)
         * lands in the start reorder room; the numbers between it and this one were never seen
         * as a gap above {@code highest}, so they are NACKed then.
         */
        long lowestSinceStart = Long.MAX_VALUE;
        /** Media time = mediaBaseNs + (extended timestamp - firstTicks) in ns. */
        long mediaBaseNs;
        long firstTicks;
        /** The last packet's RTP timestamp and its media offset (see {@link #mediaOffsetNs(int)}). */
        int lastRtpTimestamp;
        long lastTicksNs;
        long keyframeRequestsSeen;
        /** A stream restart happened in this offer and is not yet in the statistics. */
        boolean uncountedRestart;
        // Running totals of the statistics added to for every packet, so that their write is
        // stores only.
        long packetsReceived;
        long bytesReceived;
        /**
         * Packets counted in the totals above but not yet published: accepted packets inside a
         * frame (no marker, advancing, the same RTP timestamp as the other deferred ones) skip
         * the statistics write, the biggest part of an accepted packet's cost; any write of
         * the producer's statistics (the frame's marker packet, a packet of another timestamp,
         * any other outcome, a redundant copy, {@link #pollNacks}, {@link #publishStatistics})
         * publishes them together with the estimator's figures of that moment.
         * {@link #pendingTimestamp} is the deferred packets' RTP timestamp.
         */
        boolean statisticsPending;
        int pendingTimestamp;

        Producer(PlayoutDelayEstimator estimator, NackTracker nacks) {
            this.estimator = estimator;
            this.nacks = nacks;
            this.arrivals = ring::producerHolds;
        }

        SequenceUnwrapper newSequenceUnwrapper() {
            return new SequenceUnwrapper(SequenceUnwrapper.DEFAULT_MAX_DROPOUT, Math.min(capacity, 0x7FFF), 1);
        }

        /**
         * {@code owner} null: copy the payload; otherwise borrow it. The common case (a packet
         * of the current stream, accepted) runs straight through; every rare case (new stream,
         * restart, jump, late, duplicate, overflow, gap) is a separate method, and the
         * statistics are published once, after the stores the consumer reads.
         */
        int offer(int packetSsrc, int sequenceNumber, int rtpTimestamp, boolean marker, long arrivalNs,
                byte[] payload, int offset, int length, Object owner) {
            if (length > maxPayloadBytes) {
                return count(length, JitterBufferStats.P_INVALID, OfferResult.INVALID);
            }
            boolean newStream = false;
            boolean sameSsrc = true;
            if (!haveSsrc || packetSsrc != ssrc || restartRequested) {
                sameSsrc = haveSsrc && packetSsrc == ssrc;
                if (!beginNewStream(packetSsrc)) {
                    // A straggler from the stream we already left (e.g. the old failover path).
                    return count(length, JitterBufferStats.P_DISCARDED_LATE, OfferResult.LATE);
                }
                newStream = true;
            }
            final int classification = sequences.update(sequenceNumber);
            if (classification != SequenceUnwrapper.VALID) {
                if (classification != SequenceUnwrapper.RESYNCHRONISED) {
                    return notTaken(length, classification);
                }
                newStream = true;
            }
            long extended = sequences.extendedSequence();
            if (newStream) {
                startStream(extended, arrivalNs, rtpTimestamp, sameSsrc);
            }
            final long s = extended + shift;
            long head = cachedConsumerHead;
            // The consumer only moves beyond highest + 1 when it flushes, so an in-order packet at
            // or above the last flush point cannot be late, and no slot above highest holds its
            // packet yet: the cached head is then enough, and the consumer's cache line is read
            // only when it could matter, or when a batch of released payload chunks is due back.
            if (s <= highest || s < flushRequested || s - head >= capacity || chunks.wantsReclaim()) {
                head = ring.consumerHead();
                cachedConsumerHead = head;
                chunks.reclaim(head);
                int rejected = rejection(s, head, rtpTimestamp);
                if (rejected >= 0) {
                    return countRejection(length, rejected);
                }
            }
            long mediaNs = mediaBaseNs + mediaOffsetNs(rtpTimestamp);
            if (estimator.started()) {
                long offTimelineNs = arrivalNs - mediaNs - estimator.baseTransitNs();
                if (offTimelineNs > timestampJumpNs || offTimelineNs < -timestampJumpNs) {
                    if (s <= highest) {
                        return count(length, JitterBufferStats.P_INVALID, OfferResult.INVALID);
                    }
                    // The sender's clock jumped: re-anchor the timeline on this packet.
                    mediaBaseNs += offTimelineNs;
                    mediaNs += offTimelineNs;
                }
            }
            // Accepted. All of the producer's own bookkeeping first, then the stores the consumer
            // reads, then the statistics: each release store is a barrier after which the JIT
            // loads every field again, so what the statistics need is kept in locals.
            final int chunk = owner == null ? chunks.take() : -1;
            final PlayoutDelayEstimator estimator = this.estimator;
            final boolean advances = s > highest;
            final boolean jumps = s > highest + 1;
            // A restarted estimate starts on a packet that advances the stream only: the transit
            // of a retransmission or a reordered packet is no base for the new path's timeline.
            if (advances || estimator.started()) {
                estimator.onPacket(arrivalNs, mediaNs);
            }
            final long offsetNs = estimator.playoutOffsetNs();
            final long targetNs = estimator.targetDelayNs();
            final long jitterNs = estimator.jitterNs();
            final long playoutDelayNs = estimator.playoutDelayNs();
            if (advances) {
                if (jumps && !newStream) {
                    onGap(s, head, sequenceNumber, arrivalNs);
                }
                if (newStream) {
                    lowestSinceStart = s;
                }
                highest = s;
            } else if (s < lowestSinceStart) {
                onOlderThanStreamStart(s, sequenceNumber, arrivalNs);
            }
            if (pendingBoundary >= 0) {
                writePendingBoundary(head);
            }
            publishTiming(offsetNs, targetNs);
            final SpscSlotRing ring = this.ring;
            final int flagBits = marker ? SpscSlotRing.FLAG_MARKER : 0;
            if (owner == null) {
                ring.write(s, mediaNs, arrivalNs, rtpTimestamp, sequenceNumber & 0xFFFF, flagBits, chunk,
                        payload, offset, length);
            } else {
                ring.writeBorrowed(s, mediaNs, arrivalNs, rtpTimestamp, sequenceNumber & 0xFFFF, flagBits,
                        payload, offset, length, owner);
            }
            if (jumps) {
                // After the slot: a consumer that sees this mark finds its packet. A number right
                // after the highest needs no store: the consumer finds it in its slot.
                ring.publishJump(s);
            }
            if (advances && !marker && !uncountedRestart
                    && (!statisticsPending || rtpTimestamp == pendingTimestamp)) {
                // Inside a frame: counted now, published with the frame's last packet (or the
                // next publication): see publishStatistics.
                packetsReceived++;
                bytesReceived += length;
                statisticsPending = true;
                pendingTimestamp = rtpTimestamp;
                return OfferResult.ACCEPTED;
            }
            final SeqLockedCounters counters = this.counters;
            final long token = beginPacketStatistics(length);
            if (!advances) {
                counters.add(JitterBufferStats.P_REORDERED, 1);
            }
            setDelayStatistics(jitterNs, targetNs, playoutDelayNs);
            counters.endWrite(token);
            return OfferResult.ACCEPTED;
        }

        void onRedundantCopy(int packetSsrc, int rtpTimestamp, long arrivalNs) {
            if (!haveSsrc || packetSsrc != ssrc || restartRequested || !estimator.started()) {
                return;
            }
            long mediaNs = mediaBaseNs + mediaOffsetNs(rtpTimestamp);
            long offTimelineNs = arrivalNs - mediaNs - estimator.baseTransitNs();
            if (offTimelineNs > timestampJumpNs || offTimelineNs < -timestampJumpNs) {
                return; // not a copy of this stream's timeline (a stray or a clock jump)
            }
            estimator.onCopy(arrivalNs, mediaNs);
            final long targetNs = estimator.targetDelayNs();
            publishTiming(estimator.playoutOffsetNs(), targetNs);
            writeStatistics();
        }

        /** Hands the estimator's timing to the consumer, only on change: it reads it on every poll. */
        private void publishTiming(long offsetNs, long targetNs) {
            if (offsetNs != publishedOffsetNs || targetNs != publishedTargetNs) {
                publishedOffsetNs = offsetNs;
                publishedTargetNs = targetNs;
                ring.publishTiming(offsetNs, targetNs);
            }
        }

        /** The estimator's figures, into a statistics write the caller has open. */
        private void setDelayStatistics(long jitterNs, long targetNs, long playoutDelayNs) {
            final SeqLockedCounters counters = this.counters;
            counters.set(JitterBufferStats.P_JITTER_NS, jitterNs);
            counters.set(JitterBufferStats.P_TARGET_DELAY_NS, targetNs);
            counters.set(JitterBufferStats.P_PLAYOUT_DELAY_NS, playoutDelayNs);
        }

        /** A packet the sequence unwrapper did not take, counted and answered. */
        private int notTaken(int length, int classification) {
            if (classification == SequenceUnwrapper.PREVIOUS_NUMBERING) {
                // Late: never a way back to the numbering the last restart left.
                return count(length, JitterBufferStats.P_DISCARDED_LATE, OfferResult.LATE);
            }
            return count(length, JitterBufferStats.P_IGNORED_JUMPS, OfferResult.IGNORED_JUMP);
        }

        /**
         * The packet's SSRC differs from the stream's, or a restart was requested: starts a new
         * numbering, unless the SSRC is the one the stream just left.
         *
         * @return false for a straggler from the previous SSRC (nothing changed)
         */
        private boolean beginNewStream(int packetSsrc) {
            if (!haveSsrc || packetSsrc != ssrc) {
                if (havePreviousSsrc && packetSsrc == previousSsrc) {
                    return false;
                }
                if (haveSsrc) {
                    sequences = newSequenceUnwrapper();
                    havePreviousSsrc = true;
                    previousSsrc = ssrc;
                }
                haveSsrc = true;
                ssrc = packetSsrc;
            } else {
                // The unwrapper remembers the numbering left, so that its stragglers cannot
                // take the stream back to it.
                sequences.restartOnNextPacket();
            }
            restartRequested = false;
            return true;
        }

        /** Rejections that need the consumer's fresh head, as an {@link OfferResult}, or -1 if none applies. */
        private int rejection(long s, long head, int rtpTimestamp) {
            if (fromAnOlderStream(s, rtpTimestamp)) {
                if (sameSsrcRestart && (!olderNumberingTimestampKnown || rtpTimestamp - olderNumberingTimestamp > 0)) {
                    // Perhaps the head of a frame the restart cut, arriving after its tail.
                    olderNumberingTimestampKnown = true;
                    olderNumberingTimestamp = rtpTimestamp;
                    if (pendingBoundary < 0) {
                        ring.updateBoundaryOlderTimestamp(streamFloor, SpscSlotRing.olderTimestamp(rtpTimestamp));
                    }
                }
                return OfferResult.LATE;
            }
            if (s < head) {
                return ring.producerHolds(s) ? OfferResult.DUPLICATE : OfferResult.LATE;
            }
            if (s - head >= capacity) {
                // Room for exactly this packet is enough while older packets are still held: the
                // consumer plays or gives them up and moves on. Once that room would lie beyond
                // every held packet, the consumer would stop one number short of each following
                // packet for good (a gap wider than the ring, or a stall twice its length), so
                // it is asked to drop everything below this packet instead: the next one fits.
                long flushTo = s - capacity + 1 > highest ? s : s - capacity + 1;
                if (flushTo > flushRequested) {
                    flushRequested = flushTo;
                    ring.requestFlushBelow(flushTo);
                }
                return OfferResult.OVERFLOW;
            }
            if (ring.producerHolds(s)) {
                return OfferResult.DUPLICATE;
            }
            return -1;
        }

        /**
         * Whether packet {@code s} (at or above the consumer's head, below the current stream's
         * highest) belongs to a stream before the current one, although the current numbering
         * took it: it lies at or below the boundary (it would land among the older stream's
         * slots), or, after a restart of the same SSRC's numbering, in the start room with a
         * timestamp no later than the latest one seen of the older numbering. The sender's timestamps
         * only move forward, so the new stream's own packets sent before its first arrival are
         * newer than that; such a packet is a retransmission or copy of the old stream's (its
         * frame played, was given up or is still held there), and taking it as the new stream's
         * start would play it again or back in time. A packet with that very timestamp belongs to
         * the frame the restart cut, which cannot be played whole anyway.
         */
        private boolean fromAnOlderStream(long s, int rtpTimestamp) {
            return s <= streamFloor
                    || (s < lowestSinceStart && olderNumberingTimestampKnown
                            && rtpTimestamp - olderNumberingTimestamp <= 0);
        }

        private int countRejection(int length, int result) {
            switch (result) {
                case OfferResult.DUPLICATE: return count(length, JitterBufferStats.P_DUPLICATED, result);
                case OfferResult.LATE: return count(length, JitterBufferStats.P_DISCARDED_LATE, result);
                default: return count(length, JitterBufferStats.P_DISCARDED_OVERFLOW, result);
            }
        }

        /** Counts a packet that was not accepted, in {@code counter}; returns {@code result}. */
        private int count(int length, int counter, int result) {
            // This write publishes the deferred packets' totals: their delay figures go with them,
            // as nothing is pending afterwards.
            final boolean deferred = statisticsPending;
            final long token = beginPacketStatistics(length);
            counters.add(counter, 1);
            if (deferred) {
                setDelayStatistics(estimator.jitterNs(), estimator.targetDelayNs(), estimator.playoutDelayNs());
            }
            counters.endWrite(token);
            return result;
        }

        /**
         * Opens the statistics write for one more received packet of {@code length} bytes
         * (accepted or not) with what every packet changes: the received totals, and a stream
         * restart this offer caused. The caller adds its own counters and ends the write.
         *
         * @return the write's token for {@link SeqLockedCounters#endWrite(long)}
         */
        private long beginPacketStatistics(int length) {
            final long received = ++packetsReceived;
            final long bytes = bytesReceived += length;
            statisticsPending = false;
            final SeqLockedCounters counters = this.counters;
            final long token = counters.beginWrite();
            counters.put(JitterBufferStats.P_PACKETS_RECEIVED, received);
            counters.put(JitterBufferStats.P_BYTES_RECEIVED, bytes);
            if (uncountedRestart) {
                uncountedRestart = false;
                counters.add(JitterBufferStats.P_STREAM_RESTARTS, 1);
            }
            return token;
        }

        /** Packet {@code s} lies beyond {@code highest + 1}: the numbers between are missing. */
        private void onGap(long s, long head, int sequenceNumber, long arrivalNs) {
            if (nackEnabled) {
                long from = Math.max(highest + 1, head);
                nacks.addMissing(from, s - 1, (sequenceNumber - (int) (s - from)) & 0xFFFF, arrivalNs);
            }
        }

        /**
         * Packet {@code s} is older than every packet held since the stream started (it came by a
         * slower path): the numbers between it and the lowest one were never seen as a gap.
         */
        private void onOlderThanStreamStart(long s, int sequenceNumber, long arrivalNs) {
            if (nackEnabled && s + 1 < lowestSinceStart) {
                nacks.addMissing(s + 1, lowestSinceStart - 1, (sequenceNumber + 1) & 0xFFFF, arrivalNs);
            }
            lowestSinceStart = s;
        }

        /** The first packet of a new stream was accepted: its boundary slot goes in first. */
        private void writePendingBoundary(long head) {
            // s - head < capacity and s > pendingBoundary, so the boundary fits too.
            if (pendingBoundary >= head) {
                ring.writeBoundary(pendingBoundary, olderNumberingTimestampKnown
                        ? SpscSlotRing.olderTimestamp(olderNumberingTimestamp) : SpscSlotRing.NO_OLDER_TIMESTAMP);
            }
            pendingBoundary = -1;
        }

        /**
         * A new SSRC or a confirmed sequence restart. The ring continues: a boundary slot, then
         * room for packets of the new stream that were sent before this one but arrive after it,
         * then this packet. The media timeline is re-anchored so this packet sits on the current
         * base delay, and the playout offset (and frames still held from the old stream) carry on.
         */
        private void startStream(long extended, long arrivalNs, int rtpTimestamp, boolean sameSsrc) {
            if (highest >= 0) {
                // Counted with this packet's other statistics, in one write.
                uncountedRestart = true;
            }
            long boundary = Math.max(highest + 1, Math.max(flushRequested, ring.consumerHead()));
            sameSsrcRestart = sameSsrc && highest >= 0;
            // The highest packet's slot still holds it unless the ring wrapped past it.
            olderNumberingTimestampKnown = sameSsrcRestart && ring.producerHolds(highest);
            olderNumberingTimestamp = olderNumberingTimestampKnown ? ring.rtpTimestamp(highest) : 0;
            pendingBoundary = boundary;
            streamFloor = boundary;
            shift = boundary + 1 + startReorderRoom - extended;
            nacks.clear();
            timestamps.reset();
            firstTicks = timestamps.unwrap(rtpTimestamp);
            // This packet's media offset, 0, for mediaOffsetNs (the unwrapper has seen it).
            lastRtpTimestamp = rtpTimestamp;
            lastTicksNs = 0;
            mediaBaseNs = estimator.started() ? arrivalNs - estimator.baseTransitNs() : arrivalNs;
        }

        /**
         * Nanoseconds from the stream's first timestamp to {@code rtpTimestamp}, exact and
         * overflow-free for any realistic stream length. Packets of one frame share a timestamp,
         * so for the same timestamp as the last packet's the last result is reused, without
         * unwrapping it again (its distance from the last is 0, so the unwrapper's state would
         * not change) or paying for the divisions.
         */
        private long mediaOffsetNs(int rtpTimestamp) {
            if (rtpTimestamp != lastRtpTimestamp) {
                lastRtpTimestamp = rtpTimestamp;
                long ticks = timestamps.unwrap(rtpTimestamp) - firstTicks;
                lastTicksNs = ticks / clockRateHz * NS_PER_SECOND + ticks % clockRateHz * NS_PER_SECOND / clockRateHz;
            }
            return lastTicksNs;
        }

        /**
         * Publishes what accepted packets deferred (see {@link #statisticsPending}), with the
         * estimator's current figures.
         */
        void publishStatistics() {
            if (statisticsPending) {
                writeStatistics();
            }
        }

        /** Writes the received totals and the estimator's figures. */
        private void writeStatistics() {
            statisticsPending = false;
            final long received = packetsReceived;
            final long bytes = bytesReceived;
            final long jitterNs = estimator.jitterNs();
            final long targetNs = estimator.targetDelayNs();
            final long playoutDelayNs = estimator.playoutDelayNs();
            final SeqLockedCounters counters = this.counters;
            final long token = counters.beginWrite();
            counters.put(JitterBufferStats.P_PACKETS_RECEIVED, received);
            counters.put(JitterBufferStats.P_BYTES_RECEIVED, bytes);
            setDelayStatistics(jitterNs, targetNs, playoutDelayNs);
            counters.endWrite(token);
        }

        int pollNacks(long nowNs, int[] out) {
            publishStatistics();
            if (!nackEnabled || out.length == 0) {
                return 0;
            }
            int n = nacks.collectDue(nowNs, ring.consumerHead(), arrivals, out);
            if (n > 0) {
                final long token = counters.beginWrite();
                counters.add(JitterBufferStats.P_NACK_COUNT, 1);
                counters.add(JitterBufferStats.P_NACKED_PACKETS, n);
                counters.endWrite(token);
            }
            return n;
        }

        void rttNs(long rttNs) {
            nacks.rttNs(rttNs);
            estimator.rttNs(rttNs);
        }

        boolean pollKeyframeRequest() {
            long raised = ring.keyframeRequests();
            if (raised != keyframeRequestsSeen) {
                keyframeRequestsSeen = raised;
                return true;
            }
            return false;
        }
    }

    // ==== consumer state ===================================================================

    // Outcomes of Consumer.extendOpenRun.
    private static final int RUN_NOT_CHECKED = 0;
    private static final int RUN_STILL_OPEN = 1;
    private static final int RUN_CLOSED = 2;

    /** State owned by the consumer thread. */
    private final class Consumer extends CacheLinePadding {
        // Copies of the buffer's settings, as in Producer.
        final SpscSlotRing ring = SpscJitterBuffer.this.ring;
        final PayloadReleaser payloadReleaser = SpscJitterBuffer.this.payloadReleaser;
        final FrameCompletenessCheck completenessCheck = SpscJitterBuffer.this.completenessCheck;
        final boolean markerEndsFrame = SpscJitterBuffer.this.markerEndsFrame;
        final boolean keyframeRequestOnLoss = SpscJitterBuffer.this.keyframeRequestOnLoss;
        final int clockRateHz = SpscJitterBuffer.this.clockRateHz;
        final SeqLockedCounters counters = new SeqLockedCounters(JitterBufferStats.CONSUMER_COUNTERS);
        final FreezeDetector freezes = new FreezeDetector();
        final JitterFrame frame = new JitterFrame(ring);
        long head;
        /** A number known to be at most the producer's highest (see {@link #known(long)}), or -1. */
        long knownHighest = -1;
        /**
         * A number this poll found beyond the producer's highest (its slot empty, above the jump
         * mark), or {@code Long.MAX_VALUE}: a poll looks for the end of the known numbers once.
         */
        long endSeen = Long.MAX_VALUE;
        /** Whether the packet at head is known to begin a frame. */
        boolean headStartConfirmed;
        /** A stream boundary was passed and the new stream's first frame is not yet found. */
        boolean streamStartPending;
        /** The next frame delivered is the first of a stream. */
        boolean startsStream;
        /**
         * The number of the last stream boundary passed. While {@link #streamStartPending}, its
         * slot is not released: the producer may still update its note on the older numbering.
         */
        long boundaryPassed = -1;
        boolean lossSinceLastFrame;
        // Result of the last isCompleteRun call.
        long runEnd;
        boolean runClosed;
        /**
         * The last run found still open (no marker, no later packet): it starts at
         * {@code openRunStart} and every slot up to {@code openRunEnd} was checked. Slots are
         * immutable until released, and no run start is ever looked at again once the head passed
         * it, so the next look at the same run resumes from its end instead of walking the whole
         * frame again on every poll. -1 when none.
         */
        long openRunStart = -1;
        long openRunEnd;
        /** The open run's media time. */
        long openRunMediaNs;
        /** The producer's target delay as read at the start of this poll, in nanoseconds. */
        long pollTargetNs;
        // Running totals of the statistics this side adds to for every frame (see completeDelivery).
        long framesReceived;
        long packetsEmitted;
        long delaySumNs;
        long targetSumNs;


        int poll(long nowNs, FrameHandler handler) {
            endSeen = Long.MAX_VALUE;
            long flush = ring.flushAbove(head);
            if (flush >= 0) {
                streamStartPending = false;
                giveUp(flush, JitterBufferStats.C_PACKETS_FLUSHED, true, false);
            }
            int openRun = RUN_NOT_CHECKED;
            if (markerEndsFrame && !streamStartPending) {
                if (head == openRunStart) {
                    openRun = extendOpenRun();
                } else if (headStartConfirmed && ring.holds(head) && !isBoundary(head)) {
                    // The first packets of the frame after one just delivered: what the loop
                    // below would scan first, taken as the open run from here on.
                    openRunStart = head;
                    openRunEnd = head;
                    openRunMediaNs = ring.mediaTimeNs(head);
                    openRun = extendOpenRun();
                }
            }
            if (openRun == RUN_STILL_OPEN) {
                return 0;
            }
            final long offsetNs = ring.playoutOffsetNs();
            // Once per poll, next to the offset (same cache line), rather than once per frame
            // between other accesses: each of these reads is a barrier to the JIT.
            pollTargetNs = ring.targetDelayNs();
            int delivered = 0;
            if (openRun == RUN_CLOSED && headStartConfirmed) {
                // The frame at the head just completed (for the default check, a closed run with
                // a confirmed start): what the loop below would find first, without acquiring
                // the head's slot again or scanning the run a second time.
                final long start = head;
                final long end = openRunEnd;
                final long mediaNs = openRunMediaNs;
                openRunStart = -1;
                runEnd = end;
                runClosed = true;
                frame.bind(start, (int) (end - start + 1), mediaNs + offsetNs, lossSinceLastFrame, startsStream);
                if (nowNs - (mediaNs + offsetNs) < 0) {
                    return 0;
                }
                deliver(nowNs, handler);
                delivered++;
            }
            while (known(head)) {
                boolean held = ring.holds(head);
                if (held && isBoundary(head)) {
                    boundaryPassed = head;
                    head++;
                    // The boundary's slot stays ours until the new stream's start is decided.
                    ring.releaseBelow(head - 1);
                    streamStartPending = true;
                    startsStream = true;
                    headStartConfirmed = false;
                    continue;
                }
                if (streamStartPending) {
                    if (!confirmStreamStart(nowNs, offsetNs)) {
                        break;
                    }
                    continue;
                }
                if (held) {
                    boolean complete = isCompleteRun(head, headStartConfirmed, offsetNs);
                    if (complete) {
                        if (nowNs - (ring.mediaTimeNs(head) + offsetNs) < 0) {
                            break;
                        }
                        deliver(nowNs, handler);
                        delivered++;
                        continue;
                    }
                    // An open run's scan found the number after it empty or a stream boundary
                    // (then known: the producer publishes its jump mark beyond the boundary).
                    if (!(runClosed ? known(runEnd + 1) : knownEmpty(runEnd + 1))) {
                        // Nothing arrived beyond this frame yet, so there is nothing to skip to.
                        break;
                    }
                }
                if (!skipToNextPlayable(nowNs, offsetNs)) {
                    break;
                }
            }
            return delivered;
        }

        /**
         * The common poll while a frame is arriving: the head is the start of the open run
         * recorded by the last poll, or a held packet known to begin a frame (no boundary), and
         * what arrived since only extends it.
         * Scans the new packets of the run and records how far it was checked. If the run is
         * still open at the producer's highest number, the poll ends with the same state as the
         * full loop (which would find the run incomplete and nothing beyond it to skip to) but
         * without acquiring the head's slot again or reading the playout timing; if it closed,
         * the caller can deliver it at once. Only for the default completeness check, which
         * never calls an open run complete.
         *
         * @return {@link #RUN_STILL_OPEN} if the poll is over; {@link #RUN_CLOSED} if the run
         *     closed at {@code openRunEnd}; {@link #RUN_NOT_CHECKED} if packets are known beyond
         *     a gap after it (the full loop decides)
         */
        private int extendOpenRun() {
            final long scan = ring.scanRun(openRunEnd, openRunMediaNs);
            final long s = scan >> 1;
            openRunEnd = s;
            if (s > knownHighest) {
                knownHighest = s;
            }
            if ((scan & 1) != 0) {
                return RUN_CLOSED;
            }
            // Open at s: the scan found s + 1 empty or a boundary. Known anyway, it is a gap or a
            // restart with packets beyond it.
            return knownEmpty(s + 1) ? RUN_NOT_CHECKED : RUN_STILL_OPEN;
        }

        /**
         * Whether number {@code s} (at or above the head) is at most the producer's highest
         * stored number: it is if its slot holds it, or if it is at most the producer's jump
         * mark (see {@link SpscSlotRing#jumpMark()}). The producer writes the slots for every
         * packet but the mark only when it skips numbers, so the consumer detects new packets
         * from the slot lines it must read anyway, and the mark's line stays in its cache.
         * Once a poll has found the end (see {@link #endSeen}), numbers from there on are not
         * looked up again in that poll: the poll's decisions are those of the producer's state
         * at that moment.
         */
        private boolean known(long s) {
            return s <= knownHighest || (s < endSeen && knownBeyond(s));
        }

        /** {@link #known(long)} for a number beyond {@link #knownHighest}: kept out of the callers. */
        private boolean knownBeyond(long s) {
            if (ring.holds(s)) {
                knownHighest = s;
                return true;
            }
            return knownEmpty(s);
        }

        /** As {@link #known(long)}, for a number whose slot was just found not to hold it. */
        private boolean knownEmpty(long s) {
            if (s <= knownHighest) {
                return true;
            }
            if (s >= endSeen) {
                return false;
            }
            final long mark = ring.jumpMark();
            if (s <= mark) {
                knownHighest = mark;
                return true;
            }
            endSeen = s;
            return false;
        }

        long playoutTimeNs(int rtpTimestamp) {
            endSeen = Long.MAX_VALUE;
            // Slots from head up are the consumer's until it releases them, so they are stable.
            for (long s = head; known(s); s++) {
                if (ring.holds(s) && !isBoundary(s)) {
                    long ticks = rtpTimestamp - ring.rtpTimestamp(s); // signed: across the wrap
                    return ring.mediaTimeNs(s) + ring.playoutOffsetNs() + ticks * NS_PER_SECOND / clockRateHz;
                }
            }
            return NO_PLAYOUT_TIME;
        }

        private boolean isBoundary(long s) {
            return (ring.flags(s) & SpscSlotRing.FLAG_STREAM_BOUNDARY) != 0;
        }

        /**
         * After a stream boundary, packets of the new stream that were sent before the first
         * one to arrive may still come, so the first frame's start is unknown. Once the lowest
         * held packet's playout time comes, those had the whole latency window to arrive: that
         * packet is taken as the stream's first, and the numbers below it (never sent, as far as
         * anyone can tell) are skipped without counting them lost.
         *
         * <p>Whether that packet begins a frame is decided by its RTP timestamp. A new SSRC is a
         * new source (a publisher restart or failover), which begins with a frame, normally a
         * keyframe that must not be lost. A restart of the same SSRC's numbering (a layer resumed,
         * a sequence jump) may fall in the middle of a frame: then the new stream's first packets
         * carry the timestamp of the latest packet seen of the old numbering (its highest one at
         * the restart, or one of the cut frame's first packets arriving after the restart, which
         * the producer discards as late and publishes), since a frame's packets share one
         * timestamp and the next frame's is later. Such a run is the tail of the frame the
         * restart cut: its start is not confirmed, so the default check never plays it, and it is
         * given up like any frame that cannot be completed. By now such packets had the whole
         * latency window to arrive. Any other timestamp began after the old numbering's packets,
         * so the first held packet is taken as its start, as for a new source.
         */
        private boolean confirmStreamStart(long nowNs, long offsetNs) {
            long lowest = head;
            while (known(lowest) && !ring.holds(lowest)) {
                lowest++;
            }
            if (!known(lowest)) {
                return false;
            }
            if (isBoundary(lowest)) {
                // The stream restarted again before any of its packets arrived.
                head = lowest;
                ring.releaseBelow(head);
                return true;
            }
            if (nowNs - (ring.mediaTimeNs(lowest) + offsetNs) < 0) {
                return false;
            }
            head = lowest;
            ring.releaseBelow(head);
            streamStartPending = false;
            headStartConfirmed = ring.boundaryOlderTimestamp(boundaryPassed)
                    != SpscSlotRing.olderTimestamp(ring.rtpTimestamp(lowest));
            return true;
        }

        /**
         * Finds the run of held packets with one timestamp starting at {@code start}, points the
         * frame at it and asks the completeness check. Leaves the run's end in {@code runEnd}.
         */
        private boolean isCompleteRun(long start, boolean startConfirmed, long offsetNs) {
            final long mediaNs = ring.mediaTimeNs(start);
            long s = start == openRunStart ? openRunEnd : start;
            final long scan = ring.scanRun(s, mediaNs);
            s = scan >> 1;
            final boolean closed = (scan & 1) != 0;
            if (s > knownHighest) {
                knownHighest = s;
            }
            runEnd = s;
            runClosed = closed;
            if (closed) {
                openRunStart = -1;
            } else {
                openRunStart = start;
                openRunEnd = s;
                openRunMediaNs = mediaNs;
            }
            if (markerEndsFrame) {
                // The default check needs no frame view: skip binding one for an open run.
                if (!(startConfirmed && closed)) {
                    return false;
                }
                frame.bind(start, (int) (s - start + 1), mediaNs + offsetNs, lossSinceLastFrame, startsStream);
                return true;
            }
            frame.bind(start, (int) (s - start + 1), mediaNs + offsetNs, lossSinceLastFrame, startsStream);
            return completenessCheck.isComplete(frame, startConfirmed, closed);
        }

        /**
         * The frame at the head is incomplete. If a later complete frame is due, give up
         * everything before it; if a stream boundary comes first, the gap can never fill, so give
         * up everything before the boundary at once.
         */
        private boolean skipToNextPlayable(long nowNs, long offsetNs) {
            long s = head + 1;
            while (known(s)) {
                if (!ring.holds(s)) {
                    s++;
                    continue;
                }
                if (isBoundary(s)) {
                    giveUp(s, JitterBufferStats.C_PACKETS_DROPPED, false, false);
                    return true;
                }
                boolean startConfirmed = false;
                if (ring.holds(s - 1)) {
                    boolean previousEnds = isBoundary(s - 1)
                            || (ring.flags(s - 1) & SpscSlotRing.FLAG_MARKER) != 0
                            || ring.mediaTimeNs(s - 1) != ring.mediaTimeNs(s);
                    if (!previousEnds) {
                        s++;
                        continue;
                    }
                    startConfirmed = true;
                }
                boolean complete = isCompleteRun(s, startConfirmed, offsetNs);
                long end = runEnd;
                if (complete) {
                    if (nowNs - (ring.mediaTimeNs(s) + offsetNs) < 0) {
                        return false;
                    }
                    giveUp(s, JitterBufferStats.C_PACKETS_DROPPED, false, startConfirmed);
                    return true;
                }
                s = end + 1;
            }
            return false;
        }

        /**
         * Gives up every number in [head, to) (see {@link #dropUpTo}), counting a flush if asked,
         * after handing back the borrowed payloads there. The releaser is user code, so it runs
         * outside the statistics write, and the give-up completes even if it throws.
         */
        private void giveUp(long to, int heldCounter, boolean flush, boolean startConfirmedAfter) {
            try {
                releaseBorrowed(head, to);
            } finally {
                final long token = counters.beginWrite();
                if (flush) {
                    counters.add(JitterBufferStats.C_FLUSHES, 1);
                }
                dropUpTo(to, heldCounter);
                counters.endWrite(token);
                headStartConfirmed = startConfirmedAfter;
            }
        }

        /**
         * Gives up every number in [head, to): counts held packets in {@code heldCounter} and
         * missing ones as lost, raises a keyframe request, and releases the slots. Call inside a
         * statistics write.
         */
        private void dropUpTo(long to, int heldCounter) {
            long lost = 0;
            long held = 0;
            long frames = 0;
            boolean havePrevious = false;
            long previousMediaNs = 0;
            for (long s = head; s < to; s++) {
                if (!ring.holds(s)) {
                    lost++;
                } else if (!isBoundary(s)) {
                    held++;
                    long mediaNs = ring.mediaTimeNs(s);
                    if (!havePrevious || mediaNs != previousMediaNs) {
                        frames++;
                    }
                    havePrevious = true;
                    previousMediaNs = mediaNs;
                }
            }
            if (to > head) {
                counters.add(JitterBufferStats.C_PACKETS_LOST, lost);
                counters.add(heldCounter, held);
                counters.add(JitterBufferStats.C_FRAMES_DROPPED, Math.max(1, frames));
                lossSinceLastFrame = true;
                if (keyframeRequestOnLoss) {
                    ring.raiseKeyframeRequest();
                }
                head = to;
                ring.releaseBelow(head);
            }
        }

        /**
         * Hands back the owners of the borrowed payloads held in [from, to). Runs before the
         * slots are released (the producer may overwrite them right after) and outside any
         * statistics write, since the releaser is user code and may throw. Every caller moves the
         * head to {@code to} afterwards even if the releaser throws, so the ranges never overlap
         * and no owner is handed back twice (the slots' references are left for the producer to
         * overwrite: see {@link SpscSlotRing}).
         */
        private void releaseBorrowed(long from, long to) {
            if (payloadReleaser == null) {
                return;
            }
            for (long s = from; s < to; s++) {
                if (ring.holds(s) && (ring.flags(s) & SpscSlotRing.FLAG_BORROWED) != 0) {
                    payloadReleaser.release(ring.borrowedOwner(s));
                }
            }
        }

        /**
         * As {@link #releaseBorrowed}, for the packets of a frame just delivered: every slot in
         * [from, to) is known to hold its packet (the frame was checked), so the slots are not
         * acquired again.
         */
        private void releaseBorrowedFrame(long from, long to) {
            if (payloadReleaser == null) {
                return;
            }
            for (long s = from; s < to; s++) {
                if ((ring.flags(s) & SpscSlotRing.FLAG_BORROWED) != 0) {
                    payloadReleaser.release(ring.borrowedOwner(s));
                }
            }
        }

        private void deliver(long nowNs, FrameHandler handler) {
            final long end = runEnd;
            final int packets = (int) (end - head + 1);
            final long delayNs = nowNs - frame.firstArrivalNs();
            final boolean closed = runClosed;
            try {
                handler.onFrame(frame);
            } finally {
                try {
                    releaseBorrowedFrame(head, end + 1);
                } finally {
                    completeDelivery(nowNs, end, packets, delayNs, closed);
                }
            }
        }

        private void completeDelivery(long nowNs, long end, int packets, long delayNs, boolean closed) {
            final boolean freezeOrPause = freezes.onFrame(nowNs);
            // The running totals are kept here too, so the statistics write is stores only.
            final long frames = ++framesReceived;
            final long emitted = packetsEmitted += packets;
            final long delaySum = delaySumNs += delayNs;
            final long targetSum = targetSumNs += pollTargetNs;
            final SeqLockedCounters counters = this.counters;
            final long token = counters.beginWrite();
            counters.put(JitterBufferStats.C_FRAMES_RECEIVED, frames);
            counters.put(JitterBufferStats.C_PACKETS_EMITTED, emitted);
            counters.put(JitterBufferStats.C_DELAY_SUM_NS, delaySum);
            counters.put(JitterBufferStats.C_TARGET_SUM_NS, targetSum);
            if (freezeOrPause) {
                counters.put(JitterBufferStats.C_FREEZES, freezes.freezeCount());
                counters.put(JitterBufferStats.C_FREEZES_NS, freezes.totalFreezesDurationNs());
                counters.put(JitterBufferStats.C_PAUSES, freezes.pauseCount());
                counters.put(JitterBufferStats.C_PAUSES_NS, freezes.totalPausesDurationNs());
            }
            counters.endWrite(token);
            lossSinceLastFrame = false;
            startsStream = false;
            headStartConfirmed = closed;
            head = end + 1;
            ring.releaseBelow(head);
        }
    }

    // ==== configuration ====================================================================

    /**
     * Configures a {@link SpscJitterBuffer}. Not thread-safe; each {@link #build()} creates an
     * independent buffer.
     */
    public static final class Builder {
        private int capacityPackets = DEFAULT_CAPACITY_PACKETS;
        private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
        private int clockRateHz = DEFAULT_CLOCK_RATE_HZ;
        private PlayoutMode mode = PlayoutMode.ADAPTIVE;
        private int fixedDelayMs = DEFAULT_FIXED_DELAY_MS;
        private int minDelayMs = DEFAULT_MIN_DELAY_MS;
        private int maxDelayMs = DEFAULT_MAX_DELAY_MS;
        private int initialDelayMs = DEFAULT_INITIAL_DELAY_MS;
        private int maxDelayChangeMsPerSecond = DEFAULT_MAX_DELAY_CHANGE_MS_PER_SECOND;
        private double delayQuantile = DEFAULT_DELAY_QUANTILE;
        private double forgetFactor = DEFAULT_FORGET_FACTOR;
        private boolean nackEnabled = true;
        private int nackMaxRetries = DEFAULT_NACK_MAX_RETRIES;
        private int nackReorderWaitMs = DEFAULT_NACK_REORDER_WAIT_MS;
        private int nackMinRetryIntervalMs = DEFAULT_NACK_MIN_RETRY_INTERVAL_MS;
        private int nackListCapacity = DEFAULT_NACK_LIST_CAPACITY;
        private boolean keyframeRequestOnLoss = true;
        private FrameCompletenessCheck completenessCheck = FrameCompletenessCheck.MARKER_ENDS_FRAME;
        private PayloadReleaser payloadReleaser;

        private Builder() {
        }

        /**
         * @param packets number of packet slots; a power of two in [16, 32768]
         *     (default {@value SpscJitterBuffer#DEFAULT_CAPACITY_PACKETS})
         * @return this builder
         */
        public Builder capacityPackets(int packets) {
            if (packets < 16 || packets > 32768 || Integer.bitCount(packets) != 1) {
                throw new IllegalArgumentException("capacityPackets must be a power of two in [16, 32768]: " + packets);
            }
            this.capacityPackets = packets;
            return this;
        }

        /**
         * @param bytes bytes reserved per packet; larger payloads are rejected as invalid; in
         *     [1, 65535]
         *     (default {@value SpscJitterBuffer#DEFAULT_MAX_PAYLOAD_BYTES})
         * @return this builder
         */
        public Builder maxPayloadBytes(int bytes) {
            if (bytes < 1 || bytes > 65535) {
                throw new IllegalArgumentException("maxPayloadBytes must be in [1, 65535]: " + bytes);
            }
            this.maxPayloadBytes = bytes;
            return this;
        }

        /**
         * @param hz the RTP clock rate of the payload format (90000 for video, 48000 for Opus)
         *     (default {@value SpscJitterBuffer#DEFAULT_CLOCK_RATE_HZ})
         * @return this builder
         */
        public Builder clockRateHz(int hz) {
            if (hz < 1) {
                throw new IllegalArgumentException("clockRateHz must be >= 1: " + hz);
            }
            this.clockRateHz = hz;
            return this;
        }

        /**
         * Adaptive playout delay (the default).
         *
         * @return this builder
         */
        public Builder adaptive() {
            this.mode = PlayoutMode.ADAPTIVE;
            return this;
        }

        /**
         * Fixed playout delay: a constant window above the path's base delay (SRT-style latency).
         *
         * @param delayMs the window, in milliseconds; in [0, 60000]
         *     (default {@value SpscJitterBuffer#DEFAULT_FIXED_DELAY_MS})
         * @return this builder
         */
        public Builder fixedDelayMs(int delayMs) {
            if (delayMs < 0 || delayMs > 60_000) {
                throw new IllegalArgumentException("fixedDelayMs must be in [0, 60000]: " + delayMs);
            }
            this.mode = PlayoutMode.FIXED;
            this.fixedDelayMs = delayMs;
            return this;
        }

        /**
         * @param delayMs lowest adaptive target delay, in milliseconds; >= 0
         *     (default {@value SpscJitterBuffer#DEFAULT_MIN_DELAY_MS})
         * @return this builder
         */
        public Builder minDelayMs(int delayMs) {
            if (delayMs < 0) {
                throw new IllegalArgumentException("minDelayMs must be >= 0: " + delayMs);
            }
            this.minDelayMs = delayMs;
            return this;
        }

        /**
         * @param delayMs highest adaptive target delay, in milliseconds; in [1, 60000]
         *     (default {@value SpscJitterBuffer#DEFAULT_MAX_DELAY_MS})
         * @return this builder
         */
        public Builder maxDelayMs(int delayMs) {
            if (delayMs < 1 || delayMs > 60_000) {
                throw new IllegalArgumentException("maxDelayMs must be in [1, 60000]: " + delayMs);
            }
            this.maxDelayMs = delayMs;
            return this;
        }

        /**
         * @param delayMs adaptive delay before enough packets were measured, in milliseconds; >= 0
         *     (default {@value SpscJitterBuffer#DEFAULT_INITIAL_DELAY_MS})
         * @return this builder
         */
        public Builder initialDelayMs(int delayMs) {
            if (delayMs < 0) {
                throw new IllegalArgumentException("initialDelayMs must be >= 0: " + delayMs);
            }
            this.initialDelayMs = delayMs;
            return this;
        }

        /**
         * @param msPerSecond how fast the playout delay may change, in milliseconds per second of
         *     stream time; in [1, 1000]
         *     (default {@value SpscJitterBuffer#DEFAULT_MAX_DELAY_CHANGE_MS_PER_SECOND})
         * @return this builder
         */
        public Builder maxDelayChangeMsPerSecond(int msPerSecond) {
            if (msPerSecond < 1 || msPerSecond > 1000) {
                throw new IllegalArgumentException("maxDelayChangeMsPerSecond must be in [1, 1000]: " + msPerSecond);
            }
            this.maxDelayChangeMsPerSecond = msPerSecond;
            return this;
        }

        /**
         * @param quantile fraction of recent relative delays the adaptive target covers; in
         *     (0.5, 1]; with {@link SpscJitterBuffer#onRedundantCopy redundant copies}, the
         *     fraction of each path's packets it covers
         *     (default {@value SpscJitterBuffer#DEFAULT_DELAY_QUANTILE})
         * @return this builder
         */
        public Builder delayQuantile(double quantile) {
            if (!(quantile > 0.5 && quantile <= 1.0)) {
                throw new IllegalArgumentException("delayQuantile must be in (0.5, 1]: " + quantile);
            }
            this.delayQuantile = quantile;
            return this;
        }

        /**
         * @param factor weight an old delay sample keeps per new packet; in (0.9, 1)
         *     (default {@value SpscJitterBuffer#DEFAULT_FORGET_FACTOR})
         * @return this builder
         */
        public Builder forgetFactor(double factor) {
            if (!(factor > 0.9 && factor < 1.0)) {
                throw new IllegalArgumentException("forgetFactor must be in (0.9, 1): " + factor);
            }
            this.forgetFactor = factor;
            return this;
        }

        /**
         * @param enabled whether missing packets are requested again (and, in adaptive mode, one
         *     RTT of headroom is added); default true
         * @return this builder
         */
        public Builder nackEnabled(boolean enabled) {
            this.nackEnabled = enabled;
            return this;
        }

        /**
         * @param retries requests per missing packet at most; in [1, 100]
         *     (default {@value SpscJitterBuffer#DEFAULT_NACK_MAX_RETRIES})
         * @return this builder
         */
        public Builder nackMaxRetries(int retries) {
            if (retries < 1 || retries > 100) {
                throw new IllegalArgumentException("nackMaxRetries must be in [1, 100]: " + retries);
            }
            this.nackMaxRetries = retries;
            return this;
        }

        /**
         * @param waitMs delay before a missing packet is first requested, in milliseconds; >= 0
         *     (default {@value SpscJitterBuffer#DEFAULT_NACK_REORDER_WAIT_MS})
         * @return this builder
         */
        public Builder nackReorderWaitMs(int waitMs) {
            if (waitMs < 0) {
                throw new IllegalArgumentException("nackReorderWaitMs must be >= 0: " + waitMs);
            }
            this.nackReorderWaitMs = waitMs;
            return this;
        }

        /**
         * @param intervalMs shortest interval between two requests of one packet, in
         *     milliseconds; >= 1 (the interval is otherwise 1.5 x RTT)
         *     (default {@value SpscJitterBuffer#DEFAULT_NACK_MIN_RETRY_INTERVAL_MS})
         * @return this builder
         */
        public Builder nackMinRetryIntervalMs(int intervalMs) {
            if (intervalMs < 1) {
                throw new IllegalArgumentException("nackMinRetryIntervalMs must be >= 1: " + intervalMs);
            }
            this.nackMinRetryIntervalMs = intervalMs;
            return this;
        }

        /**
         * @param entries most missing packets tracked for NACK; a power of two in [16, 32768]
         *     (default {@value SpscJitterBuffer#DEFAULT_NACK_LIST_CAPACITY})
         * @return this builder
         */
        public Builder nackListCapacity(int entries) {
            if (entries < 16 || entries > 32768 || Integer.bitCount(entries) != 1) {
                throw new IllegalArgumentException("nackListCapacity must be a power of two in [16, 32768]: " + entries);
            }
            this.nackListCapacity = entries;
            return this;
        }

        /**
         * @param enabled raise a keyframe request (PLI) when a frame is given up; default true
         *     (video); turn off for audio
         * @return this builder
         */
        public Builder keyframeRequestOnLoss(boolean enabled) {
            this.keyframeRequestOnLoss = enabled;
            return this;
        }

        /**
         * @param check decides when a run of packets is a complete frame; default
         *     {@link FrameCompletenessCheck#MARKER_ENDS_FRAME}
         * @return this builder
         */
        public Builder completenessCheck(FrameCompletenessCheck check) {
            if (check == null) {
                throw new IllegalArgumentException("check must not be null");
            }
            this.completenessCheck = check;
            return this;
        }

        /**
         * Enables {@link SpscJitterBuffer#offerBorrowed}: payloads kept in the caller's memory
         * instead of copied, handed back through {@code releaser} on the consumer thread once
         * consumed (see {@link PayloadReleaser} for exactly when). Not set by default.
         *
         * @param releaser takes back each borrowed payload's owner
         * @return this builder
         */
        public Builder payloadReleaser(PayloadReleaser releaser) {
            if (releaser == null) {
                throw new IllegalArgumentException("releaser must not be null");
            }
            this.payloadReleaser = releaser;
            return this;
        }

        /**
         * @return a new buffer; allocates its slot memory now
         * @throws IllegalArgumentException if min delay exceeds max delay, or the slot memory
         *     would exceed 2 GiB
         */
        public SpscJitterBuffer build() {
            if (minDelayMs > maxDelayMs) {
                throw new IllegalArgumentException("minDelayMs " + minDelayMs + " must not exceed maxDelayMs " + maxDelayMs);
            }
            return new SpscJitterBuffer(this);
        }
    }
}
