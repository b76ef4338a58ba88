package io.smoothcast.samples.internal;

/**
 * Nanoseconds since the Unix epoch with {@link System#nanoTime()} resolution: the wall clock is
 * read once, then advanced by the monotonic clock, so latency measured inside one process never
 * jumps when NTP adjusts the system time.
 *
 * <p>Thread-safe.
 */
public final class WallClock {

    private static final long EPOCH_AT_START_NS = System.currentTimeMillis() * 1_000_000L;
    private static final long NANO_AT_START = System.nanoTime();

    private WallClock() {
    }

    /** @return now, in nanoseconds since the Unix epoch */
    public static long epochNs() {
        return EPOCH_AT_START_NS + (System.nanoTime() - NANO_AT_START);
    }
}
