package io.smoothcast.transport;

/**
 * Where a {@link Broadcaster} or {@link Viewer} stands with its node.
 *
 * <p>Immutable and thread-safe.
 */
public enum ConnectionState {
    /** {@code start()} was called; joining the node and asking to publish or subscribe. */
    CONNECTING,
    /** The node accepted the request; media flows. */
    CONNECTED,
    /** The node refused the request or never answered; the client has stopped trying. */
    FAILED,
    /** {@code close()} was called. */
    CLOSED
}
