package io.smoothcast.benchmarks.jitter.baseline;

import io.smoothcast.benchmarks.jitter.BenchmarkJitterBuffer;
import io.smoothcast.benchmarks.jitter.ConsumerTally;
import io.smoothcast.jitter.internal.NackTracker;
import io.smoothcast.jitter.internal.PlayoutDelayEstimator;
import io.smoothcast.rtp.SequenceUnwrapper;
import io.smoothcast.rtp.TimestampUnwrapper;
import java.util.Arrays;
import java.util.NavigableMap;

/**
 * The jitter buffer written the everyday way: packets as objects in a sorted map keyed by
 * extended sequence number. Same semantics as the SDK's buffer in the benchmarked cases: RFC 3550
 * sequence unwrapping, timestamp unwrapping, duplicate and late detection, a capacity bound,
 * NACK gap registration, the same playout-delay estimator (fixed mode), frames by timestamp and
 * marker bit delivered in order at their playout time, and a give-up of incomplete frames when a
 * later complete one is due. Payloads are copied into a new array per packet, or borrowed: the
 * packet keeps the caller's array and it is handed back (counted) once delivered or dropped, as
 * the SDK's {@code offerBorrowed} does. Subclasses choose the map and how the two threads are kept
 * apart.
 */
abstract class SortedMapJitterBuffer implements BenchmarkJitterBuffer {

    private static final long NS_PER_SECOND = 1_000_000_000L;

    private final NavigableMap<Long, BaselinePacket> packets;
    private final int capacity;
    private final int clockRateHz;
    private final boolean borrow;
    // Producer state.
    private final SequenceUnwrapper sequences;
    private final TimestampUnwrapper timestamps = new TimestampUnwrapper();
    private final PlayoutDelayEstimator estimator;
    private final NackTracker nacks = new NackTracker(512, 10, 5_000_000L, 20_000_000L);
    private boolean started;
    private long firstTicks;
    private long mediaBaseNs;
    private long highest = -1;
    private long duplicates;
    private long late;
    private long overflow;
    // Shared between the threads.
    private volatile long head = -1;
    private volatile long playoutOffsetNs;
    // Consumer state, on lines of its own as for every implementation benchmarked.
    private final ConsumerTally tally = new ConsumerTally();

    SortedMapJitterBuffer(NavigableMap<Long, BaselinePacket> packets, int capacity, int clockRateHz, int fixedDelayMs,
            boolean borrow) {
        this.packets = packets;
        this.borrow = borrow;
        this.capacity = capacity;
        this.clockRateHz = clockRateHz;
        this.sequences = new SequenceUnwrapper(SequenceUnwrapper.DEFAULT_MAX_DROPOUT, Math.min(capacity, 0x7FFF), 1);
        long delayNs = fixedDelayMs * 1_000_000L;
        this.estimator = new PlayoutDelayEstimator(false, delayNs, delayNs, delayNs, 0.1, 1.0, 0.999,
                2_000_000L, 5 * NS_PER_SECOND, false);
    }

    final boolean offerUnsynchronised(int sequenceNumber, int rtpTimestamp, boolean marker, long arrivalNs,
            byte[] payload, int offset, int length) {
        int classification = sequences.update(sequenceNumber);
        if (classification != SequenceUnwrapper.VALID && classification != SequenceUnwrapper.RESYNCHRONISED) {
            return false;
        }
        long extended = sequences.extendedSequence();
        if (!started) {
            started = true;
            firstTicks = timestamps.unwrap(rtpTimestamp);
            mediaBaseNs = arrivalNs;
            head = extended;
        }
        long consumerHead = head;
        if (extended < consumerHead) {
            late++;
            return false;
        }
        if (extended - consumerHead >= capacity) {
            overflow++;
            return false;
        }
        long ticks = timestamps.unwrap(rtpTimestamp) - firstTicks;
        long mediaNs = mediaBaseNs + ticks / clockRateHz * NS_PER_SECOND + ticks % clockRateHz * NS_PER_SECOND / clockRateHz;
        BaselinePacket packet = borrow
                ? new BaselinePacket(mediaNs, arrivalNs, marker, payload, offset, length)
                : new BaselinePacket(mediaNs, arrivalNs, marker, Arrays.copyOfRange(payload, offset, offset + length), 0,
                        length);
        if (packets.putIfAbsent(extended, packet) != null) {
            duplicates++;
            return false;
        }
        if (extended > highest) {
            if (highest >= 0 && extended > highest + 1) {
                nacks.addMissing(highest + 1, extended - 1, (sequenceNumber - (int) (extended - highest - 1)) & 0xFFFF,
                        arrivalNs);
            }
            highest = extended;
        }
        estimator.onPacket(arrivalNs, mediaNs);
        playoutOffsetNs = estimator.playoutOffsetNs();
        return true;
    }

    final int pollUnsynchronised(long nowNs) {
        final long offsetNs = playoutOffsetNs;
        final ConsumerTally t = tally;
        int delivered = 0;
        while (true) {
            long start = head;
            if (start < 0) {
                return delivered;
            }
            long end = completeFrameEnd(start);
            if (end < 0) {
                if (!giveUpBefore(nowNs, offsetNs)) {
                    return delivered;
                }
                continue;
            }
            BaselinePacket first = packets.get(start);
            if (nowNs - (first.mediaTimeNs + offsetNs) < 0) {
                return delivered;
            }
            for (long s = start; s <= end; s++) {
                BaselinePacket p = packets.remove(s);
                t.checksum += p.payload[p.offset] + p.length;
                if (borrow) {
                    t.released++;
                }
            }
            delivered += (int) (end - start + 1);
            head = end + 1;
        }
    }

    /** The last number of the complete frame starting at {@code start}, or -1. */
    private long completeFrameEnd(long start) {
        BaselinePacket p = packets.get(start);
        if (p == null) {
            return -1;
        }
        long s = start;
        while (!p.marker) {
            BaselinePacket next = packets.get(s + 1);
            if (next == null) {
                return -1;
            }
            if (next.mediaTimeNs != p.mediaTimeNs) {
                return s;
            }
            p = next;
            s++;
        }
        return s;
    }

    /** Drops everything before the first later frame that is complete and due. */
    private boolean giveUpBefore(long nowNs, long offsetNs) {
        Long key = packets.higherKey(head);
        while (key != null) {
            long s = key;
            BaselinePacket previous = packets.get(s - 1);
            BaselinePacket p = packets.get(s);
            boolean startsFrame = previous != null && (previous.marker || previous.mediaTimeNs != p.mediaTimeNs);
            if (startsFrame && completeFrameEnd(s) >= 0) {
                if (nowNs - (p.mediaTimeNs + offsetNs) < 0) {
                    return false;
                }
                NavigableMap<Long, BaselinePacket> givenUp = packets.headMap(s, false);
                if (borrow) {
                    tally.released += givenUp.size();
                }
                givenUp.clear();
                head = s;
                return true;
            }
            key = packets.higherKey(s);
        }
        return false;
    }

    @Override
    public final long checksum() {
        return tally.checksum;
    }

    @Override
    public final long releasedPayloads() {
        return tally.released;
    }

    /** @return packets rejected as duplicate, late or overflow (producer thread) */
    final long rejected() {
        return duplicates + late + overflow;
    }
}
