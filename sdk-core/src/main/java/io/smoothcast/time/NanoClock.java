package io.smoothcast.time;

/**
 * A source of monotonic time in nanoseconds, injected at the edges of the SDK.
 *
 * <p>Algorithms (jitter estimation, congestion control, ABR, alert rules) never read a clock
 * themselves: a duty cycle reads {@code nowNs} once from a {@code NanoClock} and passes it down.
 * Tests use {@link ManualNanoClock} and run in virtual time.
 *
 * <p>Values are only meaningful relative to each other. Compare two instants by subtraction
 * ({@code deadlineNs - nowNs < 0}), never with {@code <} on the raw values, so that a clock
 * that wraps (as {@link System#nanoTime()} may) is still ordered correctly.
 *
 * <p>Implementations must be safe to call from any thread.
 */
@FunctionalInterface
public interface NanoClock {

    /**
     * Returns the current time of this clock.
     *
     * @return monotonic time in nanoseconds, with an arbitrary origin
     */
    long nanoTime();

    /**
     * Returns the process-wide system clock, backed by {@link System#nanoTime()}.
     *
     * @return the shared system clock; thread-safe
     */
    static NanoClock system() {
        return SystemNanoClock.INSTANCE;
    }
}
