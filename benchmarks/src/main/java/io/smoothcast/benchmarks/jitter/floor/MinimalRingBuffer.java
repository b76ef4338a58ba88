package io.smoothcast.benchmarks.jitter.floor;

import io.smoothcast.benchmarks.jitter.BenchmarkJitterBuffer;
import io.smoothcast.benchmarks.jitter.ConsumerTally;
import io.smoothcast.jitter.internal.PlayoutDelayEstimator;
import io.smoothcast.jitter.internal.SeqLockedCounters;
import io.smoothcast.rtp.SequenceUnwrapper;
import io.smoothcast.rtp.TimestampUnwrapper;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** 128 bytes in front of the producer's fields of {@link MinimalRingBuffer}. */
abstract class MinimalRingPadding0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

/** Written and read by the producer only. */
abstract class MinimalRingProducerFields extends MinimalRingPadding0 {
    long highest = -1;
    long cachedHead;
    boolean started;
    long firstTicks;
    int lastRtpTimestamp;
    long lastMediaNs;
    long lastPublishedOffsetNs;
    long received;
    long bytes;
    /** {@code floor.pollatmarker} only: a marker packet was offered since the last poll. */
    boolean markerSeen;
}

/** 128 bytes between the producer's fields and the consumer's published head. */
abstract class MinimalRingPadding1 extends MinimalRingProducerFields {
    long p10, p11, p12, p13, p14, p15, p16, p17;
    long p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
}

/** Written by the consumer once per delivered frame, read by the producer when it looks full. */
abstract class MinimalRingHeadField extends MinimalRingPadding1 {
    @SuppressWarnings("unused") // through MinimalRingBuffer.HEAD
    volatile long consumerHead;
}

/** 128 bytes between the published head and the published playout offset. */
abstract class MinimalRingPadding2 extends MinimalRingHeadField {
    long p20, p21, p22, p23, p24, p25, p26, p27;
    long p28, p29, p2a, p2b, p2c, p2d, p2e, p2f;
}

/**
 * Written by the producer when the playout offset changes (once at the start with a fixed
 * delay), read by every poll: a line that stays in the consumer's cache.
 */
abstract class MinimalRingOffsetField extends MinimalRingPadding2 {
    @SuppressWarnings("unused") // through MinimalRingBuffer.OFFSET
    volatile long publishedOffsetNs;
}

/** 128 bytes between the published offset and the consumer's fields. */
abstract class MinimalRingPadding3 extends MinimalRingOffsetField {
    long p30, p31, p32, p33, p34, p35, p36, p37;
    long p38, p39, p3a, p3b, p3c, p3d, p3e, p3f;
}

/** Written and read by the consumer only. */
abstract class MinimalRingConsumerFields extends MinimalRingPadding3 {
    long head;
    long scanned = -1;
    long frames;
    long emitted;
    long delaySumNs;
}

/** 128 bytes behind the consumer's fields. */
abstract class MinimalRingPadding4 extends MinimalRingConsumerFields {
    long p40, p41, p42, p43, p44, p45, p46, p47;
    long p48, p49, p4a, p4b, p4c, p4d, p4e, p4f;
}

/**
 * A floor study, not a jitter buffer: the smallest single-producer single-consumer ring with the
 * skeleton of the SDK's contract, to tell how much of its cost per packet the architecture itself
 * needs. Borrowed payloads only; in-order and reordered packets; no loss handling (a gap stalls
 * it), no stream restarts, no NACK, no freeze detection, no payload copy.
 *
 * <p>Always: the slot's fields written with plain stores and its number published with a release
 * store, the consumer's acquire of each slot, a frame per RTP timestamp closed by the marker bit,
 * delivery at the playout time, the borrowed owners handed back through a releaser, the head
 * published with release and read by the producer with acquire when a packet is not the next one.
 * Layers switched on by system properties (static finals, so the JIT folds the ones left off):
 * <ul>
 *   <li>{@code floor.unwrap}: the SDK's RFC 3550 {@link SequenceUnwrapper} and the
 *       {@link TimestampUnwrapper} instead of a 16-bit difference;</li>
 *   <li>{@code floor.stats}: the SDK's {@link SeqLockedCounters} written per packet (received,
 *       bytes, three gauges) and per frame (frames, packets, delay sums), as the SDK does;</li>
 *   <li>{@code floor.estimator}: the SDK's {@link PlayoutDelayEstimator} per packet, its offset
 *       published (opaque) when it changes and read by every poll.</li>
 * </ul>
 * Diagnostics, each leaving out part of the skeleton to price it (results no longer a fair
 * buffer): {@code floor.pollatmarker} (a poll returns at once unless a marker packet was offered
 * since the last one: the price of the three polls per frame that find the frame still open),
 * {@code floor.norelease} (owners not handed back), {@code floor.nodivision} (media time as
 * ticks x 1000, right for the benchmark's 1 MHz clock only: the price of the divisions once per
 * new timestamp).
 *
 * <pre>
 * java [-Dfloor.unwrap=true] [-Dfloor.estimator=true] [-Dfloor.stats=true] -cp benchmarks/target/benchmarks.jar \
 *     io.smoothcast.benchmarks.jitter.JitterBufferCpuTime minimalring 1200 borrowed
 * </pre>
 *
 * <p>Two threads (session 9, jitter11): the producer's fields, the consumer's published head, the
 * published playout offset and the consumer's fields each sit on cache lines of their own
 * (padding by inheritance, as the SDK's ring), and the consumer's tallies in a padded
 * {@link ConsumerTally}, so the {@code spsc} workload can run it like the real buffers.
 *
 * <p>Thread-safety: one producer thread ({@link #offer}), one consumer thread ({@link #poll});
 * the single-thread cases run both on one.
 */
