package io.smoothcast.rtp;

/**
 * Conversions for 64-bit NTP timestamps (RFC 5905 format: unsigned 32.32 fixed-point seconds
 * since 1900-01-01 UTC), as carried by RTCP sender reports and the abs-capture-time header
 * extension, and for the 32-bit "compact" NTP values (16.16 seconds) of report blocks' LSR/DLSR.
 *
 * <p>Wall-clock input is the caller's: the SDK never reads a clock here. Era 0 only (until 2036);
 * values are carried in {@code long}/{@code int} as unsigned bit patterns.
 *
 * <p>Stateless; thread-safe.
 */
public final class NtpTime {

    /** The NTP timestamp 0, used on the wire to mean "no wall-clock time available". */
    public static final long UNKNOWN = 0L;
    /** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
    public static final long UNIX_EPOCH_OFFSET_SECONDS = 2_208_988_800L;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private NtpTime() {
    }

    /**
     * @param unixTimeNs wall-clock time in nanoseconds since 1970-01-01 UTC (not before it)
     * @return the 64-bit NTP timestamp, fraction rounded down
     * @throws IllegalArgumentException if {@code unixTimeNs} is negative
     */
    public static long fromUnixNanos(long unixTimeNs) {
        if (unixTimeNs < 0) {
            throw new IllegalArgumentException("unixTimeNs must be >= 0: " + unixTimeNs);
        }
        long seconds = unixTimeNs / NANOS_PER_SECOND + UNIX_EPOCH_OFFSET_SECONDS;
        long fraction = ((unixTimeNs % NANOS_PER_SECOND) << 32) / NANOS_PER_SECOND;
        return (seconds << 32) | fraction;
    }

    /**
     * @param ntp a 64-bit NTP timestamp of era 0 at or after 1970
     * @return nanoseconds since 1970-01-01 UTC, fraction rounded to the nearest nanosecond
     */
    public static long toUnixNanos(long ntp) {
        long seconds = (ntp >>> 32) - UNIX_EPOCH_OFFSET_SECONDS;
        long nanos = ((ntp & 0xFFFFFFFFL) * NANOS_PER_SECOND + (1L << 31)) >>> 32;
        return seconds * NANOS_PER_SECOND + nanos;
    }

    /**
     * The middle 32 bits of an NTP timestamp: the "last SR" (LSR) value of a report block.
     *
     * @param ntp a 64-bit NTP timestamp
     * @return the compact 16.16 representation (unsigned, carried in an int)
     */
    public static int toCompact(long ntp) {
        return (int) (ntp >>> 16);
    }

    /**
     * Converts a duration to compact NTP units (1/65536 s), e.g. for a report block's "delay
     * since last SR" (DLSR).
     *
     * @param durationNs a duration in nanoseconds, 0 or more
     * @return the duration in 1/65536 s, saturated at 0xFFFFFFFF (as an unsigned int)
     * @throws IllegalArgumentException if {@code durationNs} is negative
     */
    public static int compactFromNanos(long durationNs) {
        if (durationNs < 0) {
            throw new IllegalArgumentException("durationNs must be >= 0: " + durationNs);
        }
        long seconds = durationNs / NANOS_PER_SECOND;
        if (seconds >= 65536) {
            return 0xFFFFFFFF;
        }
        long units = (seconds << 16) + ((durationNs % NANOS_PER_SECOND) << 16) / NANOS_PER_SECOND;
        return (int) units;
    }

    /**
     * Converts a compact NTP duration (1/65536 s) to nanoseconds.
     *
     * @param compact an unsigned 16.16 duration carried in an int
     * @return the duration in nanoseconds
     */
    public static long compactToNanos(int compact) {
        return ((compact & 0xFFFFFFFFL) * NANOS_PER_SECOND) >>> 16;
    }

    /**
     * Round-trip time from a report block, as RFC 3550 section 6.4.1 computes it: arrival time
     * minus LSR minus DLSR, all in compact NTP units.
     *
     * @param arrivalCompact the compact NTP time at which the report block arrived
     * @param lastSr the block's LSR field
     * @param delaySinceLastSr the block's DLSR field
     * @return the RTT in nanoseconds, or -1 when LSR is 0 (no SR received yet) or the result is negative
     */
    public static long roundTripNanos(int arrivalCompact, int lastSr, int delaySinceLastSr) {
        if (lastSr == 0) {
            return -1;
        }
        int rtt = arrivalCompact - lastSr - delaySinceLastSr;
        return rtt < 0 ? -1 : compactToNanos(rtt);
    }
}
