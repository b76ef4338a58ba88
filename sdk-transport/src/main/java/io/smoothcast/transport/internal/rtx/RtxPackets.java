package io.smoothcast.transport.internal.rtx;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Converts between original RTP packets and their RFC 4588 retransmissions: same header
 * (CSRCs and extensions included) with the RTX payload type, SSRC and sequence number, padding
 * removed, and the original sequence number (OSN) in the first two payload bytes.
 * Stateless and thread-safe; every method checks the packet's bounds.
 */
public final class RtxPackets {

    private RtxPackets() {
    }

    /**
     * Builds the RTX packet for an original.
     *
     * @param allocator where the new buffer comes from
     * @param original the original packet (readable bytes); not modified or released
     * @param rtxPayloadType the RTX payload type
     * @param rtxSsrc the RTX SSRC
     * @param rtxSequenceNumber the RTX stream's next sequence number
     * @return a new buffer the caller owns, or null if the original's header is inconsistent
     */
    public static ByteBuf toRtx(ByteBufAllocator allocator, ByteBuf original, int rtxPayloadType, int rtxSsrc,
            int rtxSequenceNumber) {
        int base = original.readerIndex();
        int length = original.readableBytes();
        int headerLength = RtpHeaders.headerLength(original, base, length);
        if (headerLength < 0) {
            return null;
        }
        int padding = RtpHeaders.paddingLength(original, base, length, headerLength);
        if (padding < 0) {
            return null;
        }
        int payloadLength = length - headerLength - padding;
        ByteBuf rtx = allocator.buffer(headerLength + 2 + payloadLength);
        rtx.writeByte(original.getUnsignedByte(base) & ~0x20); // P bit cleared: padding dropped
        rtx.writeByte((original.getUnsignedByte(base + 1) & 0x80) | rtxPayloadType);
        rtx.writeShort(rtxSequenceNumber);
        rtx.writeInt(original.getInt(base + 4)); // timestamp unchanged
        rtx.writeInt(rtxSsrc);
        rtx.writeBytes(original, base + 12, headerLength - 12);
        rtx.writeShort(RtpHeaders.sequenceNumber(original, base));
        rtx.writeBytes(original, base + headerLength, payloadLength);
        return rtx;
    }

    /**
     * Restores the original packet from an RTX packet.
     *
     * @param allocator where the new buffer comes from
     * @param rtx the RTX packet (readable bytes); not modified or released
     * @param payloadType the original payload type
     * @param ssrc the original SSRC
     * @return a new buffer the caller owns, or null if the RTX packet is malformed (header past
     *     its end, or no room for the OSN)
     */
    public static ByteBuf fromRtx(ByteBufAllocator allocator, ByteBuf rtx, int payloadType, int ssrc) {
        int base = rtx.readerIndex();
        int length = rtx.readableBytes();
        int headerLength = RtpHeaders.headerLength(rtx, base, length);
        if (headerLength < 0) {
            return null;
        }
        int padding = RtpHeaders.paddingLength(rtx, base, length, headerLength);
        if (padding < 0 || length - headerLength - padding < 2) {
            return null;
        }
        int payloadLength = length - headerLength - padding - 2;
        ByteBuf original = allocator.buffer(length - 2 - padding);
        original.writeByte(rtx.getUnsignedByte(base) & ~0x20);
        original.writeByte((rtx.getUnsignedByte(base + 1) & 0x80) | payloadType);
        original.writeShort(rtx.getUnsignedShort(base + headerLength)); // the OSN
        original.writeInt(rtx.getInt(base + 4));
        original.writeInt(ssrc);
        original.writeBytes(rtx, base + 12, headerLength - 12);
        original.writeBytes(rtx, base + headerLength + 2, payloadLength);
        return original;
    }
}
