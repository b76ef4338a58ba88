package io.smoothcast.transport;

/**
 * Receives a {@link Viewer}'s frames and events. Every method has a no-op default.
 *
 * <p>{@link #onFrame} and {@link #onFrameRejected} run on the viewer's playout thread;
 * {@link #onStateChanged}, {@link #onNodeSwitched} and the {@link TokenListener} callbacks on its I/O thread, except two calls of
 * {@link #onStateChanged}: {@link ConnectionState#CONNECTING} runs on the thread calling
 * {@link Viewer#start()} and {@link ConnectionState#CLOSED} on the thread calling
 * {@link Viewer#close()}. All must be quick and must not block or throw (an exception is logged
 * and otherwise ignored). Any callback may call {@link Viewer#close()} (then
 * {@code onStateChanged(CLOSED)} runs inside it): on the I/O thread it returns at once and the
 * close completes as the callback returns; on the playout thread it waits for the I/O thread as
 * from any thread, and the playout thread stops as the callback returns.
 *
 * <p>{@code onStateChanged(CLOSED)} is the last call: no callback starts after it, not even for
 * the datagrams and frames already in hand when a callback closed the viewer. One already running
 * on the other thread when the close began may still be finishing.
 */
public interface ViewerListener extends TokenListener {

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

}
