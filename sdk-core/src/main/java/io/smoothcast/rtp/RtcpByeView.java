package io.smoothcast.rtp;

import io.smoothcast.rtp.internal.Bytes;
import io.smoothcast.rtp.internal.RtcpHeaders;

/**
 * Allocation-free view of a goodbye packet (BYE, RFC 3550 section 6.6): the sources leaving and
 * an optional reason.
 *
 * <p>Not thread-safe: use one instance per thread. The buffer is referenced, not copied.
 */
public final class RtcpByeView {

    private byte[] buffer;
    private int offset;
    private int ssrcCount;
    private int reasonOffset = -1;
    private int reasonLength;

    /**
     * @param buffer the bytes; referenced, not copied
     * @param offset index of the packet's first byte
     * @param length bytes available (e.g. {@link RtcpCompoundReader#packetLength()})
     * @return {@link ParseStatus#OK}, or a header error, {@link ParseStatus#WRONG_PACKET_TYPE},
     *     {@link ParseStatus#COUNT_OVERRUN} (SSRCs beyond the packet) or
     *     {@link ParseStatus#REASON_OVERRUN} (reason text beyond the packet)
     * @throws IllegalArgumentException if {@code buffer} is null or the region lies outside it
     */
    public int wrap(byte[] buffer, int offset, int length) {
        Bytes.checkRegion(buffer, offset, length, "length");
        this.buffer = buffer;
        this.offset = offset;
        this.ssrcCount = 0;
        this.reasonOffset = -1;
        this.reasonLength = 0;
        int content = RtcpHeaders.contentLengthOfType(buffer, offset, length, RtcpPacketType.BYE, -1);
        if (content < 0) {
            return content;
        }
        int count = buffer[offset] & 0x1F;
        int reasonAt = RtcpHeaders.HEADER_LENGTH + 4 * count;
        if (reasonAt > content) {
            return ParseStatus.COUNT_OVERRUN;
        }
        if (reasonAt < content) {
            int len = buffer[offset + reasonAt] & 0xFF;
            if (reasonAt + 1 + len > content) {
                return ParseStatus.REASON_OVERRUN;
            }
            reasonOffset = offset + reasonAt + 1;
            reasonLength = len;
        }
        ssrcCount = count;
        return ParseStatus.OK;
    }

    /** @return the number of SSRC/CSRC identifiers, 0 to 31 */
    public int ssrcCount() {
        return ssrcCount;
    }

    /**
     * @param index 0 to {@link #ssrcCount()} - 1
     * @return the identifier at {@code index}
     * @throws IllegalArgumentException if {@code index} is out of range
     */
    public int ssrc(int index) {
        if (index < 0 || index >= ssrcCount) {
            throw new IllegalArgumentException("index must be in [0, " + ssrcCount + "): " + index);
        }
        return Bytes.i32(buffer, offset + RtcpHeaders.HEADER_LENGTH + 4 * index);
    }

    /** @return index in the buffer of the reason text (UTF-8), or -1 when there is no reason */
    public int reasonOffset() {
        return reasonOffset;
    }

    /** @return length of the reason text in bytes; 0 when there is none */
    public int reasonLength() {
        return reasonLength;
    }
}
