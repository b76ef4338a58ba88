package io.smoothcast.transport.internal.relay;

/**
 * The relay's defences (SECURITY.md): token checks, return-routability cookies, a rate limit on
 * control messages per unauthenticated source, a cap on half-open sessions (a HELLO, but no
 * accepted PUBLISH or SUBSCRIBE yet; the oldest is evicted when a new one would exceed the cap),
 * rate caps per authenticated session, and the credentials this node shows its upstream node.
 *
 * @param authenticator checks PUBLISH and SUBSCRIBE tokens, or null to accept requests without one
 * @param routability requires the HELLO_ACK cookie in PUBLISH and SUBSCRIBE, or null not to
 * @param rateLimiter limits datagrams of any kind from unauthenticated sources, or null for no limit
 * @param maxHalfOpenSessions most half-open sessions at once, at least 1
 * @param peerLimits caps per authenticated session, or null for none
 * @param cascade mints the token for subscriptions to the upstream node, or null to send none
 */
public record RelaySecurity(RelayAuthenticator authenticator, ReturnRoutability routability,
        SourceRateLimiter rateLimiter, int maxHalfOpenSessions, PeerRateLimits peerLimits,
        CascadeCredentials cascade) {

    /** No checks and no limits beyond the node's session limit (PROTOCOL.md version 1 behaviour). */
    public static final RelaySecurity NONE = new RelaySecurity(null, null, null, Integer.MAX_VALUE);

    /** Validates the cap. */
    public RelaySecurity {
        if (maxHalfOpenSessions < 1) {
            throw new IllegalArgumentException("maxHalfOpenSessions must be >= 1: " + maxHalfOpenSessions);
        }
    }

    /** Defences without caps per authenticated session and without upstream credentials. */
    public RelaySecurity(RelayAuthenticator authenticator, ReturnRoutability routability,
            SourceRateLimiter rateLimiter, int maxHalfOpenSessions) {
        this(authenticator, routability, rateLimiter, maxHalfOpenSessions, null, null);
    }
}
