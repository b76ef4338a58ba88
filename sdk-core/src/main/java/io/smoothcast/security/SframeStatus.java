package io.smoothcast.security;

/**
 * Why {@link SframeEncryptor} or {@link SframeDecryptor} refused a frame. Both return a length
 * (zero or more) on success and one of these negative codes otherwise, so callers count drops
 * per reason without allocating. No frame content ever causes an exception.
 *
 * <p>Stateless; thread-safe.
 */
public final class SframeStatus {

    /** The SFrame header is truncated, not minimally encoded, or there is no room for the tag. */
    public static final int MALFORMED = -1;
    /** The header names a key id the decryptor does not hold (another key, or not SFrame at all). */
    public static final int UNKNOWN_KEY = -2;
    /** The tag does not match: the frame was altered, or it was sealed with another base key. */
    public static final int AUTHENTICATION_FAILED = -3;
    /** This counter was already accepted under this key: a replayed frame. */
    public static final int REPLAYED = -4;
    /** The counter is behind the replay window, so whether it is a replay cannot be told. */
    public static final int TOO_OLD = -5;
    /** The output region cannot hold the result. */
    public static final int BUFFER_TOO_SMALL = -6;
    /** The encryptor's counter space is used up (2^63 frames under one key): a nonce would repeat. */
    public static final int COUNTER_EXHAUSTED = -7;
    /** {@code javax.crypto} refused the operation for a reason other than a bad tag. */
    public static final int CRYPTO_FAILURE = -8;

    /** Number of distinct codes, for arrays indexed by {@code -status}. */
    public static final int COUNT = 9;

    private static final String[] NAMES = {
        "OK", "MALFORMED", "UNKNOWN_KEY", "AUTHENTICATION_FAILED", "REPLAYED", "TOO_OLD", "BUFFER_TOO_SMALL",
        "COUNTER_EXHAUSTED", "CRYPTO_FAILURE",
    };

    private SframeStatus() {
    }

    /**
     * @param status a value returned by an encrypt or decrypt method
     * @return the code's name, {@code "OK"} for any non-negative length, or {@code "UNKNOWN"}
     */
    public static String name(int status) {
        if (status >= 0) {
            return NAMES[0];
        }
        return -status < NAMES.length ? NAMES[-status] : "UNKNOWN";
    }
}
