package io.smoothcast.transport.internal.relay;

/**
 * The relay's defences before a peer is authenticated (SECURITY.md): token checks,
 * return-routability cookies, a rate limit on control messages per source, and a cap on
 * half-open sessions (a HELLO, but no accepted PUBLISH or SUBSCRIBE yet; the oldest is evicted
 * when a new one would exceed the cap).
 *
 * @param authenticator checks PUBLISH and SUBSCRIBE tokens, or null to accept requests without one
 * @param routability requires the HELLO_ACK cookie in PUBLISH and SUBSCRIBE, or null not to
 * @param rateLimiter limits control messages from unauthenticated sources, or null for no limit
 * @param maxHalfOpenSessions most half-open sessions at once, at least 1
 */
public record RelaySecurity(RelayAuthenticator authenticator, ReturnRoutability routability,
        SourceRateLimiter rateLimiter, int maxHalfOpenSessions) {

    /** No checks and no limits beyond the node's session limit (PROTOCOL.md version 1 behaviour). */
    public static final RelaySecurity NONE = new RelaySecurity(null, null, null, Integer.MAX_VALUE);

    /** Validates the cap. */
    public RelaySecurity {
        if (maxHalfOpenSessions < 1) {
            throw new IllegalArgumentException("maxHalfOpenSessions must be >= 1: " + maxHalfOpenSessions);
        }
    }
}
