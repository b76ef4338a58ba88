package io.smoothcast.transport;

import io.smoothcast.transport.internal.control.ErrorCode;

/**
 * Why a node refused the token of a {@link Broadcaster} or {@link Viewer} (PROTOCOL.md, "Error
 * codes"), as {@link BroadcasterListener#onTokenRefused} and {@link ViewerListener#onTokenRefused}
 * report it: an application tells a token refusal from every other failure by this callback,
 * without reading the state's reason text. The constants are named after the wire codes, which
 * the state's reason names too.
 *
 * <p>Immutable and thread-safe.
 */
public enum TokenRefusal {
    /**
     * Code 10: no token, or one the node cannot trust (malformed, forged, or signed with a key it
     * does not hold). A renewed token from the application's server is the cure.
     */
    UNAUTHORIZED(ErrorCode.UNAUTHORIZED),
    /** Code 11: the token's expiry has passed (beyond the node's allowed clock skew). Renew it. */
    TOKEN_EXPIRED(ErrorCode.TOKEN_EXPIRED),
    /**
     * Code 12: a valid token that does not cover this request (another role or stream, or a
     * region or node scope that excludes this node).
     */
    FORBIDDEN(ErrorCode.FORBIDDEN);

    private final ErrorCode code;

    TokenRefusal(ErrorCode code) {
        this.code = code;
    }

    /** @return the error code on the wire (10, 11 or 12) */
    public int code() {
        return code.value();
    }

    /**
     * The refusal an error code stands for.
     *
     * @param code an error code from a node
     * @return the refusal, or null if the code is not about the token
     */
    public static TokenRefusal ofCode(int code) {
        for (TokenRefusal refusal : values()) {
            if (refusal.code() == code) {
                return refusal;
            }
        }
        return null;
    }
}