public final class MinimalRingBuffer extends MinimalRingPadding4 implements BenchmarkJitterBuffer {

    static final boolean UNWRAP = Boolean.getBoolean("floor.unwrap");
    static final boolean STATS = Boolean.getBoolean("floor.stats");
    static final boolean ESTIMATOR = Boolean.getBoolean("floor.estimator");
    static final boolean NO_DIVISION = Boolean.getBoolean("floor.nodivision");
    static final boolean POLL_AT_MARKER = Boolean.getBoolean("floor.pollatmarker");
    static final boolean NO_RELEASE = Boolean.getBoolean("floor.norelease");

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle HEAD;
    private static final VarHandle OFFSET;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(MinimalRingHeadField.class, "consumerHead", long.class);
            OFFSET = MethodHandles.lookup().findVarHandle(MinimalRingOffsetField.class, "publishedOffsetNs", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Longs per slot record: 4 by default (32 bytes, two slots per cache line); the diagnostic
     * {@code -Dfloor.ring.stride=8} spreads the same fields over 64 bytes, as the SDK's ring does,
     * to price the slot lines that move between the cores per packet with two threads.
     */
    private static final int STRIDE = Integer.getInteger("floor.ring.stride", 4);
    private static final int SEQUENCE = 0;
    private static final int MEDIA = 1;
    /** Marker bit in bit 0, length above it. */
    private static final int MARKER_AND_LENGTH = 2;
    private static final int OFFSET_FIELD = 3;

    private final int mask;
    private final int clockRateHz;
    private final long[] meta;
    private final Object[] refs;
    private final ConsumerTally tally = new ConsumerTally();
    private final Releaser releaser;

    // producer
    private final SequenceUnwrapper sequences = new SequenceUnwrapper(SequenceUnwrapper.DEFAULT_MAX_DROPOUT, 1024, 1);
    private final TimestampUnwrapper timestamps = new TimestampUnwrapper();
    private final SeqLockedCounters producerCounters = new SeqLockedCounters(8);
    private final PlayoutDelayEstimator estimator;
    // consumer
    private final SeqLockedCounters consumerCounters;

    /** Hands a borrowed owner back, as the SDK's {@code PayloadReleaser}. */
    @FunctionalInterface
    interface Releaser {
        void release(Object owner);
    }

    /**
     * @param capacity slots, a power of two
     * @param clockRateHz RTP clock rate
     */
    public MinimalRingBuffer(int capacity, int clockRateHz) {
        if (STRIDE != 4 && STRIDE != 8) {
            throw new IllegalArgumentException("floor.ring.stride must be 4 or 8: " + STRIDE);
        }
        this.mask = capacity - 1;
        this.clockRateHz = clockRateHz;
        // The producer's objects (written per packet) are allocated before the slot arrays and
        // the consumer's (written per frame) after them, so that none share a cache line.
        this.estimator = new PlayoutDelayEstimator(false, 0, 0, 1_000_000_000L, 0.1, 0.98, 0.9995, 2_000_000L,
                5_000_000_000L, true);
        this.meta = new long[capacity * STRIDE];
        for (int i = 0; i < capacity; i++) {
            meta[i * STRIDE + SEQUENCE] = -1;
        }
        this.refs = new Object[capacity * 2];
        ConsumerTally t = tally;
        this.releaser = owner -> t.released++;
        this.consumerCounters = new SeqLockedCounters(8);
    }

    @Override
    public boolean offer(int sequenceNumber, int rtpTimestamp, boolean marker, long arrivalNs, byte[] payload,
            int offset, int length) {
        long s;
        if (UNWRAP) {
            if (sequences.update(sequenceNumber) != SequenceUnwrapper.VALID) {
                return false;
            }
            // The unwrapper numbers the first packet 65536 (room for late ones below it); the
            // consumer starts at 0.
            s = sequences.extendedSequence() - 65536;
        } else {
            s = highest + (short) (sequenceNumber - (int) highest);
        }
        final int capacity = mask + 1;
        if (s <= highest || s - cachedHead >= capacity) {
            long h = (long) HEAD.getAcquire(this);
            cachedHead = h;
            if (s < h || s - h >= capacity || meta[((int) s & mask) * STRIDE + SEQUENCE] == s) {
                return false;
            }
        }
        if (rtpTimestamp != lastRtpTimestamp || !started) {
            lastRtpTimestamp = rtpTimestamp;
            long ticks;
            if (UNWRAP) {
                long unwrapped = timestamps.unwrap(rtpTimestamp);
                if (!started) {
                    firstTicks = unwrapped;
                }
                ticks = unwrapped - firstTicks;
            } else {
                ticks = rtpTimestamp & 0xFFFF_FFFFL;
            }
            lastMediaNs = NO_DIVISION ? ticks * 1000
                    : ticks / clockRateHz * 1_000_000_000L + ticks % clockRateHz * 1_000_000_000L / clockRateHz;
        }
        final long mediaNs = lastMediaNs;
        if (!started) {
            started = true;
            // The fixed offset (or the estimator's first), published before the first slot.
            lastPublishedOffsetNs = arrivalNs - mediaNs;
            OFFSET.setOpaque(this, lastPublishedOffsetNs);
        }
        if (ESTIMATOR) {
            estimator.onPacket(arrivalNs, mediaNs);
            long offsetNs = estimator.playoutOffsetNs();
            if (offsetNs != lastPublishedOffsetNs) {
                lastPublishedOffsetNs = offsetNs;
                OFFSET.setOpaque(this, offsetNs);
            }
        }
        if (POLL_AT_MARKER && marker) {
            markerSeen = true;
        }
        final boolean advances = s > highest;
        if (advances) {
            highest = s;
        }
        final int slot = (int) s & mask;
        final int b = slot * STRIDE;
        final long[] m = meta;
        m[b + MEDIA] = mediaNs;
        m[b + MARKER_AND_LENGTH] = (long) length << 1 | (marker ? 1 : 0);
        m[b + OFFSET_FIELD] = offset;
        refs[slot * 2] = payload;
        refs[slot * 2 + 1] = payload;
        SLOTS.setRelease(m, b + SEQUENCE, s);
        if (STATS) {
            final long r = ++received;
            final long by = bytes += length;
            final SeqLockedCounters c = producerCounters;
            long token = c.beginWrite();
            c.put(0, r);
            c.put(1, by);
            if (!advances) {
                c.add(2, 1);
            }
            c.set(3, estimator.jitterNs());
            c.set(4, estimator.targetDelayNs());
            c.set(5, estimator.playoutDelayNs());
            c.endWrite(token);
        }
        return true;
    }

    @Override
    public int poll(long nowNs) {
        if (POLL_AT_MARKER) {
            if (!markerSeen) {
                return 0;
            }
            markerSeen = false;
        }
        final long[] m = meta;
        final int k = mask;
        int delivered = 0;
        while (true) {
            final long h = head;
            if ((long) SLOTS.getAcquire(m, ((int) h & k) * STRIDE + SEQUENCE) != h) {
                return delivered;
            }
            final long mediaNs = m[((int) h & k) * STRIDE + MEDIA];
            // Read after a slot's acquire, so never older than the first packet's publication.
            final long offsetNs = (long) OFFSET.getOpaque(this);
            // The run's end: resumes where the last poll's scan of the same frame stopped.
            long e = scanned >= h ? scanned : h;
            boolean closed;
            while (true) {
                if ((m[((int) e & k) * STRIDE + MARKER_AND_LENGTH] & 1) != 0) {
                    closed = true;
                    break;
                }
                long n = e + 1;
                int nb = ((int) n & k) * STRIDE;
                if ((long) SLOTS.getAcquire(m, nb + SEQUENCE) != n) {
                    closed = false;
                    break;
                }
                if (m[nb + MEDIA] != mediaNs) {
                    closed = true;
                    break;
                }
                e = n;
            }
            scanned = e;
            if (!closed || nowNs - (mediaNs + offsetNs) < 0) {
                return delivered;
            }
            final ConsumerTally t = tally;
            final Object[] r = refs;
            for (long s = h; s <= e; s++) {
                int slot = (int) s & k;
                long ml = m[slot * STRIDE + MARKER_AND_LENGTH];
                byte[] payload = (byte[]) r[slot * 2];
                t.checksum += payload[(int) m[slot * STRIDE + OFFSET_FIELD]] + (ml >>> 1);
                if (!NO_RELEASE) {
                    releaser.release(r[slot * 2 + 1]);
                }
            }
            final int packets = (int) (e - h + 1);
            delivered += packets;
            if (STATS) {
                final long f = ++frames;
                final long p = emitted += packets;
                final long d = delaySumNs += nowNs - (mediaNs + offsetNs);
                final SeqLockedCounters c = consumerCounters;
                long token = c.beginWrite();
                c.put(0, f);
                c.put(1, p);
                c.put(2, d);
                c.endWrite(token);
            }
            head = e + 1;
            HEAD.setRelease(this, e + 1);
        }
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
