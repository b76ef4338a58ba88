package io.smoothcast.transport.internal.client;

/**
 * The largest value seen over the last one to two windows: two fixed windows, the current one and
 * the one before, so a peak stays visible for at least a full window after it and is gone two
 * windows later. Constant memory, no allocation.
 *
 * <p>Not thread-safe: one thread adds and reads; it never reads a clock (callers pass
 * {@code nowNs}).
 */
final class WindowedMax {

    private final long windowNs;
    private boolean started;
    private long windowStartNs;
    private long currentMax;
    private long previousMax;

    /** @param windowNs length of one window, ns, &gt; 0 */
    WindowedMax(long windowNs) {
        if (windowNs <= 0) {
            throw new IllegalArgumentException("windowNs must be > 0: " + windowNs);
        }
        this.windowNs = windowNs;
    }

    /**
     * @param value a sample, &gt;= 0 (smaller ones count as 0)
     * @param nowNs when it was taken
     */
    void add(long value, long nowNs) {
        roll(nowNs);
        currentMax = Math.max(currentMax, value);
    }

    /**
     * @param nowNs the current time
     * @return the largest sample of the current and the previous window, 0 if none
     */
    long max(long nowNs) {
        roll(nowNs);
        return Math.max(currentMax, previousMax);
    }

    private void roll(long nowNs) {
        if (!started) {
            started = true;
            windowStartNs = nowNs;
            return;
        }
        long elapsedNs = nowNs - windowStartNs;
        if (elapsedNs < windowNs) {
            return;
        }
        // A window with no sample in it (the thread did not run) leaves nothing to carry over.
        previousMax = elapsedNs < 2 * windowNs ? currentMax : 0;
        currentMax = 0;
        windowStartNs = elapsedNs < 2 * windowNs ? windowStartNs + windowNs : nowNs;
    }
}
