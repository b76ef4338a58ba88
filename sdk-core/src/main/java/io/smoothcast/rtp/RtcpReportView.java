package io.smoothcast.rtp;

import io.smoothcast.rtp.internal.Bytes;
import io.smoothcast.rtp.internal.RtcpHeaders;

/**
 * Allocation-free view of a sender report (SR, RFC 3550 section 6.4.1) or receiver report (RR,
 * section 6.4.2) and its report blocks.
 *
 * <p>{@link #wrap} validates the packet; after {@link ParseStatus#OK} the getters are
 * meaningful. Sender-info getters ({@link #ntpTimestamp()} ...) apply only when
 * {@link #isSenderReport()}. Report blocks are read by index, 0 to {@link #reportCount()} - 1.
 * Profile-specific extensions after the blocks are ignored.
 *
 * <p>Not thread-safe: use one instance per thread. The buffer is referenced, not copied.
 */
public final class RtcpReportView {

    /** Length of one report block in bytes. */
    public static final int REPORT_BLOCK_LENGTH = 24;
    private static final int SR_BLOCKS_OFFSET = 28;
    private static final int RR_BLOCKS_OFFSET = 8;

    private byte[] buffer;
    private int offset;
    private boolean senderReport;
    private int reportCount;
    private int blocksOffset;

    /**
     * @param buffer the bytes; referenced, not copied
     * @param offset index of the packet's first byte (e.g. {@link RtcpCompoundReader#packetOffset()})
     * @param length bytes available (e.g. {@link RtcpCompoundReader#packetLength()})
     * @return {@link ParseStatus#OK}, or a header error, {@link ParseStatus#WRONG_PACKET_TYPE},
     *     {@link ParseStatus#TRUNCATED_PACKET} (no room for the SSRC / sender info) or
     *     {@link ParseStatus#COUNT_OVERRUN} (report blocks beyond the packet)
     * @throws IllegalArgumentException if {@code buffer} is null or the region lies outside it
     */
    public int wrap(byte[] buffer, int offset, int length) {
        Bytes.checkRegion(buffer, offset, length, "length");
        this.buffer = buffer;
        this.offset = offset;
        this.reportCount = 0;
        int type = length >= 2 ? buffer[offset + 1] & 0xFF : 0;
        boolean sr = type == RtcpPacketType.SENDER_REPORT;
        int content = RtcpHeaders.contentLengthOfType(buffer, offset, length,
            sr ? RtcpPacketType.SENDER_REPORT : RtcpPacketType.RECEIVER_REPORT, -1);
        if (content < 0) {
            return content;
        }
        int base = sr ? SR_BLOCKS_OFFSET : RR_BLOCKS_OFFSET;
        if (content < base) {
            return ParseStatus.TRUNCATED_PACKET;
        }
        int count = buffer[offset] & 0x1F;
        if (base + count * REPORT_BLOCK_LENGTH > content) {
            return ParseStatus.COUNT_OVERRUN;
        }
        this.senderReport = sr;
        this.blocksOffset = offset + base;
        this.reportCount = count;
        return ParseStatus.OK;
    }

    /** @return true for an SR, false for an RR */
    public boolean isSenderReport() {
        return senderReport;
    }

    /** @return the SSRC of the packet's sender */
    public int ssrc() {
        return Bytes.i32(buffer, offset + 4);
    }

    /** @return SR only: the 64-bit NTP wall-clock timestamp of the report */
    public long ntpTimestamp() {
        return Bytes.i64(buffer, offset + 8);
    }

    /** @return SR only: the RTP timestamp corresponding to {@link #ntpTimestamp()} */
    public int rtpTimestamp() {
        return Bytes.i32(buffer, offset + 16);
    }

    /** @return SR only: packets sent since the start of transmission (unsigned 32-bit) */
    public long senderPacketCount() {
        return Bytes.u32(buffer, offset + 20);
    }

    /** @return SR only: payload octets sent since the start of transmission (unsigned 32-bit) */
    public long senderOctetCount() {
        return Bytes.u32(buffer, offset + 24);
    }

    /** @return the number of report blocks, 0 to 31 */
    public int reportCount() {
        return reportCount;
    }

    /**
     * @param index the report block, 0 to {@link #reportCount()} - 1
     * @return the SSRC of the source it reports on
     */
    public int reportSsrc(int index) {
        return Bytes.i32(buffer, block(index));
    }

    /**
     * @param index the report block, 0 to {@link #reportCount()} - 1
     * @return fraction lost since the previous report, in 1/256 (0 to 255)
     */
    public int fractionLost(int index) {
        return buffer[block(index) + 4] & 0xFF;
    }

    /**
     * @param index the report block, 0 to {@link #reportCount()} - 1
     * @return cumulative packets lost, a signed 24-bit value
     */
    public int cumulativeLost(int index) {
        return (Bytes.u24(buffer, block(index) + 5) << 8) >> 8;
    }

    /**
     * @param index the report block, 0 to {@link #reportCount()} - 1
     * @return extended highest sequence number received (unsigned 32-bit)
     */
    public long extendedHighestSequence(int index) {
        return Bytes.u32(buffer, block(index) + 8);
    }

    /**
     * @param index the report block, 0 to {@link #reportCount()} - 1
     * @return interarrival jitter in RTP timestamp units (unsigned 32-bit)
     */
    public long interarrivalJitter(int index) {
        return Bytes.u32(buffer, block(index) + 12);
    }

    /**
     * @param index the report block, 0 to {@link #reportCount()} - 1
     * @return the middle 32 bits of the last SR's NTP timestamp (LSR), 0 if none
     */
    public int lastSr(int index) {
        return Bytes.i32(buffer, block(index) + 16);
    }

    /**
     * @param index the report block, 0 to {@link #reportCount()} - 1
     * @return delay since the last SR (DLSR) in 1/65536 s
     */
    public int delaySinceLastSr(int index) {
        return Bytes.i32(buffer, block(index) + 20);
    }

    private int block(int index) {
        if (index < 0 || index >= reportCount) {
            throw new IllegalArgumentException("index must be in [0, " + reportCount + "): " + index);
        }
        return blocksOffset + index * REPORT_BLOCK_LENGTH;
    }
}
