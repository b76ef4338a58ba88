package io.smoothcast.rtp;

/**
 * Wrap-aware arithmetic on 16-bit RTP sequence numbers (RFC 3550 section 5.1) and 32-bit RTP
 * timestamps.
 *
 * <p>Two 16-bit values are ordered by their shortest distance on the 65536-long circle: {@code b}
 * is newer than {@code a} when going forward from {@code a} reaches {@code b} in fewer than 32768
 * steps. Exactly half way (32768 apart) is resolved towards the numerically larger value, so that
 * {@code isNewer(a, b) != isNewer(b, a)} for every {@code a != b}.
 *
 * <p>Stateless; all methods are thread-safe.
 */
public final class SequenceNumbers {

    /** Number of distinct 16-bit sequence numbers. */
    public static final int SEQ_MOD = 1 << 16;

    private SequenceNumbers() {
    }

    /**
     * Signed forward distance from {@code from} to {@code to}, in [-32768, 32767].
     *
     * @param from a 16-bit sequence number (only the low 16 bits are used)
     * @param to a 16-bit sequence number (only the low 16 bits are used)
     * @return how many steps forward {@code to} lies from {@code from}; negative if it lies behind
     */
    public static int distance(int from, int to) {
        return (short) (to - from);
    }

    /**
     * Whether {@code candidate} is newer (later in sending order) than {@code reference}.
     *
     * @param candidate a 16-bit sequence number
     * @param reference a 16-bit sequence number
     * @return true if {@code candidate} follows {@code reference} on the circle
     */
    public static boolean isNewer(int candidate, int reference) {
        int d = (candidate - reference) & 0xFFFF;
        if (d == 0x8000) {
            return (candidate & 0xFFFF) > (reference & 0xFFFF);
        }
        return d != 0 && d < 0x8000;
    }

    /**
     * Adds a signed offset to a 16-bit sequence number.
     *
     * @param seq a 16-bit sequence number
     * @param delta the number of steps; may be negative
     * @return {@code seq + delta} modulo 65536
     */
    public static int add(int seq, int delta) {
        return (seq + delta) & 0xFFFF;
    }

    /**
     * Signed distance between two 32-bit RTP timestamps, in timestamp units.
     *
     * @param from an RTP timestamp (unsigned 32-bit, carried in an int)
     * @param to an RTP timestamp (unsigned 32-bit, carried in an int)
     * @return {@code to - from} interpreted as a signed 32-bit value
     */
    public static int timestampDistance(int from, int to) {
        return to - from;
    }
}
