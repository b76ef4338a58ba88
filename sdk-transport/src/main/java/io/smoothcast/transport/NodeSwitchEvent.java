package io.smoothcast.transport;

import io.smoothcast.stats.Direction;
import java.util.Objects;

/**
 * A watched {@link Viewer} or {@link Broadcaster} moved to another node while its node still
 * answered, as {@link OpsMonitor} logs it in {@link OpsSnapshot#recentNodeSwitches()}. Failovers
 * after a lost node are not among these events (they show in the connection state and the
 * failover counts).
 *
 * <p>Immutable record; thread-safe.
 *
 * @param timeNs the sample at which the monitor saw the move, monotonic nanoseconds of the
 *     monitor's clock (the move happened within the sampling interval before)
 * @param direction {@link Direction#RECEIVE} for a viewer, {@link Direction#SEND} for a broadcaster
 * @param streamId the client's stream
 * @param endpointId the client's endpoint, as watched
 * @param from the node left, "host:port"
 * @param to the node moved to, "host:port"
 * @param reason why it moved
 * @param detail what the client measured, for example the loss and round trips of both nodes
 */
public record NodeSwitchEvent(long timeNs, Direction direction, String streamId, String endpointId, String from,
        String to, NodeSwitchReason reason, String detail) {

    /**
     * Rejects nulls.
     *
     * @param timeNs the sample at which the monitor saw the move, monotonic nanoseconds
     * @param direction receive (viewer) or send (broadcaster)
     * @param streamId the client's stream
     * @param endpointId the client's endpoint
     * @param from the node left, "host:port"
     * @param to the node moved to, "host:port"
     * @param reason why it moved
     * @param detail what the client measured
     */
    public NodeSwitchEvent {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(endpointId, "endpointId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }

    /** @return a one-line summary for logs and consoles */
    public String summary() {
        return (direction == Direction.RECEIVE ? "viewer " : "broadcaster ") + endpointId + " (stream " + streamId
                + ") moved " + from + " -> " + to + " (" + reason.label() + "): " + detail;
    }
}
