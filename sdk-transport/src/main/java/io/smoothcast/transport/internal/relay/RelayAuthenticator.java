package io.smoothcast.transport.internal.relay;

import io.smoothcast.security.TokenRole;
import io.smoothcast.security.TokenStatus;
import io.smoothcast.security.TokenVerifier;
import io.smoothcast.transport.internal.control.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

/**
 * Checks the token section of a PUBLISH or SUBSCRIBE (PROTOCOL.md sections 2 and 7) and maps a
 * refusal to its wire error code: {@code MISSING}, {@code MALFORMED}, {@code UNKNOWN_KEY} and
 * {@code BAD_SIGNATURE} to {@link ErrorCode#UNAUTHORIZED}; {@code EXPIRED} to
 * {@link ErrorCode#TOKEN_EXPIRED}; {@code WRONG_ROLE}, {@code WRONG_STREAM} and
 * {@code OUT_OF_SCOPE} to {@link ErrorCode#FORBIDDEN}.
 *
 * <p>Thread-safe if the epoch clock is; the relay engine calls it on its I/O thread, once per
 * role request (verification allocates, so it is never on the per-packet path).
 */
public final class RelayAuthenticator {

    private final TokenVerifier verifier;
    private final LongSupplier epochSecondsNow;

    /**
     * @param verifier holds the active keys (several during a key rotation) and the node's scope
     * @param epochSecondsNow wall-clock time in Unix seconds (token expiry is wall-clock time)
     */
    public RelayAuthenticator(TokenVerifier verifier, LongSupplier epochSecondsNow) {
        if (verifier == null) {
            throw new IllegalArgumentException("verifier must not be null");
        }
        if (epochSecondsNow == null) {
            throw new IllegalArgumentException("epochSecondsNow must not be null");
        }
        this.verifier = verifier;
        this.epochSecondsNow = epochSecondsNow;
    }

    /**
     * Verifies a token section.
     *
     * @param token the raw token bytes from the control header (untrusted, possibly empty)
     * @param streamId the stream the request names
     * @param role what the request asks to do
     * @return the verifier's status
     */
    public TokenStatus check(byte[] token, String streamId, TokenRole role) {
        return verifier.verify(text(token), streamId, role, epochSecondsNow.getAsLong()).status();
    }

    /**
     * Verifies a token section as {@link #check} does except for its expiry: signature, key,
     * role, stream and scope. For a repeated request of a session that already holds the role
     * (PROTOCOL.md section 7), whose token may have expired since the role was granted.
     *
     * @param token the raw token bytes from the control header (untrusted, possibly empty)
     * @param streamId the stream the request names
     * @param role what the request asks to do
     * @return the verifier's status, never {@code EXPIRED}
     */
    public TokenStatus checkIgnoringExpiry(byte[] token, String streamId, TokenRole role) {
        // Every well-formed token expires after the epoch's first second (the format requires
        // an expiry > 0, and the skew only lengthens it), so at time 0 none has expired.
        return verifier.verify(text(token), streamId, role, 0).status();
    }

    private static String text(byte[] token) {
        // ISO-8859-1 maps every byte to one char, so non-ASCII bytes reach the verifier as
        // characters outside base64url and are refused as MALFORMED there.
        return token.length == 0 ? null : new String(token, StandardCharsets.ISO_8859_1);
    }

    /**
     * The error code a refusal is answered with.
     *
     * @param status a status other than {@code OK}
     * @return the wire code
     */
    public static ErrorCode errorCode(TokenStatus status) {
        return switch (status) {
            case OK -> throw new IllegalArgumentException("status must be a refusal: OK");
            case MISSING, MALFORMED, UNKNOWN_KEY, BAD_SIGNATURE -> ErrorCode.UNAUTHORIZED;
            case EXPIRED -> ErrorCode.TOKEN_EXPIRED;
            case WRONG_ROLE, WRONG_STREAM, OUT_OF_SCOPE -> ErrorCode.FORBIDDEN;
        };
    }

    /**
     * The short reason sent with the error (the client shows it; shortened further if the
     * no-amplification rule requires).
     *
     * @param status a status other than {@code OK}
     * @return a lower-case reason such as "token expired"
     */
    public static String reason(TokenStatus status) {
        return switch (status) {
            case OK -> throw new IllegalArgumentException("status must be a refusal: OK");
            case MISSING -> "token missing";
            case MALFORMED -> "token malformed";
            case UNKNOWN_KEY -> "token key unknown";
            case BAD_SIGNATURE -> "token forged";
            case EXPIRED -> "token expired";
            case WRONG_ROLE -> "token wrong role";
            case WRONG_STREAM -> "token wrong stream";
            case OUT_OF_SCOPE -> "token out of scope";
        };
    }
}
