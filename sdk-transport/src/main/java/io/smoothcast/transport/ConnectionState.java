package io.smoothcast.transport;

/**
 * Where a {@link Broadcaster} or {@link Viewer} stands with its node.
 *
 * <p>A client is {@link #NEW} from its builder's {@code build()} until {@code start()}; from
 * then on its listener hears every change ({@link #CONNECTING} first, {@link #CLOSED} last).
 * A listener never receives {@link #NEW}: it is the state before any event. {@link #CLOSED} is
 * final; {@link #FAILED} is not (see below). New constants may be added in later versions, so a
 * {@code switch} over this enum should have a {@code default} branch.
 *
 * <p>Immutable and thread-safe.
 */
public enum ConnectionState {
    /**
     * Built, {@code start()} not yet called: no socket is open and nothing is sent. Only the
     * state getters report it; listeners never receive it.
     */
    NEW,
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
    /** {@code close()} was called, or the client's {@link SharedIoThreads} pool was closed. */
    CLOSED
}
