package io.smoothcast.jitter;

/**
 * What {@link SpscJitterBuffer#offer} did with a packet. Returned as an {@code int} so the hot
 * path allocates nothing; every outcome other than {@link #ACCEPTED} is also counted in
 * {@link JitterBufferStats}.
 *
 * <p>Stateless; thread-safe.
 */
public final class OfferResult {

    /** Stored; it will be delivered as part of a frame or counted as dropped. */
    public static final int ACCEPTED = 0;
    /** The same sequence number is already held or was already delivered. */
    public static final int DUPLICATE = 1;
    /** Its playout deadline passed (the consumer moved beyond it); discarded. */
    public static final int LATE = 2;
    /** The buffer had no room; discarded and the oldest content is being dropped. */
    public static final int OVERFLOW = 3;
    /** Payload larger than the slot size, or a timestamp far off the stream's timeline. */
    public static final int INVALID = 4;
    /**
     * A sequence jump too large to be loss (RFC 3550 A.1); ignored unless the next packet
     * continues from it, which restarts the stream.
     */
    public static final int IGNORED_JUMP = 5;

    private OfferResult() {
    }

    /**
     * @param result a value returned by {@link SpscJitterBuffer#offer}
     * @return its constant's name, for logs
     */
    public static String name(int result) {
        switch (result) {
            case ACCEPTED: return "ACCEPTED";
            case DUPLICATE: return "DUPLICATE";
            case LATE: return "LATE";
            case OVERFLOW: return "OVERFLOW";
            case INVALID: return "INVALID";
            case IGNORED_JUMP: return "IGNORED_JUMP";
            default: return "UNKNOWN(" + result + ")";
        }
    }
}
