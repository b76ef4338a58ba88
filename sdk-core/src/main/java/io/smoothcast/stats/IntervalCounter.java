package io.smoothcast.stats;

/**
 * Turns one cumulative counter (bytes, packets, milliseconds frozen) into the amount added during
 * the last interval and its rate per second. The caller passes {@code nowNs}; no clock is read.
 *
 * <p>The first {@link #update} only sets the baseline. A counter that goes backwards (the source
 * restarted after a failover, or a late packet un-counted a loss) adds nothing to that interval
 * and becomes the new baseline, so a rate is never negative. If time did not move, the update is
 * ignored; if it moved backwards, the baseline restarts.
 *
 * <p>Not thread-safe: one instance per counter, used by the thread that samples it. Allocates
 * nothing.
 */
public final class IntervalCounter {

    private boolean primed;
    private long lastValue;
    private long lastNs;
    private long delta;
    private long intervalNs;

    /**
     * Accounts for the counter's current value.
     *
     * @param cumulative the counter's current value; >= 0
     * @param nowNs the current instant, monotonic nanoseconds
     * @return true if an interval was measured ({@link #delta()} and {@link #perSecond()} are
     *     valid), false on the first call or when time did not move forward
     * @throws IllegalArgumentException if {@code cumulative} is negative
     */
    public boolean update(long cumulative, long nowNs) {
        if (cumulative < 0) {
            throw new IllegalArgumentException("cumulative must be >= 0: " + cumulative);
        }
        if (!primed) {
            prime(cumulative, nowNs);
            return false;
        }
        long elapsedNs = nowNs - lastNs;
        if (elapsedNs == 0) {
            delta = 0;
            intervalNs = 0;
            return false;
        }
        if (elapsedNs < 0) {
            prime(cumulative, nowNs);
            return false;
        }
        delta = Math.max(0L, cumulative - lastValue);
        intervalNs = elapsedNs;
        lastValue = cumulative;
        lastNs = nowNs;
        return true;
    }

    private void prime(long cumulative, long nowNs) {
        primed = true;
        lastValue = cumulative;
        lastNs = nowNs;
        delta = 0;
        intervalNs = 0;
    }

    /** @return the amount added during the last measured interval; 0 when none was measured */
    public long delta() {
        return delta;
    }

    /** @return the length of the last measured interval in nanoseconds; 0 when none was measured */
    public long intervalNs() {
        return intervalNs;
    }

    /** @return {@link #delta()} per second over the last interval, or NaN when none was measured */
    public double perSecond() {
        return intervalNs == 0 ? Double.NaN : delta * 1e9 / intervalNs;
    }
}
