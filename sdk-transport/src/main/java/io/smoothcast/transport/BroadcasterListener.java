package io.smoothcast.transport;

/**
 * Events of a {@link Broadcaster}. Every method has a no-op default; implement only what you
 * need.
 *
 * <p>Callbacks run on the broadcaster's I/O thread, except two calls of {@link #onStateChanged}:
 * {@link ConnectionState#CONNECTING} runs on the thread calling {@link Broadcaster#start()} and
 * {@link ConnectionState#CLOSED} on the thread calling {@link Broadcaster#close()}. They must be
 * quick (hand work to your encoder's thread) and must not block or throw. An exception thrown by
 * a callback is logged and otherwise ignored.
 */
public interface BroadcasterListener {

    /** A listener that ignores every event. */
    BroadcasterListener NONE = new BroadcasterListener() {
    };

    /**
     * The connection changed state: {@link ConnectionState#CONNECTING} first, {@link
     * ConnectionState#CLOSED} last. Never {@link ConnectionState#NEW}, the state before start.
     *
     * @param state the new state, never {@link ConnectionState#NEW}
     * @param reason why, in words (for logs)
     */
    default void onStateChanged(ConnectionState state, String reason) {
    }

    /**
     * A viewer (through the node) needs a keyframe, or the broadcaster dropped a video frame (it
     * had waited longer than {@link Broadcaster.Builder#maxSendDelay}, or the pacer had no room
     * for it) and skips the track's later frames until a keyframe: encode the next frame as one.
     * The broadcaster repeats its own request every second while the track still waits and no
     * keyframe was handed in since, so a missed call costs at most a second of frozen video; the
     * second counts from the last call of any cause, and the repeat pauses while the broadcaster
     * is not connected (the resume calls this anyway).
     */
    default void onKeyframeRequested() {
    }

    /**
     * The media target changed by 5 % or more: what the path to the node carries for all tracks
     * together (the congestion controller's target) less what retransmissions used over the last
     * second (at most half of it). Set the encoder(s) so their sum stays below it.
     *
     * @param bitrateBps the new media target, in bits per second
     */
    default void onTargetBitrate(long bitrateBps) {
    }

    /**
     * The broadcaster moved its stream to another node while its node still answered (the path
     * there was degraded; see {@link FailoverPolicy}). The new node had accepted the stream
     * before the old one was left, so the state stays {@link ConnectionState#CONNECTED}; a
     * keyframe request follows for the new node's viewers.
     *
     * @param from the node left
     * @param to the node now carrying the stream
     * @param reason why
     * @param detail the measurements behind the decision, in words
     */
    default void onNodeSwitched(java.net.InetSocketAddress from, java.net.InetSocketAddress to,
            NodeSwitchReason reason, String detail) {
    }

    /**
     * A node refused this broadcaster's token (PUBLISH: code 10 {@code UNAUTHORIZED}, 11
     * {@code TOKEN_EXPIRED} or 12 {@code FORBIDDEN}): the way to tell a token refusal from
     * every other failure without reading the state's reason text. Comes before the state change
     * the refusal causes, if any ({@link ConnectionState#FAILED} when no other node carries the
     * broadcaster, its reason naming the code). The broadcaster keeps retrying its nodes at
     * their backoff with the same token, which they will refuse again: hand it a new one with
     * {@link Broadcaster#renewToken}, and it asks the nodes that refused at once. Called for each
     * refusal of the current token (a retry refused again is called again), never for the
     * refusal of a token replaced since. Runs on the I/O thread.
     *
     * @param node the node that refused
     * @param refusal its error code
     */
    default void onTokenRefused(java.net.InetSocketAddress node, TokenRefusal refusal) {
    }

    /**
     * The broadcaster's token expires soon: {@link Broadcaster.Builder#tokenExpiryWarning} (default
     * 30 s) before the expiry written in the token, once per token (the builder's, then each
     * renewal's; at once for a token handed in with less time left, even an expired one). Fetch a
     * new token and hand it to {@link Broadcaster#renewToken}: nodes check the token with each PUBLISH
     * (the next failover's, for example), so an expired token is refused there. Never called for a
     * token whose expiry cannot be read (none, or not issued by
     * {@code io.smoothcast.security.TokenIssuer}). The time is this broadcaster's clock mapped
     * to wall-clock time, as nodes compare the expiry with theirs. Runs on the I/O thread.
     *
     * @param expiresAtEpochSeconds the token's expiry, in Unix seconds (UTC)
     */
    default void onTokenExpiring(long expiresAtEpochSeconds) {
    }
}
