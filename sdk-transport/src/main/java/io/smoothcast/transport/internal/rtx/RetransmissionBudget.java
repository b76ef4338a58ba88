package io.smoothcast.transport.internal.rtx;

import java.util.Arrays;

/**
 * Bounds a sender's retransmissions: the RTX bytes queued (or sent) over a sliding window of
 * about one second may not exceed what the congestion controller's current target for that path
 * allows in that window. One instance per path: the broadcaster's to its node, the direct RTP
 * sender's to its peer, and the relay's to each subscriber session (bounded by that
 * subscriber's downlink estimate).
 *
 * <p>Why: retransmissions answer losses, and many losses mean the path is full. Without a bound,
 * a capacity drop makes the receiver NACK every packet the full bottleneck buffer dropped, the
 * answers queue up behind one another at far more than the new target, the pacer drains them,
 * and most are lost again. libwebrtc bounds its retransmissions the same way (RTX rate over
 * 1 s at most the target bitrate).
 *
 * <p>Only bytes that actually go out are {@linkplain #record recorded}: a NACKed packet that is
 * no longer cached costs nothing, so a burst of unanswerable NACKs (a viewer asking its new node
 * for what only the old one had) leaves the budget whole for real repairs.
 *
 * <p>The window is kept as {@value #BUCKETS} buckets of {@code windowNs / BUCKETS}: a byte
 * leaves the window between {@code windowNs - bucket} and {@code windowNs} after it was counted.
 * Nothing is allocated after construction.
 *
 * <p>Not thread-safe: used by the one thread that answers its path's NACKs.
 */
public final class RetransmissionBudget {

    /** The window every sender uses: one second, as libwebrtc's retransmission rate limiter. */
    public static final long WINDOW_NS = 1_000_000_000L;

    /** Buckets the window is split into. */
    static final int BUCKETS = 20;

    private final long windowNs;
    private final long bucketNs;
    private final long[] bucketBytes = new long[BUCKETS];
    private long bytesInWindow;
    /** Index in time ({@code nowNs / bucketNs}) of the newest bucket; valid once {@link #started}. */
    private long newestBucket;
    private boolean started;

    /**
     * @param windowNs the sliding window's length in ns, at least {@value #BUCKETS} ns
     */
    public RetransmissionBudget(long windowNs) {
        if (windowNs < BUCKETS) {
            throw new IllegalArgumentException("windowNs must be >= " + BUCKETS + ": " + windowNs);
        }
        this.windowNs = windowNs;
        this.bucketNs = windowNs / BUCKETS;
    }

    /**
     * Whether {@code sizeBytes} more would stay within the budget; counts nothing.
     *
     * @param sizeBytes the retransmission's size in bytes
     * @param targetBitrateBps the congestion controller's current target in bit/s
     * @param nowNs the current time
     * @return true if the bytes of the window plus {@code sizeBytes} fit {@code targetBitrateBps}
     *     over the window
     */
    public boolean hasRoomFor(int sizeBytes, long targetBitrateBps, long nowNs) {
        advance(nowNs);
        double allowedBytes = targetBitrateBps / 8.0 * windowNs / 1e9;
        return bytesInWindow + sizeBytes <= allowedBytes;
    }

    /**
     * Counts a queued retransmission in the window.
     *
     * @param sizeBytes its size in bytes
     * @param nowNs the current time
     */
    public void record(int sizeBytes, long nowNs) {
        advance(nowNs);
        bucketBytes[(int) Math.floorMod(newestBucket, (long) BUCKETS)] += sizeBytes;
        bytesInWindow += sizeBytes;
    }

    /** @return the retransmitted bytes counted in the current window */
    public long bytesInWindow() {
        return bytesInWindow;
    }

    private void advance(long nowNs) {
        long bucket = Math.floorDiv(nowNs, bucketNs);
        if (!started) {
            started = true;
            newestBucket = bucket;
            return;
        }
        long steps = bucket - newestBucket;
        if (steps <= 0) {
            return; // same bucket (or a clock read out of order: keep counting in the newest)
        }
        if (steps >= BUCKETS) {
            Arrays.fill(bucketBytes, 0);
            bytesInWindow = 0;
            newestBucket = bucket;
            return;
        }
        for (long s = 0; s < steps; s++) {
            newestBucket++;
            int slot = (int) Math.floorMod(newestBucket, (long) BUCKETS);
            bytesInWindow -= bucketBytes[slot];
            bucketBytes[slot] = 0;
        }
    }
}
