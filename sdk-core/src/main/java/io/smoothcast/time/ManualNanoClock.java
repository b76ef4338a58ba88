package io.smoothcast.time;

import java.util.concurrent.TimeUnit;

/**
 * A {@link NanoClock} that only moves when told to: the clock for tests and simulations that
 * run in virtual time.
 *
 * <p>Thread-safety: the current time is a volatile field, so a value set on one thread is seen
 * by readers on any thread. Advancing from several threads at once is not atomic; drive the
 * clock from one thread.
 */
public final class ManualNanoClock implements NanoClock {

    private volatile long nowNs;

    /** Creates a clock that reads 0 ns. */
    public ManualNanoClock() {
        this(0L);
    }

    /**
     * Creates a clock at the given instant.
     *
     * @param startNs the first value {@link #nanoTime()} returns, in nanoseconds
     */
    public ManualNanoClock(long startNs) {
        this.nowNs = startNs;
    }

    @Override
    public long nanoTime() {
        return nowNs;
    }

    /**
     * Moves the clock forward.
     *
     * @param durationNs how far to move, in nanoseconds; must not be negative
     * @return the new time, in nanoseconds
     * @throws IllegalArgumentException if {@code durationNs} is negative
     */
    public long advanceNs(long durationNs) {
        if (durationNs < 0) {
            throw new IllegalArgumentException("durationNs must be >= 0: " + durationNs);
        }
        long next = nowNs + durationNs;
        nowNs = next;
        return next;
    }

    /**
     * Moves the clock forward by a duration in another unit.
     *
     * @param duration how far to move; must not be negative
     * @param unit the unit of {@code duration}
     * @return the new time, in nanoseconds
     */
    public long advance(long duration, TimeUnit unit) {
        return advanceNs(unit.toNanos(duration));
    }

    /**
     * Sets the clock to an instant. Moving backwards is allowed here (to test how components
     * cope), unlike with {@link #advanceNs(long)}.
     *
     * @param timeNs the new time, in nanoseconds
     */
    public void setNs(long timeNs) {
        nowNs = timeNs;
    }

    @Override
    public String toString() {
        return "ManualNanoClock[" + nowNs + " ns]";
    }
}
