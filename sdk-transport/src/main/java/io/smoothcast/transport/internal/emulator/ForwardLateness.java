package io.smoothcast.transport.internal.emulator;

import io.smoothcast.transport.internal.SingleWriterCounters;
import java.util.concurrent.TimeUnit;

/**
 * How late the emulator forwards: for each datagram, the time it was actually handed to its
 * socket minus the time the link model said it arrives. On an idle machine this is the event
 * loop's timer slack (tens of microseconds); on a starved one it is delay the emulator adds on top
 * of the emulated path, which the user's results would otherwise carry without a word.
 *
 * <p>Kept as a histogram of power-of-two microsecond buckets (bucket {@code i > 0} holds
 * lateness in {@code [2^(i-1), 2^i)} µs, bucket 0 under 1 µs), plus the sum, the maximum and a
 * count of datagrams later than {@link #LATE_THRESHOLD_NS}: a few array stores per datagram, no
 * allocation.
 *
 * <p>Thread-safety: {@link #record} from the emulator's event loop only (the single writer of its
 * {@link SingleWriterCounters}); the readers from any thread. A reader may see the fields of one datagram partly applied.
 */
public final class ForwardLateness {

    /** Lateness above which a datagram counts as {@linkplain #lateCount() late}: 10 ms. */
    public static final long LATE_THRESHOLD_NS = TimeUnit.MILLISECONDS.toNanos(10);

    /** Buckets up to 2^30 µs (about 18 minutes); later ones land in the last. */
    static final int BUCKETS = 32;

    private static final int COUNT = BUCKETS;
    private static final int SUM_NS = BUCKETS + 1;
    private static final int MAX_NS = BUCKETS + 2;
    private static final int LATE = BUCKETS + 3;

    private final SingleWriterCounters values = new SingleWriterCounters(BUCKETS + 4);

    /**
     * Records one forwarded datagram.
     *
     * @param latenessNs its send time minus its scheduled arrival time, in nanoseconds; a negative
     *     value (a clock step) counts as 0
     */
    public void record(long latenessNs) {
        long ns = Math.max(0, latenessNs);
        int bucket = bucketOf(ns);
        values.increment(bucket);
        values.increment(COUNT);
        values.add(SUM_NS, ns);
        if (ns > values.get(MAX_NS)) {
            values.set(MAX_NS, ns);
        }
        if (ns > LATE_THRESHOLD_NS) {
            values.increment(LATE);
        }
    }

    static int bucketOf(long latenessNs) {
        long us = latenessNs / 1_000;
        return Math.min(BUCKETS - 1, 64 - Long.numberOfLeadingZeros(us));
    }

    /** @return datagrams recorded */
    public long count() {
        return values.get(COUNT);
    }

    /** @return datagrams forwarded more than {@link #LATE_THRESHOLD_NS} late */
    public long lateCount() {
        return values.get(LATE);
    }

    /** @return the largest lateness recorded, in nanoseconds (0 if none) */
    public long maxNs() {
        return values.get(MAX_NS);
    }

    /** @return the mean lateness in nanoseconds (0 if none) */
    public long meanNs() {
        long n = values.get(COUNT);
        return n == 0 ? 0 : values.get(SUM_NS) / n;
    }

    /**
     * An upper bound of a lateness quantile, from the histogram: the upper edge of the bucket in
     * which the quantile falls, capped by the maximum, so at most a factor of two above the true
     * value.
     *
     * @param quantile in (0, 1], e.g. 0.99
     * @return in nanoseconds; 0 if nothing was recorded
     */
    public long quantileBoundNs(double quantile) {
        long[] buckets = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            buckets[i] = values.get(i);
            total += buckets[i];
        }
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += buckets[i];
            if (seen >= rank) {
                return Math.min(upperEdgeNs(i), maxNs());
            }
        }
        return maxNs();
    }

    private static long upperEdgeNs(int bucket) {
        return bucket == BUCKETS - 1 ? Long.MAX_VALUE : (1L << bucket) * 1_000;
    }
}
