package io.smoothcast.transport;

/**
 * How a video track's RTP payload is laid out, which tells a relay where a keyframe starts (the
 * only place it can move a subscriber to another simulcast layer).
 *
 * <p>Immutable; thread-safe.
 */
public enum VideoPayloadFormat {
    /**
     * Smoothcast's generic format (PROTOCOL.md section 4), what {@link Broadcaster} sends: a
     * keyframe starts with a packet whose first payload byte has the S and K bits set.
     */
    GENERIC,
    /**
     * H.264 (RFC 6184): a keyframe starts with the first packet of an access unit that carries a
     * sequence parameter set or an IDR slice (after any access unit delimiter or SEI).
     */
    H264,
    /**
     * H.265 (RFC 7798): a keyframe starts with the first packet of an access unit that carries a
     * video, sequence or picture parameter set or an IRAP slice (after any delimiter or SEI).
     */
    H265
}
