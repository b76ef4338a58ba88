package io.smoothcast.transport.internal.client;

import io.smoothcast.time.NanoClock;
import java.time.Instant;

/**
 * Converts readings of a client's monotonic {@link NanoClock} to wall-clock time (nanoseconds
 * since 1970-01-01 UTC), the time base of the abs-capture-time header extension.
 *
 * <p>Clock source: the mapping is anchored once, by reading the system UTC clock
 * ({@link Instant#now()}, microsecond resolution on Linux) next to the monotonic clock, and then
 * follows the monotonic clock. Clients on {@link NanoClock#system()} share one process-wide
 * anchor, so a broadcaster and a viewer in the same process measure latency without any offset
 * between them. Across machines the measurement includes the offset between their UTC clocks
 * (keep them NTP-synchronised); a step of the UTC clock after the anchor is not followed.
 * Tests use {@link #offset(long)} so that both ends agree exactly in virtual time.
 *
 * <p>Immutable; thread-safe.
 */
public final class WallClockMapping {

    private static final WallClockMapping SYSTEM = anchor(NanoClock.system());

    /** Unix time in ns minus the monotonic reading it was paired with. */
    private final long offsetNs;

    private WallClockMapping(long offsetNs) {
        this.offsetNs = offsetNs;
    }

    /**
     * The mapping for a client's clock: the shared one for the system clock, else a new anchor.
     *
     * @param clock the client's monotonic clock
     * @return the mapping
     */
    public static WallClockMapping forClock(NanoClock clock) {
        return clock == NanoClock.system() ? SYSTEM : anchor(clock);
    }

    /**
     * A fixed mapping: {@code unixNs = clockNs + offsetNs}. For tests in virtual time.
     *
     * @param offsetNs Unix time in ns at clock reading 0
     * @return the mapping
     */
    public static WallClockMapping offset(long offsetNs) {
        return new WallClockMapping(offsetNs);
    }

    private static WallClockMapping anchor(NanoClock clock) {
        Instant wall = Instant.now();
        long monotonicNs = clock.nanoTime();
        long unixNs = wall.getEpochSecond() * 1_000_000_000L + wall.getNano();
        return new WallClockMapping(unixNs - monotonicNs);
    }

    /**
     * @param clockNs a reading of the mapped clock, in ns
     * @return the same instant as Unix time, in ns
     */
    public long unixNs(long clockNs) {
        return clockNs + offsetNs;
    }
}
