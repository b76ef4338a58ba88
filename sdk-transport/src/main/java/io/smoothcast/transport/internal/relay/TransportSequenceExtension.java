package io.smoothcast.transport.internal.relay;

import io.netty.buffer.ByteBuf;

/**
 * Finds the transport-wide sequence number (RFC 8285 header extension element) in an RTP packet
 * held in a {@link ByteBuf}, without copying it, so the relay can rewrite it per subscriber.
 *
 * <p>Stateless; safe from any thread. Allocates nothing.
 */
final class TransportSequenceExtension {

    /** Returned when the packet carries no such element (or is malformed). */
    static final int NOT_FOUND = -1;

    private TransportSequenceExtension() {
    }

    /**
     * Returns where, relative to {@code base}, the 2-byte value of extension element {@code id}
     * starts, or {@link #NOT_FOUND}. Walks the one-byte (0xBEDE) and two-byte (0x100x) forms.
     *
     * @param packet the packet
     * @param base index of the packet's first byte
     * @param length the packet's length in bytes
     * @param id the element id (1-14)
     */
    static int offsetOf(ByteBuf packet, int base, int length, int id) {
        if (length < 12 || (packet.getByte(base) & 0x10) == 0) {
            return NOT_FOUND;
        }
        int header = 12 + 4 * (packet.getByte(base) & 0x0F);
        if (header + 4 > length) {
            return NOT_FOUND;
        }
        int profile = packet.getUnsignedShort(base + header);
        int end = header + 4 + 4 * packet.getUnsignedShort(base + header + 2);
        if (end > length) {
            return NOT_FOUND;
        }
        int p = header + 4;
        boolean oneByte = profile == 0xBEDE;
        if (!oneByte && (profile & 0xFFF0) != 0x1000) {
            return NOT_FOUND;
        }
        while (p < end) {
            int first = packet.getUnsignedByte(base + p);
            if (first == 0) {
                p++; // padding
                continue;
            }
            int elementId;
            int elementLength;
            if (oneByte) {
                elementId = first >> 4;
                if (elementId == 15) {
                    return NOT_FOUND; // stop marker
                }
                elementLength = (first & 0x0F) + 1;
                p++;
            } else {
                if (p + 1 >= end) {
                    return NOT_FOUND;
                }
                elementId = first;
                elementLength = packet.getUnsignedByte(base + p + 1);
                p += 2;
            }
            if (p + elementLength > end) {
                return NOT_FOUND;
            }
            if (elementId == id) {
                return elementLength >= 2 ? p : NOT_FOUND;
            }
            p += elementLength;
        }
        return NOT_FOUND;
    }
}
