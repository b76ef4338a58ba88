package io.smoothcast.jitter.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Cache-line padding in front of the producer's published fields. */
abstract class SlotRingPadding0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

/**
 * The field the producer writes when its highest number jumps over missing numbers (rarely in
 * steady state), alone on its cache lines. The consumer reads it when it finds a slot empty.
 */
abstract class SlotRingProducerFields extends SlotRingPadding0 {
    /** The last number stored above the producer's highest + 1 at the time, or -1 (see {@link SpscSlotRing#jumpMark()}). */
    volatile long jumpMark = -1;
}

abstract class SlotRingPadding1 extends SlotRingProducerFields {
    long p10, p11, p12, p13, p14, p15, p16, p17;
    long p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
}

/**
 * Fields written by the producer only when they change (rarely in steady state) and read by the
 * consumer on every poll.
 */
abstract class SlotRingProducerRareFields extends SlotRingPadding1 {
    /** The consumer must drop everything below this number (buffer overflow), or -1. */
    volatile long flushBelow = -1;
    /** Local playout time minus media time, in nanoseconds. */
    volatile long playoutOffsetNs;
    /** The target delay at the time of the last change, in nanoseconds. */
    volatile long targetDelayNs;
}

abstract class SlotRingPadding1b extends SlotRingProducerRareFields {
    long p30, p31, p32, p33, p34, p35, p36, p37;
    long p38, p39, p3a, p3b, p3c, p3d, p3e, p3f;
}

/** Fields written only by the consumer thread and read by the producer. */
abstract class SlotRingConsumerFields extends SlotRingPadding1b {
    /** Next buffer sequence number the consumer will look at; all below are released. */
    volatile long consumerHead;
    /** Keyframe requests raised by the consumer. */
    volatile long keyframeRequests;
}

abstract class SlotRingPadding2 extends SlotRingConsumerFields {
    long p20, p21, p22, p23, p24, p25, p26, p27;
    long p28, p29, p2a, p2b, p2c, p2d, p2e, p2f;
}

/**
 * The memory shared by the jitter buffer's producer and consumer: a power-of-two ring of packet
 * slots indexed by buffer sequence number, and the few fields through which the two threads
 * publish their progress, each side on its own cache lines (padding by inheritance, as JCTools
 * does).
 *
 * <p>Protocol. The producer may write slot {@code s & mask} only while
 * {@code s - consumerHead < capacity}. It fills the slot's fields with plain stores and then
 * publishes the slot's sequence field {@code = s} with a release store; the consumer reads that with
 * an acquire load and, if it equals {@code s}, may read the fields. The consumer releases every
 * slot below a number by storing {@code consumerHead} with release, after its last read of those
 * slots; the producer reads {@code consumerHead} with acquire before reusing a slot. A slot
 * therefore never changes while the consumer can still read it.
 *
 * <p>How the consumer learns which numbers exist. A slot it finds holding its number exists; a
 * number {@code x} it finds empty lies below the producer's highest number exactly when
 * {@code x <= jumpMark()}: the producer stores numbers above its highest one at a time, and
 * publishes the jump mark (after the slot) only when a number skips over missing ones, so every
 * number above the mark, up to the producer's highest, is held. The consumer therefore detects
 * new packets from the slots it reads anyway; no field is written for every packet that the
 * consumer must read on every poll (that line would move between the cores on each poll).
 *
 * <p>Payload memory. A slot does not own payload memory: the producer stores each packet's payload
 * in a chunk of {@code maxPayloadBytes} bytes taken from a {@link PayloadChunkPool} and records
 * the chunk's number in the slot. A chunk goes back to the pool once its slot is released, so the
 * producer reuses the chunks released last (still in cache) instead of walking through
 * {@code capacity x maxPayloadBytes} bytes of memory, which is larger than a core's cache.
 * A borrowed payload ({@link #writeBorrowed}) is not copied at all: the slot keeps a reference to
 * the caller's array and to an owner object, which the consumer hands back to the caller before
 * it releases the slot. The consumer only reads these references, never clears them: a store
 * there would pull the line the producer is filling for the next slots over to the consumer's
 * core. They stay until the slot is reused (at most {@code capacity} packets later); since the
 * consumer's head only moves forward, each slot's owner is still handed back once.
 *
 * <p>Thread-safety: exactly one producer thread and one consumer thread, as described above.
 */
