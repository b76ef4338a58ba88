package io.smoothcast.transport;

/**
 * Receives a {@link Viewer}'s frames and events. Every method has a no-op default.
 *
 * <p>{@link #onFrame} runs on the viewer's playout thread; {@link #onStateChanged} on its I/O
 * thread. Both must be quick and must not block or throw (an exception is logged and otherwise
 * ignored).
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
     * The connection changed state.
     *
     * @param state the new state
     * @param reason why, in words
     */
    default void onStateChanged(ConnectionState state, String reason) {
    }
}
