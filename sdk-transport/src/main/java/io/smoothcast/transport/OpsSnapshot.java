package io.smoothcast.transport;

import io.smoothcast.alert.AlertEvent;
import io.smoothcast.quality.QualityLevel;
import io.smoothcast.stats.Direction;
import io.smoothcast.stats.NodeStats;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.stats.SendStreamStats;
import java.util.List;

/**
 * Everything an {@link OpsMonitor} knows at one sampling instant: the latest statistics of every
 * watched viewer, broadcaster and relay node, the quality levels, the alerts that are active and
 * the most recent alert events (raised and cleared, oldest first) and the most recent moves of
 * watched clients between nodes.
 *
 * <p>Immutable record (the lists are unmodifiable copies); thread-safe.
 *
 * @param timestampNs when the snapshot was taken, monotonic nanoseconds of the monitor's clock
 * @param wallTimeMs the same instant on the wall clock, milliseconds since the epoch
 * @param receive one snapshot per watched viewer
 * @param send one snapshot per watched broadcaster
 * @param nodes one snapshot per watched relay node
 * @param qualities the current quality level of every watched stream endpoint
 * @param activeAlerts alerts raised and not yet cleared
 * @param recentEvents the latest alert events, oldest first, bounded
 * @param recentNodeSwitches the latest moves of watched viewers and broadcasters to another node
 *     while their node still answered, oldest first, bounded like {@code recentEvents}
 */
public record OpsSnapshot(
        long timestampNs,
        long wallTimeMs,
        List<ReceiveStreamStats> receive,
        List<SendStreamStats> send,
        List<NodeStats> nodes,
        List<StreamQuality> qualities,
        List<AlertEvent> activeAlerts,
        List<AlertEvent> recentEvents,
        List<NodeSwitchEvent> recentNodeSwitches) {

    /** The empty snapshot a monitor holds before its first sample. */
    public static final OpsSnapshot EMPTY = new OpsSnapshot(0, 0, List.of(), List.of(), List.of(), List.of(),
            List.of(), List.of(), List.of());

    /**
     * Copies the lists.
     *
     * @param timestampNs when the snapshot was taken, monotonic nanoseconds
     * @param wallTimeMs the same instant, milliseconds since the epoch
     * @param receive viewer snapshots; not null
     * @param send broadcaster snapshots; not null
     * @param nodes relay node snapshots; not null
     * @param qualities quality levels; not null
     * @param activeAlerts active alerts; not null
     * @param recentEvents recent events, oldest first; not null
     * @param recentNodeSwitches recent moves between nodes, oldest first; not null
     */
    public OpsSnapshot {
        receive = List.copyOf(receive);
        send = List.copyOf(send);
        nodes = List.copyOf(nodes);
        qualities = List.copyOf(qualities);
        activeAlerts = List.copyOf(activeAlerts);
        recentEvents = List.copyOf(recentEvents);
        recentNodeSwitches = List.copyOf(recentNodeSwitches);
    }

    /**
     * The quality level of one stream at one endpoint.
     *
     * @param streamId the stream
     * @param endpointId the measuring endpoint
     * @param direction send (broadcaster) or receive (viewer)
     * @param level the level on the 0-6 scale
     */
    public record StreamQuality(String streamId, String endpointId, Direction direction, QualityLevel level) {
    }
}
