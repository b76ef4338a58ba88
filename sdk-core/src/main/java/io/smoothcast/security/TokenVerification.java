package io.smoothcast.security;

/**
 * The result of {@link TokenVerifier#verify}: a {@link TokenStatus} and, only when it is
 * {@link TokenStatus#OK}, the authenticated claims and the id of the key that signed them.
 *
 * <p>Immutable; thread-safe.
 */
public final class TokenVerification {

    private static final TokenVerification[] FAILURES = new TokenVerification[TokenStatus.values().length];

    static {
        for (TokenStatus status : TokenStatus.values()) {
            FAILURES[status.ordinal()] = new TokenVerification(status, null, null);
        }
    }

    private final TokenStatus status;
    private final TokenClaims claims;
    private final String keyId;

    private TokenVerification(TokenStatus status, TokenClaims claims, String keyId) {
        this.status = status;
        this.claims = claims;
        this.keyId = keyId;
    }

    static TokenVerification failure(TokenStatus status) {
        return FAILURES[status.ordinal()];
    }

    static TokenVerification ok(TokenClaims claims, String keyId) {
        return new TokenVerification(TokenStatus.OK, claims, keyId);
    }

    /** @return the outcome */
    public TokenStatus status() {
        return status;
    }

    /** @return whether the token is accepted */
    public boolean isOk() {
        return status == TokenStatus.OK;
    }

    /** @return the authenticated claims when {@link #isOk()}, otherwise null (nothing unauthenticated leaks out) */
    public TokenClaims claims() {
        return claims;
    }

    /** @return the id of the key that signed the token when {@link #isOk()}, otherwise null */
    public String keyId() {
        return keyId;
    }

    @Override
    public String toString() {
        return isOk() ? "TokenVerification[OK, key=" + keyId + ", " + claims + "]" : "TokenVerification[" + status + "]";
    }
}
