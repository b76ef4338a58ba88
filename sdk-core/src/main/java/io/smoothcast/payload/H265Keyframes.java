package io.smoothcast.payload;

import io.smoothcast.jitter.JitterFrame;
import io.smoothcast.payload.internal.NalFormat;
import io.smoothcast.payload.internal.NalFrames;
import io.smoothcast.payload.internal.NalPayloads;

/**
 * H.265 keyframe detection: an access unit with an IRAP slice (NAL types 16 to 23) is a keyframe;
 * with VPS (32), SPS (33) and PPS (34) as well it is one a fresh decoder can start from ({@link
 * KeyframeKind#KEYFRAME_WITH_PARAMETER_SETS}).
 *
 * <p>Works on an Annex-B access unit, on one RTP payload (for example on a relay that must know
 * whether a packet belongs to a keyframe without depacketizing), or on a whole frame from the
 * jitter buffer. Malformed bytes never throw; unreadable parts simply contribute nothing.
 *
 * <p>Stateless; thread-safe. Allocates nothing.
 */
public final class H265Keyframes {

    private H265Keyframes() {
    }

    /**
     * @param accessUnit Annex-B bytes of one access unit
     * @param offset first byte in {@code accessUnit}
     * @param length length in bytes
     * @return what the access unit's NAL units offer a decoder
     * @throws IllegalArgumentException if {@code accessUnit} is null or the range lies outside it
     */
    public static KeyframeKind classifyAccessUnit(byte[] accessUnit, int offset, int length) {
        Arguments.checkRange(accessUnit, offset, length, "accessUnit");
        return NalFormat.H265.classify(NalFrames.nalTypeMaskOfAnnexB(NalFormat.H265, accessUnit, offset, length));
    }

    /**
     * Classifies one RTP payload by the NAL units it carries (or, for a fragment, the NAL unit it
     * is part of). A payload with only parameter sets answers {@link KeyframeKind#NONE}.
     *
     * @param payload array holding the RTP payload
     * @param offset first payload byte
     * @param length payload length in bytes
     * @return what the payload's NAL units offer a decoder
     * @throws IllegalArgumentException if {@code payload} is null or the range lies outside it
     */
    public static KeyframeKind classifyPayload(byte[] payload, int offset, int length) {
        Arguments.checkRange(payload, offset, length, "payload");
        return NalFormat.H265.classify(NalPayloads.nalTypeMask(NalFormat.H265, payload, offset, length));
    }

    /**
     * @param frame a frame delivered by the jitter buffer, during the call that received it
     * @return what the NAL units in all its payloads offer a decoder
     * @throws IllegalArgumentException if {@code frame} is null
     */
    public static KeyframeKind classifyFrame(JitterFrame frame) {
        if (frame == null) {
            throw new IllegalArgumentException("frame must not be null");
        }
        return NalFormat.H265.classify(NalFrames.nalTypeMask(NalFormat.H265, frame));
    }
}
