package io.smoothcast.transport.internal.control;

import io.smoothcast.transport.MediaKind;

/**
 * One RTP stream of a published broadcast, as announced by the publisher and forwarded unchanged
 * by every node (so SSRCs and sequence numbers stay continuous across relays and failover).
 *
 * @param ssrc the media SSRC (any 32-bit value)
 * @param rtxSsrc the SSRC used for RFC 4588 retransmissions of this track; 0 means no RTX
 * @param payloadType the RTP payload type of the media, 0-63 or 96-127 (RFC 5761 section 4
 *     keeps 64-95 free so RTP and RTCP can share a port)
 * @param rtxPayloadType the payload type of the RTX stream, same range; stored as 0 when
 *     {@code rtxSsrc} is 0
 * @param kind audio, video or data
 * @param simulcastLayer 0 for the lowest video layer and for non-simulcast tracks, up to
 *     {@value #MAX_SIMULCAST_LAYER}
 * @param clockRateHz the RTP clock rate, for example 90000 for video, 48000 for Opus; > 0
 * @param bitrateBps the publisher's nominal bitrate for this track, in bits per second; >= 0
 */
public record Track(int ssrc, int rtxSsrc, int payloadType, int rtxPayloadType, MediaKind kind,
        int simulcastLayer, int clockRateHz, int bitrateBps) {

    /** Highest simulcast layer index (three layers: 0, 1, 2). */
    public static final int MAX_SIMULCAST_LAYER = 2;

    /** Size of one track on the wire, in bytes. */
    public static final int WIRE_LENGTH = 20;

    /**
     * Validates the fields; without RTX the RTX payload type is normalised to 0.
     *
     * @throws IllegalArgumentException naming the field that is out of range
     */
    public Track {
        if (!isValidPayloadType(payloadType)) {
            throw new IllegalArgumentException("payloadType must be 0-63 or 96-127: " + payloadType);
        }
        if (rtxSsrc == 0) {
            rtxPayloadType = 0;
        } else if (!isValidPayloadType(rtxPayloadType)) {
            throw new IllegalArgumentException("rtxPayloadType must be 0-63 or 96-127: " + rtxPayloadType);
        }
        if (kind == null) {
            throw new IllegalArgumentException("kind must not be null");
        }
        if (simulcastLayer < 0 || simulcastLayer > MAX_SIMULCAST_LAYER) {
            throw new IllegalArgumentException("simulcastLayer must be 0-" + MAX_SIMULCAST_LAYER + ": " + simulcastLayer);
        }
        if (clockRateHz <= 0) {
            throw new IllegalArgumentException("clockRateHz must be > 0: " + clockRateHz);
        }
        if (bitrateBps < 0) {
            throw new IllegalArgumentException("bitrateBps must be >= 0: " + bitrateBps);
        }
    }

    /**
     * Whether this track has an RTX stream.
     *
     * @return true if {@link #rtxSsrc()} is not 0
     */
    public boolean hasRtx() {
        return rtxSsrc != 0;
    }

    /**
     * Whether a payload type may be used on a port shared with RTCP (RFC 5761 section 4).
     *
     * @param payloadType candidate value
     * @return true for 0-63 and 96-127
     */
    public static boolean isValidPayloadType(int payloadType) {
        return (payloadType >= 0 && payloadType <= 63) || (payloadType >= 96 && payloadType <= 127);
    }
}
