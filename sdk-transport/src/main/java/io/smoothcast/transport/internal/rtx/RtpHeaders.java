package io.smoothcast.transport.internal.rtx;

import io.netty.buffer.ByteBuf;

/**
 * The few RTP header facts needed to forward packets and to build RTX, read straight from the
 * received buffer with bounds checks (RFC 3550 section 5.1). Stateless and thread-safe.
 */
public final class RtpHeaders {

    /** Returned by {@link #headerLength} and {@link #paddingLength} for a malformed packet. */
    public static final int MALFORMED = -1;

    private RtpHeaders() {
    }

    /**
     * Length of the header (fixed part, CSRCs and extension).
     *
     * @return bytes before the payload, or {@link #MALFORMED} if the header runs past the end
     */
    public static int headerLength(ByteBuf packet, int base, int length) {
        if (length < 12) {
            return MALFORMED;
        }
        int first = packet.getUnsignedByte(base);
        int headerLength = 12 + 4 * (first & 0x0F);
        if ((first & 0x10) != 0) {
            if (length < headerLength + 4) {
                return MALFORMED;
            }
            headerLength += 4 + 4 * packet.getUnsignedShort(base + headerLength + 2);
        }
        return headerLength <= length ? headerLength : MALFORMED;
    }

    /**
     * Length of the padding at the end (RFC 3550: the last byte counts the padding bytes).
     *
     * @return 0 without the P bit, the count with it, or {@link #MALFORMED} if the count is 0
     *     or reaches into the header
     */
    public static int paddingLength(ByteBuf packet, int base, int length, int headerLength) {
        if ((packet.getUnsignedByte(base) & 0x20) == 0) {
            return 0;
        }
        int padding = packet.getUnsignedByte(base + length - 1);
        return padding == 0 || headerLength + padding > length ? MALFORMED : padding;
    }

    public static int sequenceNumber(ByteBuf packet, int base) {
        return packet.getUnsignedShort(base + 2);
    }

    public static int ssrc(ByteBuf packet, int base) {
        return packet.getInt(base + 8);
    }
}
