package io.smoothcast.jitter.internal;

/**
 * Missing sequence numbers waiting to be requested again (generic NACK, RFC 4585), with an
 * RTT-aware retry schedule and a retry limit.
 *
 * <p>A gap is registered when a packet arrives beyond the highest one. Each missing number is
 * first due {@code reorderWaitNs} after it was found missing (a little reordering is normal), then
 * again every {@code max(rtt * 1.5, minRetryIntervalNs)} until it arrives, its playout deadline
 * passes (the consumer moved beyond it), or it was requested {@code maxRetries} times. The list is
 * bounded: when it is full the oldest entries are dropped (they are the closest to their deadline).
 *
 * <p>Not thread-safe: owned by the producer thread. Allocates nothing after construction.
 */
public final class NackTracker {

    /** Until an RTT is supplied, retries wait as if the round trip took this long. */
    public static final long DEFAULT_RTT_NS = 100_000_000L;

    /** Tells whether a sequence number has arrived since it was registered missing. */
    @FunctionalInterface
    public interface ArrivalCheck {
        /**
         * @param ringSequence the buffer's sequence number
         * @return true if that packet is now held (or was held)
         */
        boolean arrived(long ringSequence);
    }

    private final long[] ringSeq;
    private final int[] wireSeq;
    private final long[] dueNs;
    private final int[] attempts;
    private final int mask;
    private final int maxRetries;
    private final long reorderWaitNs;
    private final long minRetryIntervalNs;
    private long rttNs = DEFAULT_RTT_NS;
    private int head;
    private int size;
    private long droppedForSpace;

    /**
     * @param capacity most missing numbers tracked at once; a power of two
     * @param maxRetries how many times one number is requested at most; at least 1
     * @param reorderWaitNs delay before the first request, in nanoseconds
     * @param minRetryIntervalNs shortest interval between two requests for one number
     */
    public NackTracker(int capacity, int maxRetries, long reorderWaitNs, long minRetryIntervalNs) {
        if (capacity < 1 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        ringSeq = new long[capacity];
        wireSeq = new int[capacity];
        dueNs = new long[capacity];
        attempts = new int[capacity];
        mask = capacity - 1;
        this.maxRetries = maxRetries;
        this.reorderWaitNs = reorderWaitNs;
        this.minRetryIntervalNs = minRetryIntervalNs;
    }

    /**
     * Registers the numbers {@code [fromRing, toRing]} as missing. When the range is longer than
     * the capacity only its newest part is kept.
     *
     * @param fromRing first missing buffer sequence number
     * @param toRing last missing buffer sequence number (inclusive)
     * @param wireSeqOfFrom 16-bit RTP sequence number of {@code fromRing}
     * @param nowNs when the gap was noticed
     */
    public void addMissing(long fromRing, long toRing, int wireSeqOfFrom, long nowNs) {
        long first = Math.max(fromRing, toRing - ringSeq.length + 1);
        droppedForSpace += first - fromRing;
        int wire = (wireSeqOfFrom + (int) (first - fromRing)) & 0xFFFF;
        for (long s = first; s <= toRing; s++) {
            if (size == ringSeq.length) {
                head = (head + 1) & mask;
                size--;
                droppedForSpace++;
            }
            int i = (head + size) & mask;
            ringSeq[i] = s;
            wireSeq[i] = wire;
            dueNs[i] = nowNs + reorderWaitNs;
            attempts[i] = 0;
            size++;
            wire = (wire + 1) & 0xFFFF;
        }
    }

    /**
     * Collects the 16-bit sequence numbers due for a request at {@code nowNs}, and forgets
     * numbers that arrived, are past their deadline or used up their retries.
     *
     * @param nowNs the current time
     * @param deadlineRing numbers below this buffer sequence number are past their playout deadline
     * @param arrivals tells which numbers arrived
     * @param out receives 16-bit RTP sequence numbers, oldest first
     * @return how many numbers were written to {@code out}
     */
    public int collectDue(long nowNs, long deadlineRing, ArrivalCheck arrivals, int[] out) {
        final long retryNs = Math.max(minRetryIntervalNs, rttNs + (rttNs >> 1));
        int written = 0;
        int kept = 0;
        for (int k = 0; k < size; k++) {
            int i = (head + k) & mask;
            long s = ringSeq[i];
            if (s < deadlineRing || arrivals.arrived(s)) {
                continue;
            }
            if (written < out.length && dueNs[i] - nowNs <= 0) {
                out[written++] = wireSeq[i];
                attempts[i]++;
                dueNs[i] = nowNs + retryNs;
                if (attempts[i] >= maxRetries) {
                    continue;
                }
            }
            int j = (head + kept) & mask;
            if (j != i) {
                ringSeq[j] = s;
                wireSeq[j] = wireSeq[i];
                dueNs[j] = dueNs[i];
                attempts[j] = attempts[i];
            }
            kept++;
        }
        size = kept;
        return written;
    }

    /**
     * @param rttNs the round-trip time to the sender, in nanoseconds; values <= 0 are ignored
     */
    public void rttNs(long rttNs) {
        if (rttNs > 0) {
            this.rttNs = rttNs;
        }
    }

    /** Forgets every missing number (the stream restarted). */
    public void clear() {
        head = 0;
        size = 0;
    }

    /** @return numbers currently tracked */
    public int size() {
        return size;
    }

    /** @return numbers never tracked or dropped from the list because it was full */
    public long droppedForSpace() {
        return droppedForSpace;
    }
}
