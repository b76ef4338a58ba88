package io.smoothcast.benchmarks.jitter.floor;

import io.smoothcast.benchmarks.jitter.BenchmarkJitterBuffer;
import io.smoothcast.benchmarks.jitter.ConsumerTally;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** 128 bytes in front of the producer's fields of {@link HandOffQueue}. */
abstract class HandOffPadding0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

/** Written by the producer only. */
abstract class HandOffProducerFields extends HandOffPadding0 {
    /** Next sequence the producer writes. */
    long tail;
    /** The consumer's head as last read: the producer re-reads it only when this says full. */
    long cachedHead;
}

/** 128 bytes between the producer's fields and the consumer's published head. */
abstract class HandOffPadding1 extends HandOffProducerFields {
    long p10, p11, p12, p13, p14, p15, p16, p17;
    long p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
}

/** Written by the consumer once per delivering poll, read by the producer when it looks full. */
abstract class HandOffHeadField extends HandOffPadding1 {
    @SuppressWarnings("unused") // through HandOffQueue.HEAD
    volatile long consumerHead;
}

/** 128 bytes between the published head and the consumer's own fields. */
abstract class HandOffPadding2 extends HandOffHeadField {
    long p20, p21, p22, p23, p24, p25, p26, p27;
    long p28, p29, p2a, p2b, p2c, p2d, p2e, p2f;
}

/** Written by the consumer only. */
abstract class HandOffConsumerFields extends HandOffPadding2 {
    /** Next sequence the consumer reads. */
    long head;
}

/** 128 bytes behind the consumer's fields. */
abstract class HandOffPadding3 extends HandOffConsumerFields {
    long p30, p31, p32, p33, p34, p35, p36, p37;
    long p38, p39, p3a, p3b, p3c, p3d, p3e, p3f;
}

/**
 * The floor of the two-thread case, not a jitter buffer: a bare single-producer single-consumer
 * hand-off with one slot per packet. The producer writes the payload reference and its
 * length and offset, then publishes the slot's sequence number with a release store; the consumer
 * acquires each slot's number, hands out every packet that has arrived (checksummed and counted
 * as handed back, like the real buffers' consumers, in a padded {@link ConsumerTally}) and
 * publishes its head once per delivering poll. No frames, no playout time, no unwrapping, no
 * statistics: whatever an SPSC jitter buffer does per packet costs at least this much, so its
 * two-thread rate is the ceiling any jitter buffer can reach in the {@code spsc} workload.
 * Borrowed payloads only; packets must arrive in order (the {@code spsc} workload does); the
 * sequence number is taken as is (16 bits extended by the producer's own count).
 *
 * <p>Layout as the SDK's ring: producer fields, the consumer's published head and the consumer's
 * fields each on cache lines of their own (padding by inheritance); a slot's number and its
 * length/offset in one 16-byte record (four slots per cache line), references in their own array.
 *
 * <p>Thread-safety: one producer thread ({@link #offer}), one consumer thread ({@link #poll}).
 */
public final class HandOffQueue extends HandOffPadding3 implements BenchmarkJitterBuffer {

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(HandOffHeadField.class, "consumerHead", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Longs per slot record: 2 by default (four slots per cache line); the diagnostic
     * {@code -Dfloor.handoff.stride=4} or {@code 8} spreads the same two fields over 32 or 64 bytes,
     * to price the slot lines that move between the cores per packet.
     */
    private static final int STRIDE = Integer.getInteger("floor.handoff.stride", 2);
    private static final int SEQUENCE = 0;
    /** Length in the high 32 bits, offset in the low 32. */
    private static final int LENGTH_AND_OFFSET = 1;

    private final int mask;
    private final long[] meta;
    private final byte[][] payloads;
    private final ConsumerTally tally = new ConsumerTally();

    /** @param capacity slots, a power of two */
    public HandOffQueue(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 2: " + capacity);
        }
        if (STRIDE != 2 && STRIDE != 4 && STRIDE != 8) {
            throw new IllegalArgumentException("floor.handoff.stride must be 2, 4 or 8: " + STRIDE);
        }
        this.mask = capacity - 1;
        this.meta = new long[capacity * STRIDE];
        for (int i = 0; i < capacity; i++) {
            meta[i * STRIDE + SEQUENCE] = -1;
        }
        this.payloads = new byte[capacity][];
    }

    @Override
    public boolean offer(int sequenceNumber, int rtpTimestamp, boolean marker, long arrivalNs, byte[] payload,
            int offset, int length) {
        final long s = tail;
        if ((sequenceNumber & 0xFFFF) != ((int) s & 0xFFFF)) {
            return false; // out of order: not this floor's workload
        }
        final int capacity = mask + 1;
        if (s - cachedHead >= capacity) {
            long h = (long) HEAD.getAcquire(this);
            cachedHead = h;
            if (s - h >= capacity) {
                return false;
            }
        }
        final int slot = (int) s & mask;
        payloads[slot] = payload;
        meta[slot * STRIDE + LENGTH_AND_OFFSET] = (long) length << 32 | (offset & 0xFFFF_FFFFL);
        SLOTS.setRelease(meta, slot * STRIDE + SEQUENCE, s);
        tail = s + 1;
        return true;
    }

    @Override
    public int poll(long nowNs) {
        final long[] m = meta;
        final int k = mask;
        final long start = head;
        long h = start;
        final ConsumerTally t = tally;
        while ((long) SLOTS.getAcquire(m, ((int) h & k) * STRIDE + SEQUENCE) == h) {
            final int slot = (int) h & k;
            final long lengthAndOffset = m[slot * STRIDE + LENGTH_AND_OFFSET];
            t.checksum += payloads[slot][(int) lengthAndOffset] + (lengthAndOffset >>> 32);
            t.released++;
            h++;
        }
        if (h == start) {
            return 0;
        }
        head = h;
        HEAD.setRelease(this, h);
        return (int) (h - start);
    }

    @Override
    public long checksum() {
        return tally.checksum;
    }

    @Override
    public long releasedPayloads() {
        return tally.released;
    }
}
