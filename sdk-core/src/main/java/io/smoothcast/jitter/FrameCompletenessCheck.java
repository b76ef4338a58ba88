package io.smoothcast.jitter;

/**
 * Decides whether a run of packets is a complete, playable frame: the hook a payload format (for
 * example the H.264 depacketizer) implements.
 *
 * <p>The buffer forms candidates itself: a candidate is the longest run of consecutive sequence
 * numbers, all held, sharing one RTP timestamp, starting where the previous frame ended (or after
 * a gap), ending at the first packet with the marker bit. It is <em>closed</em> when its last
 * packet has the marker bit or the packet after it is held and carries another timestamp. Its
 * start is <em>confirmed</em> when the packet before it is held and ended a frame (marker bit or
 * another timestamp). At a stream start the buffer assumes the stream's lowest held packet
 * begins a frame once that packet's playout time has come (packets sent earlier had the whole
 * latency window to arrive), unless the same SSRC's numbering restarted in the middle of a frame
 * (the packet carries the timestamp of the old numbering's highest packet). After a gap the start is unknown and only the payload can tell (an
 * H.264 FU-A start bit, for instance); a payload-aware check should also verify the start it is
 * told is confirmed, since the stream's real first packet may have been lost.
 *
 * <p>Called on the consumer thread, possibly several times for the same candidate; must be
 * quick, must not keep the {@link JitterFrame} and must not throw.
 */
@FunctionalInterface
public interface FrameCompletenessCheck {

    /**
     * The default: every packet from the frame's first to the one with the marker bit is held.
     * Requires a confirmed start and a closed run.
     */
    FrameCompletenessCheck MARKER_ENDS_FRAME = (frame, startConfirmed, closed) -> startConfirmed && closed;

    /**
     * Every packet is playable on its own (audio such as Opus, one frame per packet): any held
     * run is complete as soon as it arrives, with no wait for a marker or the next packet.
     */
    FrameCompletenessCheck INDEPENDENT_PACKETS = (frame, startConfirmed, closed) -> true;

    /**
     * @param candidate the candidate run; a view valid only during this call
     * @param startConfirmed whether the run is known to begin at a frame boundary
     * @param closed whether the run is known to end at a frame boundary
     * @return true if the run is a complete frame that can be played
     */
    boolean isComplete(JitterFrame candidate, boolean startConfirmed, boolean closed);
}
