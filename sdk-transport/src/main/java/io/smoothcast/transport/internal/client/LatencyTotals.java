package io.smoothcast.transport.internal.client;

import io.smoothcast.jitter.internal.SeqLockedCounters;

/**
 * A viewer's end-to-end latency measurements, accumulated as totals and counts (as W3C
 * webrtc-stats accumulate {@code jitterBufferDelay} over {@code jitterBufferEmittedCount}) so a
 * sampler gets the mean of any interval from two snapshots:
 * <ul>
 *   <li>capture to receipt: the arrival of a frame's stamped first packet minus its capture
 *       time (network, relay and sender queueing);</li>
 *   <li>capture to playout: the hand-off of a frame to the application minus its capture time
 *       (the above plus the jitter buffer's delay), the end-to-end latency a user sees.</li>
 * </ul>
 * Values outside 0 to {@value #MAX_PLAUSIBLE_LATENCY_MS} ms are not counted: they come from
 * forged or corrupt extensions or from clocks that disagree, and would only distort the mean.
 *
 * <p>Thread-safety: receipt methods belong to the I/O thread, playout methods to the playout
 * thread; {@link #readReceipt} and {@link #readPlayout} may be called from any thread and see
 * each total with its count. Allocates nothing after construction.
 */
public final class LatencyTotals {

    /** Index in a read copy: the summed latency, ns. */
    public static final int TOTAL_NS = 0;
    /** Index in a read copy: how many latencies were summed. */
    public static final int COUNT = 1;
    /** Length of a read copy. */
    public static final int SIZE = 2;
    /** Largest latency taken as real, in ms. */
    public static final long MAX_PLAUSIBLE_LATENCY_MS = 60_000;

    private static final long MAX_PLAUSIBLE_LATENCY_NS = MAX_PLAUSIBLE_LATENCY_MS * 1_000_000L;

    private final SeqLockedCounters receipt = new SeqLockedCounters(SIZE);
    private final SeqLockedCounters playout = new SeqLockedCounters(SIZE);

    /**
     * Counts one capture-to-receipt latency. I/O thread only.
     *
     * @param latencyNs arrival minus capture time, ns
     * @return false if the value was implausible and not counted
     */
    public boolean onReceipt(long latencyNs) {
        return add(receipt, latencyNs);
    }

    /**
     * Counts one capture-to-playout latency. Playout thread only.
     *
     * @param latencyNs hand-off minus capture time, ns
     * @return false if the value was implausible and not counted
     */
    public boolean onPlayout(long latencyNs) {
        return add(playout, latencyNs);
    }

    /**
     * @param latencyNs a measured latency, ns
     * @return whether it lies within 0 to {@value #MAX_PLAUSIBLE_LATENCY_MS} ms
     */
    public static boolean plausible(long latencyNs) {
        return latencyNs >= 0 && latencyNs <= MAX_PLAUSIBLE_LATENCY_NS;
    }

    private static boolean add(SeqLockedCounters counters, long latencyNs) {
        if (!plausible(latencyNs)) {
            return false;
        }
        long token = counters.beginWrite();
        counters.add(TOTAL_NS, latencyNs);
        counters.add(COUNT, 1);
        counters.endWrite(token);
        return true;
    }

    /** @param into receives {@link #TOTAL_NS} and {@link #COUNT} of capture to receipt */
    public void readReceipt(long[] into) {
        receipt.read(into);
    }

    /** @param into receives {@link #TOTAL_NS} and {@link #COUNT} of capture to playout */
    public void readPlayout(long[] into) {
        playout.read(into);
    }
}
