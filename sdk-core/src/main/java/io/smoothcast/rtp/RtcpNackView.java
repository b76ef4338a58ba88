package io.smoothcast.rtp;

import io.smoothcast.rtp.internal.Bytes;
import io.smoothcast.rtp.internal.RtcpHeaders;

/**
 * Allocation-free view of a generic NACK (RFC 4585 section 6.2.1): transport-layer feedback
 * ({@link RtcpPacketType#TRANSPORT_FEEDBACK}, FMT {@link RtcpPacketType#FMT_GENERIC_NACK}) whose
 * FCI entries each name a lost packet (PID) and a bitmask of the 16 following ones (BLP).
 *
 * <pre>{@code
 * for (int i = 0; i < nack.entryCount(); i++) {
 *     int pid = nack.packetId(i);
 *     int blp = nack.lostBitmask(i);
 *     retransmit(pid);
 *     for (int bit = 0; bit < 16; bit++) if ((blp & (1 << bit)) != 0) retransmit((pid + bit + 1) & 0xFFFF);
 * }
 * }</pre>
 *
 * <p>Not thread-safe: use one instance per thread. The buffer is referenced, not copied.
 */
public final class RtcpNackView {

    private static final int FCI_OFFSET = 12;

    private byte[] buffer;
    private int offset;
    private int entryCount;

    /**
     * @param buffer the bytes; referenced, not copied
     * @param offset index of the packet's first byte
     * @param length bytes available (e.g. {@link RtcpCompoundReader#packetLength()})
     * @return {@link ParseStatus#OK}, or a header error, {@link ParseStatus#WRONG_PACKET_TYPE},
     *     {@link ParseStatus#TRUNCATED_PACKET} (no room for the two SSRCs) or
     *     {@link ParseStatus#EMPTY_FCI} (no FCI entry)
     * @throws IllegalArgumentException if {@code buffer} is null or the region lies outside it
     */
    public int wrap(byte[] buffer, int offset, int length) {
        Bytes.checkRegion(buffer, offset, length, "length");
        this.buffer = buffer;
        this.offset = offset;
        this.entryCount = 0;
        int content = RtcpHeaders.contentLengthOfType(buffer, offset, length,
            RtcpPacketType.TRANSPORT_FEEDBACK, RtcpPacketType.FMT_GENERIC_NACK);
        if (content < 0) {
            return content;
        }
        if (content < FCI_OFFSET) {
            return ParseStatus.TRUNCATED_PACKET;
        }
        int entries = (content - FCI_OFFSET) / 4;
        if (entries == 0) {
            return ParseStatus.EMPTY_FCI;
        }
        entryCount = entries;
        return ParseStatus.OK;
    }

    /** @return the SSRC of the packet's sender */
    public int senderSsrc() {
        return Bytes.i32(buffer, offset + 4);
    }

    /** @return the SSRC of the media source the NACK is about */
    public int mediaSsrc() {
        return Bytes.i32(buffer, offset + 8);
    }

    /** @return the number of FCI entries, 1 or more */
    public int entryCount() {
        return entryCount;
    }

    /**
     * @param index the FCI entry, 0 to {@link #entryCount()} - 1
     * @return the sequence number of a lost packet (PID)
     */
    public int packetId(int index) {
        return Bytes.u16(buffer, entry(index));
    }

    /**
     * @param index the FCI entry, 0 to {@link #entryCount()} - 1
     * @return the bitmask of following lost packets (BLP); bit i means PID + i + 1
     */
    public int lostBitmask(int index) {
        return Bytes.u16(buffer, entry(index) + 2);
    }

    private int entry(int index) {
        if (index < 0 || index >= entryCount) {
            throw new IllegalArgumentException("index must be in [0, " + entryCount + "): " + index);
        }
        return offset + FCI_OFFSET + 4 * index;
    }
}
