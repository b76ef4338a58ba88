package io.smoothcast.transport;

/**
 * Receives a {@link Viewer}'s frames and events. Every method has a no-op default.
 *
 * <p>{@link #onFrame} and {@link #onFrameRejected} run on the viewer's playout thread;
 * {@link #onStateChanged}, {@link #onNodeSwitched}, {@link #onTokenRefused} and
 * {@link #onTokenExpiring} on its I/O thread, except two calls of
 * {@link #onStateChanged}: {@link ConnectionState#CONNECTING} runs on the thread calling
 * {@link Viewer#start()} and {@link ConnectionState#CLOSED} on the thread calling
 * {@link Viewer#close()}. All must be quick and must not block or throw (an exception is logged
 * and otherwise ignored).
 */
public interface ViewerListener {

    /** A listener that ignores everything. */
    ViewerListener NONE = new ViewerListener() {
    };

    /**
     * A frame is due to play. Frames of one track arrive in order; the view is valid only
     * during this call. Interactive messages from {@link Broadcaster#sendMessage} arrive here
     * too, with {@link ReceivedFrame#kind()} {@link MediaKind#DATA}.
     *
     * @param frame the frame
     */
    default void onFrame(ReceivedFrame frame) {
    }

    /**
     * A frame was refused by end-to-end decryption (only with
     * {@link Viewer.Builder#frameDecryptionKey}) and not delivered: altered on the way or sealed
     * with another key ({@code AUTHENTICATION_FAILED}), replayed ({@code REPLAYED},
     * {@code TOO_OLD}), under a key id this viewer does not hold ({@code UNKNOWN_KEY}), or
     * not a sealed frame ({@code MALFORMED}). Runs on the playout thread, once per refused frame.
     *
     * @param ssrc the track the frame belongs to
     * @param reason the refusal's name, one of the above
     */
    default void onFrameRejected(int ssrc, String reason) {
    }

    /**
     * The connection changed state: {@link ConnectionState#CONNECTING} first, {@link
     * ConnectionState#CLOSED} last. Never {@link ConnectionState#NEW}, the state before start.
     *
     * @param state the new state, never {@link ConnectionState#NEW}
     * @param reason why, in words
     */
    default void onStateChanged(ConnectionState state, String reason) {
    }

    /**
     * The viewer moved to another node while its node still answered (a degraded path, or no
     * publisher there; see {@link FailoverPolicy}). The new node had accepted the viewer before
     * the old one was left, so the state stays {@link ConnectionState#CONNECTED}. Runs on the
     * I/O thread.
     *
     * @param from the node left
     * @param to the node now carrying the viewer
     * @param reason why
     * @param detail the measurements behind the decision, in words
     */
    default void onNodeSwitched(java.net.InetSocketAddress from, java.net.InetSocketAddress to,
            NodeSwitchReason reason, String detail) {
    }

    /**
     * A node refused this viewer's token (SUBSCRIBE: code 10 {@code UNAUTHORIZED}, 11
     * {@code TOKEN_EXPIRED} or 12 {@code FORBIDDEN}): the way to tell a token refusal from
     * every other failure without reading the state's reason text. Comes before the state change
     * the refusal causes, if any ({@link ConnectionState#FAILED} when no other node carries the
     * viewer, its reason naming the code). The viewer keeps retrying its nodes at
     * their backoff with the same token, which they will refuse again: hand it a new one with
     * {@link Viewer#renewToken}, and it asks the nodes that refused at once. Called for each
     * refusal of the current token (a retry refused again is called again), never for the
     * refusal of a token replaced since. Runs on the I/O thread.
     *
     * @param node the node that refused
     * @param refusal its error code
     */
    default void onTokenRefused(java.net.InetSocketAddress node, TokenRefusal refusal) {
    }

    /**
     * The viewer's token expires soon: {@link Viewer.Builder#tokenExpiryWarning} (default
     * 30 s) before the expiry written in the token, once per token (the builder's, then each
     * renewal's; at once for a token handed in with less time left, even an expired one). Fetch a
     * new token and hand it to {@link Viewer#renewToken}: nodes check the token with each SUBSCRIBE
     * (the next failover's, for example), so an expired token is refused there. Never called for a
     * token whose expiry cannot be read (none, or not issued by
     * {@code io.smoothcast.security.TokenIssuer}). The time is this viewer's clock mapped
     * to wall-clock time, as nodes compare the expiry with theirs. Runs on the I/O thread.
     *
     * @param expiresAtEpochSeconds the token's expiry, in Unix seconds (UTC)
     */
    default void onTokenExpiring(long expiresAtEpochSeconds) {
    }
}