public final class SpscSlotRing extends SlotRingPadding2 {

    /** Slot flag: the RTP marker bit was set. */
    public static final int FLAG_MARKER = 1;
    /**
     * Slot flag: not a packet but the boundary between two streams (SSRC change or sequence
     * restart). Nothing below it will ever arrive again; the new stream's packets follow it.
     */
    public static final int FLAG_STREAM_BOUNDARY = 2;
    /**
     * Slot flag: the payload was borrowed, not copied: it lies in the caller's array (see
     * {@link #payloadArray(long)}), and its owner must be handed back once the slot is consumed.
     */
    public static final int FLAG_BORROWED = 4;

    private static final VarHandle SEQUENCE = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle JUMP_MARK;
    private static final VarHandle FLUSH_BELOW;
    private static final VarHandle PLAYOUT_OFFSET;
    private static final VarHandle TARGET_DELAY;
    private static final VarHandle CONSUMER_HEAD;
    private static final VarHandle KEYFRAME_REQUESTS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            JUMP_MARK = lookup.findVarHandle(SlotRingProducerFields.class, "jumpMark", long.class);
            FLUSH_BELOW = lookup.findVarHandle(SlotRingProducerRareFields.class, "flushBelow", long.class);
            PLAYOUT_OFFSET = lookup.findVarHandle(SlotRingProducerRareFields.class, "playoutOffsetNs", long.class);
            TARGET_DELAY = lookup.findVarHandle(SlotRingProducerRareFields.class, "targetDelayNs", long.class);
            CONSUMER_HEAD = lookup.findVarHandle(SlotRingConsumerFields.class, "consumerHead", long.class);
            KEYFRAME_REQUESTS = lookup.findVarHandle(SlotRingConsumerFields.class, "keyframeRequests", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int mask;
    private final int maxPayloadBytes;
    /**
     * Slot metadata, one slot per {@link #STRIDE} longs (64 bytes) so that a packet's fields share
     * a cache line or two instead of one line per field array.
     */
    private final long[] meta;
    private final byte[] payload;
    /**
     * Borrowed payloads: for slot i, the caller's array at {@code 2 i} and its owner at
     * {@code 2 i + 1} (side by side, so a packet touches one line of this array). Written by the
     * producer with the slot's other fields; only read by the consumer.
     */
    private final Object[] borrowed;

    /** Longs per slot in {@link #meta}. */
    private static final int STRIDE = 8;
    private static final int SEQUENCE_FIELD = 0;
    private static final int MEDIA_TIME_FIELD = 1;
    private static final int ARRIVAL_FIELD = 2;
    private static final int RTP_TIMESTAMP_FIELD = 3;
    private static final int WIRE_SEQUENCE_FIELD = 4;
    private static final int LENGTH_FIELD = 5;
    private static final int FLAGS_FIELD = 6;
    /** Copied payload: the chunk number; borrowed payload: the offset in the caller's array. */
    private static final int CHUNK_FIELD = 7;

    /**
     * @param capacity number of slots; a power of two
     * @param maxPayloadBytes bytes reserved per slot
     */
    public SpscSlotRing(int capacity, int maxPayloadBytes) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 2: " + capacity);
        }
        if ((long) capacity * maxPayloadBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("capacity * maxPayloadBytes too large: " + capacity + " * " + maxPayloadBytes);
        }
        this.mask = capacity - 1;
        this.maxPayloadBytes = maxPayloadBytes;
        meta = new long[capacity * STRIDE];
        for (int i = 0; i < capacity; i++) {
            meta[i * STRIDE + SEQUENCE_FIELD] = -1L;
        }
        payload = new byte[capacity * maxPayloadBytes];
        borrowed = new Object[capacity * 2];
    }

    private int base(long s) {
        return ((int) s & mask) * STRIDE;
    }

    // ---- producer side -------------------------------------------------------------------

    /**
     * Whether slot {@code s} currently holds packet {@code s}. Producer thread only (it reads its
     * own stores).
     */
    public boolean producerHolds(long s) {
        return meta[base(s) + SEQUENCE_FIELD] == s;
    }

    /**
     * Fills slot {@code s} and publishes it. Producer thread only; the caller has checked that
     * {@code s - consumerHead < capacity}.
     */
    public void write(long s, long mediaNs, long arrival, int rtpTs, int wireSeq, int flagBits, int chunk,
            byte[] src, int srcOffset, int srcLength) {
        int b = writeFields(s, mediaNs, arrival, rtpTs, wireSeq, srcLength, flagBits, chunk);
        System.arraycopy(src, srcOffset, payload, chunk * maxPayloadBytes, srcLength);
        // Release: the slot's fields above become visible before its sequence number.
        SEQUENCE.setRelease(meta, b + SEQUENCE_FIELD, s);
    }

    /** Stores slot {@code s}'s fields except its sequence number (not yet published); returns its base. */
    private int writeFields(long s, long mediaNs, long arrival, int rtpTs, int wireSeq, int length, int flags,
            int chunkOrOffset) {
        int b = base(s);
        meta[b + MEDIA_TIME_FIELD] = mediaNs;
        meta[b + ARRIVAL_FIELD] = arrival;
        meta[b + RTP_TIMESTAMP_FIELD] = rtpTs;
        meta[b + WIRE_SEQUENCE_FIELD] = wireSeq;
        meta[b + LENGTH_FIELD] = length;
        meta[b + FLAGS_FIELD] = flags;
        meta[b + CHUNK_FIELD] = chunkOrOffset;
        return b;
    }

    /**
     * Fills slot {@code s} with a packet whose payload stays in the caller's array, and publishes
     * it. Producer thread only; the caller has checked that {@code s - consumerHead < capacity}.
     * The consumer hands {@code owner} back, read with {@link #borrowedOwner(long)}.
     */
    public void writeBorrowed(long s, long mediaNs, long arrival, int rtpTs, int wireSeq, int flagBits,
            byte[] src, int srcOffset, int srcLength, Object owner) {
        int b = writeFields(s, mediaNs, arrival, rtpTs, wireSeq, srcLength, flagBits | FLAG_BORROWED, srcOffset);
        int r = ((int) s & mask) * 2;
        borrowed[r] = src;
        borrowed[r + 1] = owner;
        // Release: the slot's fields above become visible before its sequence number.
        SEQUENCE.setRelease(meta, b + SEQUENCE_FIELD, s);
    }

    /**
     * The payload chunk of slot {@code s} if the slot holds packet {@code s} with a copied
     * payload, otherwise -1 (never written, a stream boundary or a borrowed payload). Producer
     * thread only.
     */
    public int producerChunk(long s) {
        int b = base(s);
        if (meta[b + SEQUENCE_FIELD] != s || (meta[b + FLAGS_FIELD] & (FLAG_STREAM_BOUNDARY | FLAG_BORROWED)) != 0) {
            return -1;
        }
        return (int) meta[b + CHUNK_FIELD];
    }

    /** @return the number of slots */
    public int capacity() {
        return mask + 1;
    }

    /**
     * Publishes a stream boundary in slot {@code s} (see {@link #FLAG_STREAM_BOUNDARY}).
     *
     * @param olderTimestamp see {@link #boundaryOlderTimestamp(long)}
     */
    public void writeBoundary(long s, long olderTimestamp) {
        int b = base(s);
        meta[b + LENGTH_FIELD] = 0;
        meta[b + RTP_TIMESTAMP_FIELD] = olderTimestamp;
        meta[b + FLAGS_FIELD] = FLAG_STREAM_BOUNDARY;
        SEQUENCE.setRelease(meta, b + SEQUENCE_FIELD, s);
    }

    /**
     * Replaces the older numbering's timestamp of boundary {@code s}, if its slot still holds
     * that boundary (release). Producer thread; the consumer keeps a boundary's slot until it has
     * read this (see {@link #boundaryOlderTimestamp(long)}).
     */
    public void updateBoundaryOlderTimestamp(long s, long olderTimestamp) {
        int b = base(s);
        if (meta[b + SEQUENCE_FIELD] == s && (meta[b + FLAGS_FIELD] & FLAG_STREAM_BOUNDARY) != 0) {
            SEQUENCE.setRelease(meta, b + RTP_TIMESTAMP_FIELD, olderTimestamp);
        }
    }

    /**
     * A boundary's note on the numbering the new stream restarted (same SSRC): the latest RTP
     * timestamp seen of it, as {@link #olderTimestamp(int)}, or {@link #NO_OLDER_TIMESTAMP} (a
     * new source, or nothing known). The producer may raise it while the stream after the
     * boundary is its current one (acquire). Consumer thread, for a boundary slot it has not
     * released.
     */
    public long boundaryOlderTimestamp(long s) {
        return (long) SEQUENCE.getAcquire(meta, base(s) + RTP_TIMESTAMP_FIELD);
    }

    /** {@link #boundaryOlderTimestamp(long)} when nothing is known. */
    public static final long NO_OLDER_TIMESTAMP = 0;

    /** @return RTP timestamp {@code rtpTimestamp} as a boundary's older-numbering note */
    public static long olderTimestamp(int rtpTimestamp) {
        return 1L << 32 | (rtpTimestamp & 0xFFFF_FFFFL);
    }

    /**
     * Publishes {@code s}, just stored above the producer's previous highest number + 1, as the
     * jump mark (release, so its slot is visible first). Producer thread only; not needed for a
     * number that is exactly the previous highest + 1.
     */
    public void publishJump(long s) {
        JUMP_MARK.setRelease(this, s);
    }

    /** Asks the consumer to drop everything below {@code s}. */
    public void requestFlushBelow(long s) {
        FLUSH_BELOW.setRelease(this, s);
    }

    /** Publishes the playout timing for the consumer. */
    public void publishTiming(long offsetNs, long targetNs) {
        // Opaque is enough: each value is used on its own and any recent value is correct.
        PLAYOUT_OFFSET.setOpaque(this, offsetNs);
        TARGET_DELAY.setOpaque(this, targetNs);
    }

    /** @return the consumer's head, acquired so that its reads of older slots are complete */
    public long consumerHead() {
        return (long) CONSUMER_HEAD.getAcquire(this);
    }

    /** @return keyframe requests raised so far; any thread */
    public long keyframeRequests() {
        return (long) KEYFRAME_REQUESTS.getAcquire(this);
    }

    // ---- consumer side -------------------------------------------------------------------

    /** Whether slot {@code s} holds packet {@code s} (acquire). Consumer thread. */
    public boolean holds(long s) {
        return (long) SEQUENCE.getAcquire(meta, base(s) + SEQUENCE_FIELD) == s;
    }

    /**
     * The last number the producer stored above its highest + 1 at the time (acquire), or -1.
     * Every number from here up to the producer's highest is either held or released by the
     * consumer, so a number the consumer finds empty at or above its head exists (is below the
     * producer's highest) only if it is at most this mark.
     */
    public long jumpMark() {
        return (long) JUMP_MARK.getAcquire(this);
    }

    /**
     * The pending flush point, if it lies above {@code head}. Read opaque, with acquire ordering
     * only when it is returned: nearly every poll finds no flush to act on, and then orders
     * nothing on it.
     *
     * @param head the consumer's head
     * @return the flush point, above {@code head}, or -1 if none is
     */
    public long flushAbove(long head) {
        long flush = (long) FLUSH_BELOW.getOpaque(this);
        if (flush > head) {
            VarHandle.acquireFence();
            return flush;
        }
        return -1;
    }

    /** @return local playout time minus media time, in nanoseconds */
    public long playoutOffsetNs() {
        return (long) PLAYOUT_OFFSET.getOpaque(this);
    }

    /** @return the producer's current target delay, in nanoseconds */
    public long targetDelayNs() {
        return (long) TARGET_DELAY.getOpaque(this);
    }

    /** Releases every slot below {@code s}. Consumer thread. */
    public void releaseBelow(long s) {
        // Release: our reads of the released slots happen-before the producer reuses them.
        CONSUMER_HEAD.setRelease(this, s);
    }

    /** Raises one keyframe request. Consumer thread. */
    public void raiseKeyframeRequest() {
        KEYFRAME_REQUESTS.setRelease(this, (long) KEYFRAME_REQUESTS.getOpaque(this) + 1);
    }

    /**
     * Walks a run of packets sharing one media time, from held number {@code from}. The run is
     * closed by a packet with the marker bit, or by a held packet after it with another media
     * time; it stays open at a number whose successor is not (yet) held, and at a stream
     * boundary. A boundary says nothing about where the frame ends: a stream restarted in the
     * middle of a frame (a simulcast layer's numbering restarted on the first packet after a
     * pause, which may be the frame's second) leaves the frame's first packets before the
     * boundary and its rest after it, so a run cut by a boundary is only part of a frame and can
     * never be completed (the consumer gives it up). One method with the arrays in locals, so
     * the JIT does not reload them after each slot's acquire. Consumer thread.
     *
     * @param from a number the consumer holds, in the run
     * @param mediaNs the run's media time
     * @return the run's last number times 2, plus 1 if the run is closed; every number up to
     *     the last is held
     */
    public long scanRun(long from, long mediaNs) {
        final long[] m = meta;
        final int k = mask;
        long s = from;
        while (true) {
            if ((m[((int) s & k) * STRIDE + FLAGS_FIELD] & FLAG_MARKER) != 0) {
                return s << 1 | 1;
            }
            long next = s + 1;
            int b = ((int) next & k) * STRIDE;
            if ((long) SEQUENCE.getAcquire(m, b + SEQUENCE_FIELD) != next) {
                return s << 1;
            }
            if ((m[b + FLAGS_FIELD] & FLAG_STREAM_BOUNDARY) != 0) {
                return s << 1;
            }
            if (m[b + MEDIA_TIME_FIELD] != mediaNs) {
                return s << 1 | 1;
            }
            s = next;
        }
    }

    /** Media time of slot {@code s}'s packet, in nanoseconds; read after {@link #holds}. */
    public long mediaTimeNs(long s) {
        return meta[base(s) + MEDIA_TIME_FIELD];
    }

    /** Arrival time of slot {@code s}'s packet, in nanoseconds. */
    public long arrivalNs(long s) {
        return meta[base(s) + ARRIVAL_FIELD];
    }

    /** RTP timestamp of slot {@code s}'s packet. Either thread, for a slot it may read. */
    public int rtpTimestamp(long s) {
        return (int) meta[base(s) + RTP_TIMESTAMP_FIELD];
    }

    /** 16-bit RTP sequence number of slot {@code s}'s packet. */
    public int wireSequence(long s) {
        return (int) meta[base(s) + WIRE_SEQUENCE_FIELD];
    }

    /** Flag bits of slot {@code s}'s packet. */
    public int flags(long s) {
        return (int) meta[base(s) + FLAGS_FIELD];
    }

    /** Payload length of slot {@code s}'s packet, in bytes. */
    public int payloadLength(long s) {
        return (int) meta[base(s) + LENGTH_FIELD];
    }

    /** Offset of slot {@code s}'s payload in {@link #payloadArray(long)}. */
    public int payloadOffset(long s) {
        int b = base(s);
        long chunkOrOffset = meta[b + CHUNK_FIELD];
        return (meta[b + FLAGS_FIELD] & FLAG_BORROWED) != 0 ? (int) chunkOrOffset : (int) chunkOrOffset * maxPayloadBytes;
    }

    /** The array holding slot {@code s}'s payload: the caller's if borrowed, else the pool. */
    public byte[] payloadArray(long s) {
        if ((meta[base(s) + FLAGS_FIELD] & FLAG_BORROWED) != 0) {
            return (byte[]) borrowed[((int) s & mask) * 2];
        }
        return payload;
    }

    /**
     * The owner of slot {@code s}'s borrowed payload, to be handed back. Consumer thread, before
     * it releases the slot; only for a slot it {@link #holds} with {@link #FLAG_BORROWED}.
     */
    public Object borrowedOwner(long s) {
        return borrowed[((int) s & mask) * 2 + 1];
    }
}
