package io.smoothcast.stats;

/**
 * Decides when the next periodic sample is due, from the caller's {@code nowNs}. Deadlines are
 * compared by subtraction, so a wrapping clock is handled.
 *
 * <p>Not thread-safe; allocates nothing.
 */
final class SamplingSchedule {

    private final long intervalNs;
    private boolean sampled;
    private long lastSampleNs;

    SamplingSchedule(long intervalNs) {
        if (intervalNs <= 0) {
            throw new IllegalArgumentException("intervalNs must be > 0: " + intervalNs);
        }
        this.intervalNs = intervalNs;
    }

    long intervalNs() {
        return intervalNs;
    }

    boolean isDue(long nowNs) {
        return !sampled || nowNs - lastSampleNs >= intervalNs;
    }

    void sampled(long nowNs) {
        sampled = true;
        lastSampleNs = nowNs;
    }
}
