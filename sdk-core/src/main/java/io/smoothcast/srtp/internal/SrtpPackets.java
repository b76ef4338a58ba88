package io.smoothcast.srtp.internal;

/**
 * The little header parsing SRTP needs before it may touch a packet: where the RTP header ends
 * (fixed part, CSRCs, header extension), checked against the bytes available. Padding is inside
 * the encrypted part and is not looked at here.
 *
 * <p>Stateless; thread-safe.
 */
public final class SrtpPackets {

    /** Fixed RTP header length in bytes. */
    public static final int RTP_FIXED_HEADER = 12;
    /** Fixed RTCP header plus sender SSRC, in bytes. */
    public static final int RTCP_HEADER = 8;

    private SrtpPackets() {
    }

    /**
     * @param b the bytes
     * @param off first byte of the packet
     * @param available bytes that may belong to the header (the packet minus any tag)
     * @return the header length, or -1 if the version is not 2 or the header does not fit
     */
    public static int rtpHeaderLength(byte[] b, int off, int available) {
        if (available < RTP_FIXED_HEADER || (b[off] & 0xC0) != 0x80) {
            return -1;
        }
        int length = RTP_FIXED_HEADER + 4 * (b[off] & 0x0F);
        if ((b[off] & 0x10) != 0) {
            if (length + 4 > available) {
                return -1;
            }
            length += 4 + 4 * Bytes.u16(b, off + length + 2);
        }
        return length <= available ? length : -1;
    }

    /**
     * @param b the bytes
     * @param off first byte of the packet
     * @return whether the RTCP version field is 2
     */
    public static boolean isRtcpVersion2(byte[] b, int off) {
        return (b[off] & 0xC0) == 0x80;
    }
}
