package io.smoothcast.transport;

import io.smoothcast.stats.NodeSwitchCounts;

/**
 * A snapshot of a {@link Viewer}'s counters since start, summed over its tracks (including
 * tracks that have ended, for example when the broadcaster left, except for the latency totals,
 * which count frames of every track the viewer still or ever had).
 *
 * <p>End-to-end latency comes from the capture time the broadcaster stamps on each frame's first
 * packet (abs-capture-time, wall-clock), over the video frames (the audio frames of an audio-only
 * stream; none in a stream of messages only), the same frames as the jitter-buffer delay: like
 * W3C webrtc-stats' {@code jitterBufferDelay} over {@code jitterBufferEmittedCount}, each latency
 * is a total over a count, so the mean of an interval is the difference of two snapshots' totals
 * over the difference of their counts.
 * Across machines the values include the offset between their UTC clocks.
 *
 * <p>No total here goes down: the counts of tracks gone (a publisher restart, new tracks) are
 * kept, including the frames their buffers still played after the track list dropped them. The
 * jitter-buffer delay total and its frame count that an {@link OpsMonitor} reads (W3C
 * {@code jitterBufferDelay} and {@code jitterBufferEmittedCount}) are the judged kind's (the
 * video's, else the audio's) and likewise never go down: when an audio-only stream gains video
 * (or loses it), they go on from the old kind's totals at the change and grow with the new
 * kind's frames only from then on.
 *
 * <p>Immutable; thread-safe.
 *
 * @param framesDelivered frames handed to the listener, of every kind: video (every simulcast
 *     layer's), audio and messages; for the video frame rate see {@code framesDecoded}
 * @param packetsReceived RTP packets received (retransmissions included)
 * @param retransmissionsReceived RTX packets received
 * @param packetsLost packets given up as lost by the jitter buffers
 * @param framesDropped frames the jitter buffers could not complete in time
 * @param nacksSent NACK packets sent
 * @param keyframeRequestsSent PLIs sent
 * @param freezeCount video freezes (W3C {@code freezeCount}: a gap between the video frames
 *     played of at least max(3 x the average frame interval, average + 150 ms), under 5 s),
 *     over the video tracks, those gone included (not the gap across a change of the video
 *     tracks); with simulcast layers the gaps of the frames played, whichever layer each came
 *     from, not each layer's (a layer paused while another played is no freeze, since session
 *     18); 0 in a stream without video (an audio gap is
 *     loss concealment, not a freeze, and its buffer cannot tell one from an encoder's
 *     discontinuous transmission)
 * @param totalFreezesDurationNs summed length of the same freezes (W3C
 *     {@code totalFreezesDuration}), in ns; 0 in a stream without video
 * @param malformedDropped datagrams that could not be understood, came from elsewhere, or were
 *     numbered far ahead of their track with no packet near them after (strays), or belonged to
 *     the stream a publisher restarted under the same SSRC left (late packets of the old RTP
 *     timeline, since session 19)
 * @param playoutDelayNs the video's current playout delay above the path's base delay, in ns:
 *     its jitter buffer's, or with simulcast layers their shared timeline's; in a stream without
 *     video tracks (an audio-only broadcast), the audio's; 0 in a stream of messages only (no
 *     audio or video: not measured, as before the tracks are known)
 * @param rttNs smoothed round-trip time to the node, in ns (0 until measured)
 * @param failoverCount times the viewer resumed on another node after losing its node (moves
 *     while the node still answered are in {@code nodeSwitches} instead)
 * @param totalEndToEndLatencyNs sum over delivered frames of hand-off to the listener minus
 *     capture, in ns
 * @param endToEndLatencyCount frames whose capture-to-playout latency is in the total
 * @param totalReceiptLatencyNs sum over stamped packets of arrival minus capture, in ns
 * @param receiptLatencyCount packets whose capture-to-receipt latency is in the total
 * @param staleControlIgnored well-formed control messages from a listed node the viewer no longer
 *     talks to, ignored: late answers, such as a HELLO_ACK for a join it gave up on and moved on
 *     from (not in {@code malformedDropped})
 * @param earlyPacketsRecovered media packets that came before the node's track list naming their
 *     track (it was lost, or still on its way), held and played once the list came
 * @param unknownTrackDropped media packets for no track the node announced, or that waited for
 *     the track list longer than the viewer holds them (1 s, at most 128 packets); not in
 *     {@code malformedDropped}
 * @param nodeSwitches moves to another node while the node still answered, per
 *     {@link NodeSwitchReason} (see {@link #nodeSwitches(NodeSwitchReason)})
 * @param tokenRefusals refusals of the current token by a node (UNAUTHORIZED, TOKEN_EXPIRED,
 *     FORBIDDEN), each retry's too: each one {@code onTokenRefused} was called for
 * @param framesDecoded the frames among {@code framesDelivered} of the kind the stream's figures
 *     come from (W3C {@code framesDecoded}, defined on video): its video frames, the audio frames
 *     of a stream without video, 0 in a stream of messages only. Each frame counts by the kind
 *     the stream's figures came from when it was delivered, so the count never goes back: an
 *     audio-only stream that gains video counts its audio frames up to the change, then its
 *     video frames (and one that loses its video goes on with its audio frames)
 */
public record ViewerStats(long framesDelivered, long packetsReceived, long retransmissionsReceived,
        long packetsLost, long framesDropped, long nacksSent, long keyframeRequestsSent, long freezeCount,
        long totalFreezesDurationNs, long malformedDropped, long playoutDelayNs, long rttNs, long failoverCount,
        long totalEndToEndLatencyNs, long endToEndLatencyCount, long totalReceiptLatencyNs, long receiptLatencyCount,
        long staleControlIgnored, long earlyPacketsRecovered, long unknownTrackDropped, NodeSwitchCounts nodeSwitches, long tokenRefusals,
        long framesDecoded) {

    /**
     * @param reason why the client moved; not null
     * @return the moves to another node for that reason while the node still answered (see
     *     {@link FailoverPolicy}); failovers after a lost node are not among them
     */
    public long nodeSwitches(NodeSwitchReason reason) {
        return reason.countIn(nodeSwitches);
    }

    /** @return mean capture-to-playout latency since start, in ms; NaN before any was measured */
    public double meanEndToEndLatencyMs() {
        return endToEndLatencyCount == 0 ? Double.NaN : totalEndToEndLatencyNs / 1e6 / endToEndLatencyCount;
    }

    /** @return mean capture-to-receipt latency since start, in ms; NaN before any was measured */
    public double meanReceiptLatencyMs() {
        return receiptLatencyCount == 0 ? Double.NaN : totalReceiptLatencyNs / 1e6 / receiptLatencyCount;
    }
}
