package io.smoothcast.stats;

/**
 * Constants and helpers for the monotonic instants carried in snapshots.
 *
 * <p>Stateless; thread-safe.
 */
public final class StatsTimes {

    /**
     * Marks an instant that never happened (for example no packet received yet). Chosen as
     * {@link Long#MIN_VALUE} because any other value may be a legal {@code System.nanoTime()}.
     */
    public static final long NEVER = Long.MIN_VALUE;

    private StatsTimes() {
    }

    /**
     * How long ago an instant was, seen from {@code nowNs}.
     *
     * @param eventNs the instant, in monotonic nanoseconds, or {@link #NEVER}
     * @param nowNs the current instant, in monotonic nanoseconds
     * @return {@code nowNs - eventNs} in nanoseconds (0 if the event lies in the future), or
     *     {@link Long#MAX_VALUE} if the event never happened
     */
    public static long ageNs(long eventNs, long nowNs) {
        if (eventNs == NEVER) {
            return Long.MAX_VALUE;
        }
        long age = nowNs - eventNs;
        return Math.max(0L, age);
    }
}
