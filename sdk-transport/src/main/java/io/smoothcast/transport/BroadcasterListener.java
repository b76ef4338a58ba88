package io.smoothcast.transport;

/**
 * Events of a {@link Broadcaster}. Every method has a no-op default; implement only what you
 * need.
 *
 * <p>Callbacks (the {@link TokenListener} ones too) run on the broadcaster's I/O thread, except two calls of {@link #onStateChanged}:
 * {@link ConnectionState#CONNECTING} runs on the thread calling {@link Broadcaster#start()} and
 * {@link ConnectionState#CLOSED} on the thread calling {@link Broadcaster#close()}. They must be
 * quick (hand work to your encoder's thread) and must not block or throw. An exception thrown by
 * a callback is logged and otherwise ignored. A callback may call {@link Broadcaster#close()}: it
 * returns at once (then {@code onStateChanged(CLOSED)} runs inside it), and the close completes
 * on the I/O thread as the callback returns.
 *
 * <p>{@code onStateChanged(CLOSED)} is the last call (the {@code AbrListener} of
 * {@link Broadcaster.Builder#renditions} included): no callback starts after it, not even for
 * the events of the same tick or the datagrams already read when a callback closed the
 * broadcaster. One running on the I/O thread while another thread's close gave up waiting for
 * it (5 s) may still be finishing.
 */
public interface BroadcasterListener extends TokenListener {

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
     * is not connected (the resume calls this anyway). Never called for a stream without video
     * ({@link Broadcaster.Builder#video video(false)}).
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

}
