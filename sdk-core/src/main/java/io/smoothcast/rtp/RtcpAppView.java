package io.smoothcast.rtp;

import io.smoothcast.rtp.internal.Bytes;
import io.smoothcast.rtp.internal.RtcpHeaders;

/**
 * Allocation-free view of an application-defined packet (APP, RFC 3550 section 6.7).
 *
 * <p>Not thread-safe: use one instance per thread. The buffer is referenced, not copied.
 */
public final class RtcpAppView {

    private static final int DATA_OFFSET = 12;

    private byte[] buffer;
    private int offset;
    private int dataLength;

    /**
     * @param buffer the bytes; referenced, not copied
     * @param offset index of the packet's first byte
     * @param length bytes available (e.g. {@link RtcpCompoundReader#packetLength()})
     * @return {@link ParseStatus#OK}, or a header error, {@link ParseStatus#WRONG_PACKET_TYPE} or
     *     {@link ParseStatus#TRUNCATED_PACKET} (no room for SSRC and name)
     * @throws IllegalArgumentException if {@code buffer} is null or the region lies outside it
     */
    public int wrap(byte[] buffer, int offset, int length) {
        Bytes.checkRegion(buffer, offset, length, "length");
        this.buffer = buffer;
        this.offset = offset;
        this.dataLength = 0;
        int content = RtcpHeaders.contentLengthOfType(buffer, offset, length, RtcpPacketType.APP, -1);
        if (content < 0) {
            return content;
        }
        if (content < DATA_OFFSET) {
            return ParseStatus.TRUNCATED_PACKET;
        }
        dataLength = content - DATA_OFFSET;
        return ParseStatus.OK;
    }

    /** @return the 5-bit subtype */
    public int subtype() {
        return buffer[offset] & 0x1F;
    }

    /** @return the SSRC/CSRC of the sender */
    public int ssrc() {
        return Bytes.i32(buffer, offset + 4);
    }

    /** @return the four ASCII characters of the name, big-endian in an int */
    public int name() {
        return Bytes.i32(buffer, offset + 8);
    }

    /** @return index in the buffer of the application-dependent data */
    public int dataOffset() {
        return offset + DATA_OFFSET;
    }

    /** @return length of the application-dependent data in bytes (a multiple of 4 when well formed) */
    public int dataLength() {
        return dataLength;
    }
}
