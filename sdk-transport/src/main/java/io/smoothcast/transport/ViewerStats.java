package io.smoothcast.transport;

/**
 * A snapshot of a {@link Viewer}'s counters since start, summed over its tracks (including
 * tracks that have ended, for example when the broadcaster left).
 *
 * @param framesDelivered frames handed to the listener
 * @param packetsReceived RTP packets received (retransmissions included)
 * @param retransmissionsReceived RTX packets received
 * @param packetsLost packets given up as lost by the jitter buffers
 * @param framesDropped frames the jitter buffers could not complete in time
 * @param nacksSent NACK packets sent
 * @param keyframeRequestsSent PLIs sent
 * @param freezeCount video freezes counted by the jitter buffer
 * @param malformedDropped datagrams that could not be understood, or came from elsewhere
 * @param playoutDelayNs the video jitter buffer's current playout delay, in ns
 * @param rttNs smoothed round-trip time to the node, in ns (0 until measured)
 */
public record ViewerStats(long framesDelivered, long packetsReceived, long retransmissionsReceived,
        long packetsLost, long framesDropped, long nacksSent, long keyframeRequestsSent, long freezeCount,
        long malformedDropped, long playoutDelayNs, long rttNs) {
}
