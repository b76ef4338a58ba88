package io.smoothcast.netsim;

/**
 * Sees every packet the {@link NetworkSimulator} carries, for metrics and charts. Methods are
 * called on the simulator's thread in virtual-time order; they must be fast and must not call
 * back into the simulator. All methods do nothing by default.
 */
public interface PacketObserver {

    /** An observer that ignores everything. */
    PacketObserver NONE = new PacketObserver() {
    };

    /**
     * A packet was handed to a link.
     *
     * @param flowId the flow
     * @param direction which link
     * @param sequence the packet's sequence number
     * @param sizeBytes size on the wire
     * @param sendTimeNs the virtual time of sending
     */
    default void onSent(int flowId, Direction direction, long sequence, int sizeBytes, long sendTimeNs) {
    }

    /**
     * A packet reached the other end of its flow.
     *
     * @param flowId the flow
     * @param direction which link
     * @param sequence the packet's sequence number
     * @param sizeBytes size on the wire
     * @param sendTimeNs when it was sent
     * @param arrivalTimeNs when it arrived
     * @param queueDelayNs how long it waited in the link's queue
     */
    default void onDelivered(int flowId, Direction direction, long sequence, int sizeBytes, long sendTimeNs,
            long arrivalTimeNs, long queueDelayNs) {
    }

    /**
     * A packet was dropped by the link.
     *
     * @param flowId the flow
     * @param direction which link
     * @param sequence the packet's sequence number
     * @param sizeBytes size on the wire
     * @param timeNs the virtual time of the drop (its send time)
     * @param reason one of the {@code LinkModel.DROPPED_*} constants
     */
    default void onDropped(int flowId, Direction direction, long sequence, int sizeBytes, long timeNs, int reason) {
    }
}
