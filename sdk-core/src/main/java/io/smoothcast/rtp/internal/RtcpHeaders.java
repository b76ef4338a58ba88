package io.smoothcast.rtp.internal;

import io.smoothcast.rtp.ParseStatus;

/**
 * The common 4-byte RTCP header (RFC 3550 section 6.4): validation shared by the compound
 * reader and every RTCP view, and the header writer shared by the RTCP writers.
 *
 * <p>Stateless; thread-safe.
 */
public final class RtcpHeaders {

    /** Length of the common header in bytes. */
    public static final int HEADER_LENGTH = 4;
    /** Longest RTCP packet the 16-bit length field (in 32-bit words, minus one) can describe. */
    public static final int MAX_PACKET_LENGTH = 4 * 0x10000;

    private RtcpHeaders() {
    }

    /**
     * Validates the header of the RTCP packet at {@code offset}.
     *
     * @param available bytes available from {@code offset}
     * @return the packet's length in bytes as its length field says (a multiple of 4, at most
     *     {@code available}), or a negative {@link ParseStatus}
     */
    public static int packetLength(byte[] b, int offset, int available) {
        if (available < HEADER_LENGTH) {
            return ParseStatus.TRUNCATED_HEADER;
        }
        if (((b[offset] & 0xFF) >>> 6) != 2) {
            return ParseStatus.BAD_VERSION;
        }
        int length = 4 * (Bytes.u16(b, offset + 2) + 1);
        if (length > available) {
            return ParseStatus.LENGTH_OVERRUN;
        }
        return length;
    }

    /**
     * Bytes of the packet that carry control information: the packet length minus the padding
     * announced by the padding bit and the last byte.
     *
     * @param packetLength the validated value returned by {@link #packetLength}
     * @return the content length (header included), or {@link ParseStatus#PADDING_OVERRUN}
     */
    public static int contentLength(byte[] b, int offset, int packetLength) {
        if ((b[offset] & 0x20) == 0) {
            return packetLength;
        }
        int padding = b[offset + packetLength - 1] & 0xFF;
        if (padding == 0 || padding > packetLength - HEADER_LENGTH) {
            return ParseStatus.PADDING_OVERRUN;
        }
        return packetLength - padding;
    }

    /**
     * Validates the header of a packet handed to a view and checks its type.
     *
     * @param type the packet type the view reads
     * @param format the FMT/count value required, or -1 for any
     * @return the content length (header included, padding excluded), or a negative {@link ParseStatus}
     */
    public static int contentLengthOfType(byte[] b, int offset, int available, int type, int format) {
        int packetLength = packetLength(b, offset, available);
        if (packetLength < 0) {
            return packetLength;
        }
        if ((b[offset + 1] & 0xFF) != type || (format >= 0 && (b[offset] & 0x1F) != format)) {
            return ParseStatus.WRONG_PACKET_TYPE;
        }
        return contentLength(b, offset, packetLength);
    }

    /**
     * Writes a common header.
     *
     * @param padding whether the padding bit is set
     * @param count the 5-bit count / FMT field
     * @param type the packet type
     * @param packetLength the packet's length in bytes, a multiple of 4
     */
    public static void write(byte[] d, int offset, boolean padding, int count, int type, int packetLength) {
        d[offset] = (byte) (0x80 | (padding ? 0x20 : 0) | count);
        d[offset + 1] = (byte) type;
        Bytes.put16(d, offset + 2, packetLength / 4 - 1);
    }
}
