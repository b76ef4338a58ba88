package io.smoothcast.stats;

/**
 * What every stream snapshot shares: when it was taken, which stream it describes, which
 * endpoint measured it, and the node and region serving that endpoint.
 *
 * <p>Implementations are immutable records; thread-safe.
 */
public sealed interface StreamStats permits SendStreamStats, ReceiveStreamStats {

    /** @return the instant the snapshot was taken, monotonic nanoseconds */
    long timestampNs();

    /** @return the stream's identifier; never empty */
    String streamId();

    /**
     * @return the measuring endpoint (viewer session, broadcaster, relay leg); "" when the caller
     *     has only one endpoint per stream
     */
    String endpointId();

    /** @return the node currently serving the endpoint; "" when unknown */
    String nodeId();

    /** @return the region of that node (for example "eu-west"); "" when unknown */
    String region();

    /** @return {@link Direction#SEND} or {@link Direction#RECEIVE} */
    Direction direction();

    /**
     * @return failovers of this endpoint since the stream started: resumes on a node after losing
     *     every node (not the moves while the node still answered, see {@link #nodeSwitches()})
     */
    long failoverCount();

    /** @return moves of this endpoint to another node while its node still answered, per reason */
    NodeSwitchCounts nodeSwitches();

    /**
     * @return refusals of this endpoint's current token by a node (UNAUTHORIZED, TOKEN_EXPIRED,
     *     FORBIDDEN) since the stream started; 0 for endpoints that show no token
     */
    long tokenRefusals();

    /** @return true while the endpoint has fallen back to audio only */
    boolean audioOnly();
}
