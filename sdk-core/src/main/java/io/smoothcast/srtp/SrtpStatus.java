package io.smoothcast.srtp;

/**
 * Why {@link SrtpSender} or {@link SrtpReceiver} refused a packet. The protect and unprotect
 * methods return a length (zero or more) on success and one of these negative codes otherwise,
 * so the caller can count drops per reason without allocating. No packet ever causes an
 * exception; exceptions are kept for programming errors (a null buffer, a region outside the
 * array).
 *
 * <p>Stateless; thread-safe.
 */
public final class SrtpStatus {

    /** Too short for header plus tag (and trailer), version not 2, or the RTP header runs past the packet. */
    public static final int MALFORMED = -1;
    /** The AEAD tag does not match: the packet was altered, or keys or rollover counter differ. */
    public static final int AUTHENTICATION_FAILED = -2;
    /** This packet index was already accepted (receiver) or already protected (sender: a nonce would repeat). */
    public static final int REPLAYED = -3;
    /** The packet index is behind the replay window, so whether it is a replay cannot be told. */
    public static final int TOO_OLD = -4;
    /** A new SSRC arrived while the per-session stream table is full. */
    public static final int TOO_MANY_STREAMS = -5;
    /** The output region cannot hold the result (protect needs room for the tag and trailer). */
    public static final int BUFFER_TOO_SMALL = -6;
    /** The key's packet index space is used up (2^48 SRTP, 2^31 SRTCP packets): rekey. */
    public static final int INDEX_EXHAUSTED = -7;
    /** {@code javax.crypto} refused the operation for a reason other than a bad tag. */
    public static final int CRYPTO_FAILURE = -8;

    /** Number of distinct codes, for arrays indexed by {@code -status}. */
    public static final int COUNT = 9;

    private static final String[] NAMES = {
        "OK", "MALFORMED", "AUTHENTICATION_FAILED", "REPLAYED", "TOO_OLD", "TOO_MANY_STREAMS",
        "BUFFER_TOO_SMALL", "INDEX_EXHAUSTED", "CRYPTO_FAILURE",
    };

    private SrtpStatus() {
    }

    /**
     * @param status a value returned by a protect or unprotect method
     * @return the code's name, {@code "OK"} for any non-negative length, or {@code "UNKNOWN"}
     */
    public static String name(int status) {
        if (status >= 0) {
            return NAMES[0];
        }
        return -status < NAMES.length ? NAMES[-status] : "UNKNOWN";
    }
}
