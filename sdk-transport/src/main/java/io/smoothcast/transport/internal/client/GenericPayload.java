package io.smoothcast.transport.internal.client;

import io.smoothcast.jitter.FrameCompletenessCheck;
import io.smoothcast.jitter.JitterFrame;

/**
 * Smoothcast's codec-agnostic RTP payload format for whole frames (used until the H.264 / Opus
 * packetizers take over for those codecs): each packet carries one header byte, then a piece of
 * the frame. The marker bit ends a frame; all packets of a frame share its RTP timestamp.
 *
 * <pre>
 *  bit 7: S, this packet starts a frame
 *  bit 6: K, the frame is a keyframe (decodable on its own)
 *  bits 5-0: reserved, 0
 * </pre>
 *
 * The S bit lets a receiver that joins mid-frame, or loses a frame's first packet, know that a
 * run does not start at a frame boundary (like the start bit of H.264 FU-A or VP8's S bit).
 * Stateless; thread-safe.
 */
public final class GenericPayload {

    /** Bytes of payload header per packet. */
    public static final int HEADER_LENGTH = 1;
    /** Start-of-frame bit. */
    public static final int START = 0x80;
    /** Keyframe bit. */
    public static final int KEYFRAME = 0x40;

    /**
     * A frame is complete when its run is closed (marker bit, or the next packet has another
     * timestamp) and its first packet carries the S bit.
     */
    public static final FrameCompletenessCheck COMPLETENESS = (frame, startConfirmed, closed) ->
            closed && frame.payloadLength(0) >= HEADER_LENGTH
                    && (frame.payloadArray(0)[frame.payloadOffset(0)] & START) != 0;

    /**
     * @param frame a frame in this format
     * @return true if its first packet carries the K bit (the broadcaster marked it decodable on its own)
     */
    public static boolean isKeyframe(JitterFrame frame) {
        return frame.payloadLength(0) >= HEADER_LENGTH
                && (frame.payloadArray(0)[frame.payloadOffset(0)] & KEYFRAME) != 0;
    }

    private GenericPayload() {
    }
}
