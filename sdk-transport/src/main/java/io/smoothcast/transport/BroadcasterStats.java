package io.smoothcast.transport;

import io.smoothcast.stats.NodeSwitchCounts;

/**
 * A snapshot of a {@link Broadcaster}'s counters since start.
 *
 * <p>Immutable; thread-safe.
 *
 * <p>Every frame {@code send...()} accepted is, once its packets have left, in exactly one of
 * {@code framesSent}, {@code framesDroppedNotConnected}, {@code framesDroppedStale},
 * {@code videoFramesSkippedToKeyframe}, {@code framesDroppedPacerFull} or
 * {@link Broadcaster#encryptionStats()}'s frames that could not be sealed; frames still in the
 * send queue or the pacer are in none yet, and in {@code framesDroppedNotConnected} once
 * {@link Broadcaster#close()} has dropped them.
 *
 * @param framesSent frames that left the broadcaster: counted when their first packet leaves the
 *     pacer for the socket (a frame is sent whole or dropped whole)
 * @param framesRejected frames refused by {@code send} because the queue was full
 * @param framesDroppedNotConnected frames dropped because the broadcaster was not connected (yet,
 *     or during an outage) when they left the send queue or their first packet was due to leave
 *     the pacer, or was closed with them still queued (no packet of theirs sent)
 * @param packetsSent RTP packets sent
 * @param bytesSent RTP bytes sent (headers included)
 * @param keyframeRequests keyframe requests (PLI) received from the node for a video track; each
 *     one is passed on to {@link BroadcasterListener#onKeyframeRequested()}
 * @param malformedDropped datagrams from the node that could not be understood
 * @param rttNs smoothed round-trip time to the node in nanoseconds, 0 until measured
 * @param targetBitrateBps the congestion controller's current target, bits per second
 * @param packetsDroppedByPacer packets dropped because the pacer's queue was full: retransmissions,
 *     and the packets of the frames in {@code framesDroppedPacerFull}
 * @param retransmissionsSent RTX packets sent in answer to the node's NACKs
 * @param tailProbesSent tail loss probes sent: a track's newest packet resent as RTX after the
 *     track had been quiet for max(2 x RTT, 250 ms) without the node reporting that packet, so
 *     that the node finds a lost end of a burst (not in {@code retransmissionsSent})
 * @param staleControlIgnored well-formed control messages from a listed node the broadcaster no
 *     longer talks to, ignored: late answers, such as a HELLO_ACK for a join it gave up on and
 *     moved on from (not in {@code malformedDropped})
 * @param mediaTargetBitrateBps the target given to the encoder ({@link BroadcasterListener#onTargetBitrate})
 *     and the rendition ladder, bits per second: {@code targetBitrateBps} less the rate of the
 *     retransmissions of the last second (at most half of it), so that media and repairs together
 *     stay within the congestion controller's target
 * @param retransmissionsOverBudget NACKed packets and tail loss probes not resent because the
 *     retransmissions of the last second had used up their budget (half the target, in bytes and
 *     packets)
 * @param sendDelayMaxMs the broadcaster's own send backlog, milliseconds: the longest time from
 *     {@code send...()} (the frame handed in) to one of that frame's packets leaving the pacer for
 *     the socket, over the last one to two seconds; 0 when nothing has left in that time. It is
 *     the wait in the broadcaster's queue and pacer, not the network: near 0 while the broadcaster
 *     keeps up, growing while its I/O thread is starved of CPU or the pacer's rate is below what
 *     the application hands in (the pacer then drains its queue in about 2 s at most by raising
 *     its rate). Measured as packets leave: while the I/O thread does not run at all the figure
 *     holds its last value. Audio, messages and video count; retransmissions do not. With the
 *     send delay limit on ({@link Broadcaster.Builder#maxSendDelay}) it stays near that limit
 *     (frames older than it are dropped, not sent)
 * @param framesDroppedStale audio and video frames dropped whole because they had waited longer
 *     than {@link Broadcaster.Builder#maxSendDelay} in the broadcaster (send queue or pacer)
 * @param videoFramesSkippedToKeyframe video frames dropped, not for their own age, but because
 *     an earlier frame of their track was ({@code framesDroppedStale}, {@code framesDroppedPacerFull},
 *     {@code framesDroppedNotConnected}):
 *     they could not be decoded, so the track waits for its next keyframe
 * @param framesDroppedPacerFull frames dropped whole, never cut, because the pacer's queue had no
 *     room for all their packets (the application hands in far more than the path carries, or
 *     one huge frame); a video drop makes its track skip to the next keyframe, which the
 *     broadcaster asks for through {@link BroadcasterListener#onKeyframeRequested()}
 * @param nodeSwitches moves to another node while the node still answered, per
 *     {@link NodeSwitchReason} (only {@link NodeSwitchReason#DEGRADED_PATH} for a broadcaster; see
 *     {@link #nodeSwitches(NodeSwitchReason)}); failovers after a lost node are in
 *     {@link Broadcaster#failoverCount()} instead
 * @param tokenRefusals refusals of the current token by a node (UNAUTHORIZED, TOKEN_EXPIRED,
 *     FORBIDDEN), each retry's too: each one {@code onTokenRefused} was called for
 * @param keyframeRequestsIgnored keyframe requests (PLI) received from the node that name no
 *     video track of this broadcaster (its audio or message track, or an unknown SSRC): only
 *     video needs keyframes, so the application is not asked
 */
public record BroadcasterStats(long framesSent, long framesRejected, long framesDroppedNotConnected,
        long packetsSent, long bytesSent, long keyframeRequests, long malformedDropped, long rttNs,
        long targetBitrateBps, long packetsDroppedByPacer, long retransmissionsSent,
        long tailProbesSent, long staleControlIgnored, long mediaTargetBitrateBps,
        long retransmissionsOverBudget, long sendDelayMaxMs, long framesDroppedStale,
        long videoFramesSkippedToKeyframe, long framesDroppedPacerFull, NodeSwitchCounts nodeSwitches,
        long tokenRefusals, long keyframeRequestsIgnored) {

    /**
     * Frames dropped because the broadcaster could not send them in time: {@code framesDroppedStale
     * + framesDroppedPacerFull + videoFramesSkippedToKeyframe}. This is what {@code OpsMonitor}
     * reports as {@code SendStreamStats.framesDroppedBacklog}.
     *
     * @return the sum, cumulative since start
     */
    public long framesDroppedBacklog() {
        return framesDroppedStale + framesDroppedPacerFull + videoFramesSkippedToKeyframe;
    }

    /**
     * @param reason why the client moved; not null
     * @return the moves to another node for that reason while the node still answered (see
     *     {@link FailoverPolicy}); failovers after a lost node are not among them
     */
    public long nodeSwitches(NodeSwitchReason reason) {
        return reason.countIn(nodeSwitches);
    }
}
