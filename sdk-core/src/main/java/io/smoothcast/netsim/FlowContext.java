package io.smoothcast.netsim;

import java.util.SplittableRandom;

/**
 * What the {@link NetworkSimulator} offers one endpoint of one flow. Use it only from the
 * endpoint's callbacks (the simulator's thread).
 */
public interface FlowContext {

    /** @return the id of the flow, as returned when it was added */
    int flowId();

    /** @return the current virtual time in ns */
    long nowNs();

    /**
     * Sends a packet to the other end of the flow now: a sender's packet goes through the forward
     * link, a receiver's through the reverse link. Drops are reported to observers and not to
     * the endpoint (a real sender does not learn of drops either).
     *
     * @param sequence the sequence number to carry (a transport-wide sequence number for media)
     * @param sizeBytes size on the wire in bytes, 1 to {@link LinkModel#MAX_PACKET_BYTES}
     * @param payload an object delivered with the packet (feedback content), or null
     * @return true if the link accepted it, false if it was dropped
     */
    boolean send(long sequence, int sizeBytes, Object payload);

    /**
     * Sets this endpoint's single timer, replacing any earlier one.
     *
     * @param timeNs when {@link SimEndpoint#onTimer(long)} should be called; a time in the past
     *     fires at the current time
     */
    void setTimerNs(long timeNs);

    /** Cancels this endpoint's timer, if set. */
    void cancelTimer();

    /** @return a random source seeded from the simulator's seed, private to this endpoint */
    SplittableRandom random();
}
