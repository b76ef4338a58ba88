package io.smoothcast.transport.internal.failover;

import io.smoothcast.rtp.SequenceNumbers;

/**
 * Loss of one node's packets on the way to this client, before any retransmission: every packet
 * a node sends a subscriber carries that subscriber's transport-wide sequence number (RTX
 * included), so gaps in it are path losses. Measured in windows; a packet arriving after its
 * window closed counts as lost in that window and received in the next (a small bias that only
 * reordering causes).
 *
 * <p>Not thread-safe: the client's I/O thread only. Allocates nothing.
 */
public final class TransportLossMeter {

    private boolean started;
    private long highestExtended;
    private long windowStartHighest;
    private long receivedInWindow;

    /** A packet with this 16-bit transport-wide sequence number arrived. */
    public void onPacket(int transportSequence) {
        int sequence = transportSequence & 0xFFFF;
        if (!started) {
            started = true;
            highestExtended = sequence;
            windowStartHighest = sequence - 1;
            receivedInWindow = 1;
            return;
        }
        int distance = SequenceNumbers.distance((int) (highestExtended & 0xFFFF), sequence);
        if (distance > 0) {
            highestExtended += distance;
        }
        receivedInWindow++;
    }

    /**
     * The share of the packets expected since the last call that did not arrive, and starts a
     * new window.
     *
     * @param minExpected fewest expected packets for a meaningful answer
     * @return the loss, 0-1, or NaN if fewer than {@code minExpected} packets were expected
     */
    public double takeWindowLoss(int minExpected) {
        long expected = highestExtended - windowStartHighest;
        if (!started || expected < minExpected) {
            return Double.NaN; // keep accumulating
        }
        double loss = Math.max(0, expected - receivedInWindow) / (double) expected;
        windowStartHighest = highestExtended;
        receivedInWindow = 0;
        return loss;
    }
}
