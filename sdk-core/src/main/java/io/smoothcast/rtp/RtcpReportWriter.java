package io.smoothcast.rtp;

import io.smoothcast.rtp.internal.Bytes;
import io.smoothcast.rtp.internal.RtcpHeaders;

/**
 * Serialises a sender report (SR) or receiver report (RR) with up to 31 report blocks (RFC 3550
 * sections 6.4.1 and 6.4.2) into a caller-supplied {@code byte[]}. Reusable: start a report,
 * add blocks, write; nothing is allocated per report.
 *
 * <pre>{@code
 * int length = writer.startSenderReport(ssrc, NtpTime.fromUnixNanos(wallClockNs), rtpTs, packets, octets)
 *     .addReportBlock(remoteSsrc, fraction, lost, highest, jitter, lsr, dlsr)
 *     .write(datagram, 0, datagram.length);
 * }</pre>
 *
 * <p>Not thread-safe: use one instance per thread.
 */
public final class RtcpReportWriter {

    /** Returned by {@link #write} when the report does not fit the destination. */
    public static final int DOES_NOT_FIT = -1;
    /** Most report blocks one SR/RR can carry (a 5-bit count). */
    public static final int MAX_REPORT_BLOCKS = 31;

    private static final int FIELDS_PER_BLOCK = 7;

    private final int[] blocks = new int[MAX_REPORT_BLOCKS * FIELDS_PER_BLOCK];
    private boolean senderReport;
    private int ssrc;
    private long ntpTimestamp;
    private int rtpTimestamp;
    private int senderPacketCount;
    private int senderOctetCount;
    private int blockCount;

    /**
     * Starts a sender report, discarding any previous blocks.
     *
     * @param ssrc the sender's SSRC
     * @param ntpTimestamp wall-clock time of the report as a 64-bit NTP timestamp
     * @param rtpTimestamp the RTP timestamp corresponding to {@code ntpTimestamp}
     * @param packetCount packets sent so far, 0 to 2^32 - 1 (the caller wraps it)
     * @param octetCount payload octets sent so far, 0 to 2^32 - 1 (the caller wraps it)
     * @return this writer
     */
    public RtcpReportWriter startSenderReport(int ssrc, long ntpTimestamp, int rtpTimestamp, long packetCount, long octetCount) {
        Bytes.checkRange("packetCount", packetCount, 0, 0xFFFFFFFFL);
        Bytes.checkRange("octetCount", octetCount, 0, 0xFFFFFFFFL);
        this.senderReport = true;
        this.ssrc = ssrc;
        this.ntpTimestamp = ntpTimestamp;
        this.rtpTimestamp = rtpTimestamp;
        this.senderPacketCount = (int) packetCount;
        this.senderOctetCount = (int) octetCount;
        this.blockCount = 0;
        return this;
    }

    /**
     * Starts a receiver report, discarding any previous blocks.
     *
     * @param ssrc the reporter's SSRC
     * @return this writer
     */
    public RtcpReportWriter startReceiverReport(int ssrc) {
        this.senderReport = false;
        this.ssrc = ssrc;
        this.blockCount = 0;
        return this;
    }

    /**
     * Appends a report block.
     *
     * @param sourceSsrc the SSRC of the source reported on
     * @param fractionLost loss fraction since the last report, in 1/256, 0 to 255
     * @param cumulativeLost cumulative packets lost, -8388608 to 8388607
     * @param extendedHighestSequence extended highest sequence number received, 0 to 2^32 - 1
     * @param jitter interarrival jitter in RTP timestamp units, 0 to 2^32 - 1
     * @param lastSr middle 32 bits of the last SR's NTP timestamp ({@link NtpTime#toCompact}), 0 if none
     * @param delaySinceLastSr delay since that SR in 1/65536 s ({@link NtpTime#compactFromNanos}), 0 if none
     * @return this writer
     * @throws IllegalStateException if {@value #MAX_REPORT_BLOCKS} blocks were already added
     */
    public RtcpReportWriter addReportBlock(int sourceSsrc, int fractionLost, int cumulativeLost,
                                           long extendedHighestSequence, long jitter, int lastSr, int delaySinceLastSr) {
        Bytes.checkRange("fractionLost", fractionLost, 0, 255);
        Bytes.checkRange("cumulativeLost", cumulativeLost, -0x800000, 0x7FFFFF);
        Bytes.checkRange("extendedHighestSequence", extendedHighestSequence, 0, 0xFFFFFFFFL);
        Bytes.checkRange("jitter", jitter, 0, 0xFFFFFFFFL);
        if (blockCount == MAX_REPORT_BLOCKS) {
            throw new IllegalStateException("at most " + MAX_REPORT_BLOCKS + " report blocks per report");
        }
        int b = blockCount++ * FIELDS_PER_BLOCK;
        blocks[b] = sourceSsrc;
        blocks[b + 1] = fractionLost;
        blocks[b + 2] = cumulativeLost;
        blocks[b + 3] = (int) extendedHighestSequence;
        blocks[b + 4] = (int) jitter;
        blocks[b + 5] = lastSr;
        blocks[b + 6] = delaySinceLastSr;
        return this;
    }

    /** @return the length in bytes {@link #write} will produce */
    public int length() {
        return (senderReport ? 28 : 8) + RtcpReportView.REPORT_BLOCK_LENGTH * blockCount;
    }

    /**
     * @param destination where to write
     * @param offset index of the packet's first byte
     * @param capacity bytes available from {@code offset}
     * @return the packet's length in bytes, or {@link #DOES_NOT_FIT}
     * @throws IllegalArgumentException if the region lies outside {@code destination}
     */
    public int write(byte[] destination, int offset, int capacity) {
        Bytes.checkRegion(destination, offset, capacity, "capacity");
        final int length = length();
        if (length > capacity) {
            return DOES_NOT_FIT;
        }
        final byte[] d = destination;
        RtcpHeaders.write(d, offset, false, blockCount,
            senderReport ? RtcpPacketType.SENDER_REPORT : RtcpPacketType.RECEIVER_REPORT, length);
        Bytes.put32(d, offset + 4, ssrc);
        int p = offset + 8;
        if (senderReport) {
            Bytes.put64(d, p, ntpTimestamp);
            Bytes.put32(d, p + 8, rtpTimestamp);
            Bytes.put32(d, p + 12, senderPacketCount);
            Bytes.put32(d, p + 16, senderOctetCount);
            p += 20;
        }
        for (int i = 0; i < blockCount; i++, p += RtcpReportView.REPORT_BLOCK_LENGTH) {
            int b = i * FIELDS_PER_BLOCK;
            Bytes.put32(d, p, blocks[b]);
            d[p + 4] = (byte) blocks[b + 1];
            Bytes.put24(d, p + 5, blocks[b + 2]);
            Bytes.put32(d, p + 8, blocks[b + 3]);
            Bytes.put32(d, p + 12, blocks[b + 4]);
            Bytes.put32(d, p + 16, blocks[b + 5]);
            Bytes.put32(d, p + 20, blocks[b + 6]);
        }
        return length;
    }
}
