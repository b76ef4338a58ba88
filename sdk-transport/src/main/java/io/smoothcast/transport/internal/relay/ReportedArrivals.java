package io.smoothcast.transport.internal.relay;

/**
 * Which of the latest {@link #WINDOW} transport-wide numbers sent to one subscriber its
 * transport-cc feedback reported received: what lets the relay's tail loss probe skip a
 * subscriber that already has a track's newest packet.
 *
 * <p>A bit per number in a ring. Bits are cleared as the reports move past them (on the
 * feedback path, never per packet sent), so a number no report has named yet reads as not
 * received, and so does one older than the window: the probe then goes out, as for a subscriber
 * that sends no feedback.
 *
 * <p>Not thread-safe: the relay's I/O thread. Allocates nothing after construction.
 */
final class ReportedArrivals {

    /**
     * Numbers remembered, a power of two: the packets a subscriber gets over a probe's quiet
     * time and more (250 ms of a 20 Mbps downlink in 1200-byte packets is about 520).
     */
    static final int WINDOW = 2048;

    private final long[] bits = new long[WINDOW / 64];
    /** The highest number a report named; the bits cover the window ending there. */
    private long highest = -1;

    /**
     * A report that a number arrived.
     *
     * @param sequence the unwrapped transport-wide number
     * @param lastSent the highest number sent to the subscriber: a report of a later one (a
     *     forged or corrupt feedback) is ignored
     */
    void onReceived(long sequence, long lastSent) {
        if (sequence < 0 || sequence > lastSent || sequence <= highest - WINDOW) {
            return;
        }
        if (sequence > highest) {
            for (long s = Math.max(highest + 1, sequence - WINDOW + 1); s < sequence; s++) {
                bits[index(s)] &= ~mask(s); // numbers passed over: not reported (yet)
            }
            highest = sequence;
        }
        bits[index(sequence)] |= mask(sequence);
    }

    /** @return whether a report named the unwrapped number as received (within the window) */
    boolean isReceived(long sequence) {
        return sequence >= 0 && sequence <= highest && sequence > highest - WINDOW
                && (bits[index(sequence)] & mask(sequence)) != 0;
    }

    private static int index(long sequence) {
        return (int) (sequence & (WINDOW - 1)) >>> 6;
    }

    private static long mask(long sequence) {
        return 1L << (sequence & 63);
    }
}
