package io.smoothcast.rtp;

import io.smoothcast.rtp.internal.Bytes;
import io.smoothcast.rtp.internal.FeedbackEntries;

/**
 * Allocation-free view of a full intra request (FIR, RFC 5104 section 4.3.1): payload-specific
 * feedback ({@link RtcpPacketType#PAYLOAD_FEEDBACK}, FMT {@link RtcpPacketType#FMT_FIR}) whose FCI
 * entries each name a media sender and a command sequence number. The "media source" SSRC of
 * the common header is unused (0) in FIR.
 *
 * <p>Not thread-safe: use one instance per thread. The buffer is referenced, not copied.
 */
public final class RtcpFirView {

    private static final int ENTRY_LENGTH = 8;

    private final FeedbackEntries entries = new FeedbackEntries(ENTRY_LENGTH);

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
        return entries.wrap(buffer, offset, length, RtcpPacketType.PAYLOAD_FEEDBACK, RtcpPacketType.FMT_FIR);
    }

    /** @return the SSRC of the packet's sender */
    public int senderSsrc() {
        return entries.senderSsrc();
    }

    /** @return the number of FCI entries, 1 or more */
    public int entryCount() {
        return entries.entryCount();
    }

    /**
     * @param index the FCI entry, 0 to {@link #entryCount()} - 1
     * @return the SSRC of the media sender asked for a decoder refresh
     */
    public int ssrc(int index) {
        return Bytes.i32(entries.buffer(), entries.entry(index));
    }

    /**
     * @param index the FCI entry, 0 to {@link #entryCount()} - 1
     * @return the command sequence number, 0 to 255
     */
    public int commandSequenceNumber(int index) {
        return entries.buffer()[entries.entry(index) + 4] & 0xFF;
    }
}
