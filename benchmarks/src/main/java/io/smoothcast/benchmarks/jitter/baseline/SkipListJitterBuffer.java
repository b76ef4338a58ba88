package io.smoothcast.benchmarks.jitter.baseline;

import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Baseline: the jitter buffer on a {@link ConcurrentSkipListMap}. Producer and consumer work on
 * the map concurrently, without a lock (the map is thread-safe; the consumer's position is a
 * volatile field). One producer thread, one consumer thread.
 */
public final class SkipListJitterBuffer extends SortedMapJitterBuffer {

    /**
     * @param capacity packets held at most
     * @param clockRateHz RTP clock rate
     * @param fixedDelayMs playout delay
     * @param borrow keep the caller's payload arrays instead of copying them
     */
    public SkipListJitterBuffer(int capacity, int clockRateHz, int fixedDelayMs, boolean borrow) {
        super(new ConcurrentSkipListMap<>(), capacity, clockRateHz, fixedDelayMs, borrow);
    }

    @Override
    public boolean offer(int sequenceNumber, int rtpTimestamp, boolean marker, long arrivalNs, byte[] payload,
            int offset, int length) {
        return offerUnsynchronised(sequenceNumber, rtpTimestamp, marker, arrivalNs, payload, offset, length);
    }

    @Override
    public int poll(long nowNs) {
        return pollUnsynchronised(nowNs);
    }
}
