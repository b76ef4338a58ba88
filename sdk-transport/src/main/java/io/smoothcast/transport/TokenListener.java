package io.smoothcast.transport;

/**
 * The token events of a {@link Broadcaster} or {@link Viewer}, which {@link BroadcasterListener}
 * and {@link ViewerListener} inherit (one interface, so that a class listening to both sides has
 * one implementation of each). Every method has a no-op default.
 *
 * <p>Both callbacks run on the client's I/O thread. They must be quick and must not block or
 * throw (an exception is logged and otherwise ignored): fetch the new token on a thread of your
 * own, then hand it to {@code renewToken}, which any thread may call.
 */
public interface TokenListener {

    /**
     * A node refused the client's token (its PUBLISH or SUBSCRIBE: code 10
     * {@code UNAUTHORIZED}, 11 {@code TOKEN_EXPIRED} or 12 {@code FORBIDDEN}): the way to tell a
     * token refusal from every other failure without reading the state's reason text. Comes
     * before the state change the refusal causes, if any ({@link ConnectionState#FAILED} when no
     * other node carries the client, its reason naming the code). A refusing node is not taken
     * for a bad one: its ranking and hold-down stay as they were. The client keeps asking it
     * with the same token, which it will most likely refuse again (a node's clock, keys or scope
     * may be fixed by its operator), at a backoff of its own that starts at
     * {@link FailoverPolicy.Builder#backoffBaseMs} and doubles up to
     * {@link FailoverPolicy#TOKEN_REFUSAL_BACKOFF_MAX_MS} (30 s: about two requests a minute per
     * node); hand it a new token with {@link Broadcaster#renewToken} or {@link Viewer#renewToken},
     * and it asks the nodes that refused at once. Called for each refusal of the current token (a
     * retry refused again is called again; {@code stats().tokenRefusals()} counts them), never
     * for a refusal of a token replaced since. A node that already carries the client does not
     * refuse a repeat of its request for an expired token (PROTOCOL.md section 7).
     *
     * @param node the node that refused
     * @param refusal its error code
     */
    default void onTokenRefused(java.net.InetSocketAddress node, TokenRefusal refusal) {
    }

    /**
     * The client's token expires soon: {@code tokenExpiryWarning} (a builder option, default
     * 30 s) before the expiry written in the token, once per token (the builder's, then each
     * renewal's; at once for a token handed in with less time left, even an expired one). Fetch
     * a new token and hand it to {@code renewToken}: a node checks the token with each PUBLISH or
     * SUBSCRIBE it receives (the next failover's, for example) and refuses an expired one. Never
     * called for a token whose expiry cannot be read (none, or not issued by
     * {@code io.smoothcast.security.TokenIssuer}). The time is the client's clock mapped to
     * wall-clock time (UTC), which nodes compare the expiry with: keep clocks in sync (NTP).
     *
     * @param expiresAtEpochSeconds the token's expiry, in Unix seconds (UTC)
     */
    default void onTokenExpiring(long expiresAtEpochSeconds) {
    }
}
