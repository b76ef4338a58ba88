package io.smoothcast.rtp;

import io.smoothcast.rtp.internal.Bytes;
import io.smoothcast.rtp.internal.RtcpHeaders;

/**
 * View of a picture loss indication (PLI, RFC 4585 section 6.3.1): payload-specific feedback
 * ({@link RtcpPacketType#PAYLOAD_FEEDBACK}, FMT {@link RtcpPacketType#FMT_PLI}) asking the media
 * sender for a key frame. It carries only the two SSRCs.
 *
 * <p>Not thread-safe: use one instance per thread. The buffer is referenced, not copied.
 */
public final class RtcpPliView {

    private byte[] buffer;
    private int offset;

    /**
     * @param buffer the bytes; referenced, not copied
     * @param offset index of the packet's first byte
     * @param length bytes available (e.g. {@link RtcpCompoundReader#packetLength()})
     * @return {@link ParseStatus#OK}, or a header error, {@link ParseStatus#WRONG_PACKET_TYPE} or
     *     {@link ParseStatus#TRUNCATED_PACKET} (no room for the two SSRCs)
     * @throws IllegalArgumentException if {@code buffer} is null or the region lies outside it
     */
    public int wrap(byte[] buffer, int offset, int length) {
        Bytes.checkRegion(buffer, offset, length, "length");
        this.buffer = buffer;
        this.offset = offset;
        int content = RtcpHeaders.contentLengthOfType(buffer, offset, length,
            RtcpPacketType.PAYLOAD_FEEDBACK, RtcpPacketType.FMT_PLI);
        if (content < 0) {
            return content;
        }
        return content < 12 ? ParseStatus.TRUNCATED_PACKET : ParseStatus.OK;
    }

    /** @return the SSRC of the packet's sender */
    public int senderSsrc() {
        return Bytes.i32(buffer, offset + 4);
    }

    /** @return the SSRC of the media source that should send a key frame */
    public int mediaSsrc() {
        return Bytes.i32(buffer, offset + 8);
    }
}
