package io.smoothcast.transport;

/**
 * Why a {@link Viewer} or {@link Broadcaster} moved to another node while its node still answered (see
 * {@link FailoverPolicy}). Moves after a node failed go through
 * {@link ConnectionState#RECONNECTING} instead.
 *
 * <p>Immutable and thread-safe.
 */
public enum NodeSwitchReason {
    /** The path to the node lost packets or had a long round trip, and another node scored clearly better. */
    DEGRADED_PATH,
    /** The node had no publisher for the stream; another node has one (viewers only). */
    NO_PUBLISHER,
    /**
     * The node still listed the stream's tracks but delivered no media for
     * {@link FailoverPolicy#mediaSilenceTimeoutMs()}, and another node did deliver it during a
     * trial subscription (viewers only): typically the publisher moved and the old node has not
     * noticed yet.
     */
    MEDIA_SILENCE
}
