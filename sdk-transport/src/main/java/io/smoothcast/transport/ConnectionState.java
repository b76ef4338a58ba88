package io.smoothcast.transport;

/**
 * Where a {@link Broadcaster} or {@link Viewer} stands with its node.
 *
 * <p>Immutable and thread-safe.
 */
public enum ConnectionState {
    /** {@code start()} was called; joining the node and asking to publish or subscribe. */
    CONNECTING,
    /** A node accepted the request; media flows. */
    CONNECTED,
    /** The node went silent or refused; the client is moving to another node by itself. */
    RECONNECTING,
    /**
     * No node has carried the client for the give-up time ({@link FailoverPolicy#giveUpMs()}).
     * The client still retries at the backoff cap and reports {@link #CONNECTED} if a node answers.
     */
    FAILED,
    /** {@code close()} was called. */
    CLOSED
}
