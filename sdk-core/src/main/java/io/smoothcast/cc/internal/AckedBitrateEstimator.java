package io.smoothcast.cc.internal;

/**
 * Throughput of acknowledged packets over a sliding window of receive time: the bytes that
 * arrived in the last {@code windowNs} (receiver clock), divided by the window. This is what the
 * path demonstrably delivered, so the rate controller never claims more than the path carried
 * while the sender was application-limited.
 *
 * <p>The estimate is valid once the acknowledged packets span at least {@code minSpanNs}; until
 * then it is -1. Thread-safety: not thread-safe. Allocation-free after construction.
 */
public final class AckedBitrateEstimator {

    private final long windowNs;
    private final long minSpanNs;
    private final long[] arrivalsNs;
    private final int[] sizes;
    private final int mask;
    private int head;
    private int count;
    private long bytesInWindow;
    private long firstArrivalNs;
    private boolean haveFirst;
    private long latestArrivalNs;

    /**
     * @param windowNs the averaging window in ns, &gt; 0
     * @param minSpanNs how much receive time must be covered before the estimate is valid
     * @param capacity ring capacity in packets (power of two); the oldest are dropped early
     *     if more packets than that arrive within the window
     */
    public AckedBitrateEstimator(long windowNs, long minSpanNs, int capacity) {
        if (windowNs <= 0 || minSpanNs <= 0 || minSpanNs > windowNs) {
            throw new IllegalArgumentException("need 0 < minSpanNs <= windowNs: " + minSpanNs + ", " + windowNs);
        }
        if (capacity < 16 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 16: " + capacity);
        }
        this.windowNs = windowNs;
        this.minSpanNs = minSpanNs;
        this.arrivalsNs = new long[capacity];
        this.sizes = new int[capacity];
        this.mask = capacity - 1;
    }

    /**
     * @param arrivalTimeNs receiver clock
     * @param sizeBytes size of the acknowledged packet
     */
    public void add(long arrivalTimeNs, int sizeBytes) {
        if (!haveFirst) {
            haveFirst = true;
            firstArrivalNs = arrivalTimeNs;
            latestArrivalNs = arrivalTimeNs;
        }
        if (arrivalTimeNs - latestArrivalNs > 0) {
            latestArrivalNs = arrivalTimeNs;
        }
        if (count == arrivalsNs.length) {
            bytesInWindow -= sizes[head];
            head = (head + 1) & mask;
            count--;
        }
        int tail = (head + count) & mask;
        arrivalsNs[tail] = arrivalTimeNs;
        sizes[tail] = sizeBytes;
        count++;
        bytesInWindow += sizeBytes;
        evictBefore(latestArrivalNs - windowNs);
    }

    private void evictBefore(long limitNs) {
        while (count > 0 && arrivalsNs[head] - limitNs <= 0) {
            bytesInWindow -= sizes[head];
            head = (head + 1) & mask;
            count--;
        }
    }

    /** @return the acknowledged bitrate in bit/s, or -1 while not enough has been seen */
    public long bitrateBps() {
        if (!haveFirst || latestArrivalNs - firstArrivalNs < minSpanNs) {
            return -1;
        }
        long spanNs = Math.min(windowNs, latestArrivalNs - firstArrivalNs);
        return bytesInWindow * 8L * 1_000_000_000L / spanNs;
    }

    /** Forgets everything (after a long pause in feedback). */
    public void reset() {
        head = 0;
        count = 0;
        bytesInWindow = 0;
        haveFirst = false;
    }
}
