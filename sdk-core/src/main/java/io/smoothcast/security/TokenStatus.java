package io.smoothcast.security;

/**
 * Outcome of {@link TokenVerifier#verify}. Every outcome but {@link #OK} means: refuse the peer,
 * send no media, and answer (if at all) with no more bytes than the peer sent.
 *
 * <p>Codes are checked in the order listed below after {@link #OK}: a token that is both forged
 * and expired is reported as {@link #BAD_SIGNATURE}, because nothing in an unauthenticated token
 * (its expiry, role or stream) is believed.
 *
 * <p>Immutable; thread-safe.
 */
public enum TokenStatus {
    /** The token is authentic, unexpired, and grants the requested role on the requested stream here. */
    OK,
    /** No token was presented (null or empty). */
    MISSING,
    /** The token is not in our format: too long, bad characters, bad base64url, bad structure or lengths. */
    MALFORMED,
    /** The token names a key id this verifier does not hold (retired, or never issued by us). */
    UNKNOWN_KEY,
    /** The MAC does not match: forged or altered token, or signed with another secret under the same key id. */
    BAD_SIGNATURE,
    /** The token's expiry (plus the verifier's allowed clock skew) has passed. */
    EXPIRED,
    /** The token grants another role (for instance SUBSCRIBE where PUBLISH is asked for). */
    WRONG_ROLE,
    /** The token is for another stream. */
    WRONG_STREAM,
    /** The token is limited to another region or node than this verifier's. */
    OUT_OF_SCOPE
}
