package io.smoothcast.transport.internal.failover;

/**
 * Loss of a sender's packets on the way to a node, from what the node reports: every packet a
 * broadcaster sends carries a transport-wide sequence number, and the node's transport-cc
 * feedback reports each number once, as received or lost (a packet reported lost is not reported
 * again when it arrives late). Packets the node reported before any retransmission are all the
 * meter sees: an RTX carries a number of its own, so the loss is the path's, before recovery.
 * A feedback lost on the way back only removes its packets from the count.
 *
 * <p>Not thread-safe: the client's I/O thread only. Allocates nothing.
 */
public final class ReportedLossMeter {

    private long receivedInWindow;
    private long lostInWindow;

    /**
     * One feedback's counts.
     *
     * @param received packets reported received (negative counts are ignored)
     * @param lost packets reported lost (negative counts are ignored)
     */
    public void onReport(int received, int lost) {
        receivedInWindow += Math.max(0, received);
        lostInWindow += Math.max(0, lost);
    }

    /**
     * The share of the packets reported since the last call that were lost, and starts a new
     * window.
     *
     * @param minReported fewest reported packets for a meaningful answer
     * @return the loss, 0-1, or NaN if fewer than {@code minReported} were reported (they are
     *     kept for the next call)
     */
    public double takeWindowLoss(int minReported) {
        long reported = receivedInWindow + lostInWindow;
        if (reported == 0 || reported < minReported) {
            return Double.NaN;
        }
        double loss = lostInWindow / (double) reported;
        receivedInWindow = 0;
        lostInWindow = 0;
        return loss;
    }
}
