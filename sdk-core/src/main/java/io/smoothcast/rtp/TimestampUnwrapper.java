package io.smoothcast.rtp;

/**
 * Extends 32-bit RTP timestamps to 64 bits, following wrap-arounds in either direction.
 *
 * <p>Each timestamp is placed at the signed 32-bit distance from the previous one, so a
 * timestamp slightly behind the previous (B-frames, reordered packets) unwraps behind it, and a
 * wrap from {@code 0xFFFFFFFF} to {@code 0} moves forward. The first timestamp unwraps to
 * {@code 2^32 + ts}, which keeps values positive when later packets land behind it.
 *
 * <p>Not thread-safe: one instance per stream. Allocates nothing.
 */
public final class TimestampUnwrapper {

    private static final long WRAP = 1L << 32;

    private boolean started;
    private long lastExtended;
    private int last;

    /**
     * Unwraps one timestamp.
     *
     * @param timestamp the 32-bit RTP timestamp (unsigned, carried in an int)
     * @return the extended 64-bit timestamp, in the same clock-rate units
     */
    public long unwrap(int timestamp) {
        if (!started) {
            started = true;
            last = timestamp;
            lastExtended = WRAP + (timestamp & 0xFFFFFFFFL);
            return lastExtended;
        }
        lastExtended += SequenceNumbers.timestampDistance(last, timestamp);
        last = timestamp;
        return lastExtended;
    }

    /** Forgets all history; the next timestamp starts a new timeline. */
    public void reset() {
        started = false;
        lastExtended = 0;
        last = 0;
    }
}
