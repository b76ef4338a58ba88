package io.smoothcast.netsim;

/**
 * One end of a flow in the {@link NetworkSimulator}: the sender (our congestion controller, a
 * baseline, a TCP model) or the receiver (a feedback generator, a TCP receiver). The simulator
 * calls it on its single thread, in virtual time; an endpoint acts only through its
 * {@link FlowContext}.
 *
 * <p>Implementations need not be thread-safe.
 */
public interface SimEndpoint {

    /**
     * Called once when the flow starts.
     *
     * @param context how this endpoint sends packets and sets its timer; valid for the whole run
     * @param nowNs the virtual time of the start
     */
    void onStart(FlowContext context, long nowNs);

    /**
     * Called when a packet from the other end of the flow arrives.
     *
     * @param packet the packet; a flyweight valid only during this call
     * @param nowNs the arrival time
     */
    void onPacket(SimPacket packet, long nowNs);

    /**
     * Called when the timer set with {@link FlowContext#setTimerNs(long)} fires.
     *
     * @param nowNs the virtual time (the time the timer was set for)
     */
    default void onTimer(long nowNs) {
    }
}
