package io.smoothcast.benchmarks.jitter.baseline;

import java.util.TreeMap;

/**
 * Baseline: the jitter buffer on a {@link TreeMap}, every operation under the buffer's monitor
 * ({@code synchronized}). Thread-safe for one producer and one consumer (and more).
 */
public final class LockedJitterBuffer extends SortedMapJitterBuffer {

    /**
     * @param capacity packets held at most
     * @param clockRateHz RTP clock rate
     * @param fixedDelayMs playout delay
     * @param borrow keep the caller's payload arrays instead of copying them
     */
    public LockedJitterBuffer(int capacity, int clockRateHz, int fixedDelayMs, boolean borrow) {
        super(new TreeMap<>(), capacity, clockRateHz, fixedDelayMs, borrow);
    }

    @Override
    public synchronized boolean offer(int sequenceNumber, int rtpTimestamp, boolean marker, long arrivalNs,
            byte[] payload, int offset, int length) {
        return offerUnsynchronised(sequenceNumber, rtpTimestamp, marker, arrivalNs, payload, offset, length);
    }

    @Override
    public synchronized int poll(long nowNs) {
        return pollUnsynchronised(nowNs);
    }
}
