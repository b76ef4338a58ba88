package io.smoothcast.rtp.internal;

import io.smoothcast.rtp.ParseStatus;

/**
 * The FCI entries of an RTCP feedback message (RFC 4585 section 6.1) whose FCI is a list of
 * fixed-size entries after the sender and media source SSRCs: the wrap-time validation and the
 * bounds-checked entry lookup shared by the views of such messages (generic NACK, FIR).
 *
 * <p>Allocation-free; the buffer is referenced, not copied. Not thread-safe: owned by one view.
 */
public final class FeedbackEntries {

    /** Offset of the first FCI entry: the common header and the two SSRCs come before it. */
    private static final int FCI_OFFSET = 12;

    private final int entryLength;
    private byte[] buffer;
    private int offset;
    private int entryCount;

    /** @param entryLength length of one FCI entry, in bytes */
    public FeedbackEntries(int entryLength) {
        this.entryLength = entryLength;
    }

    /**
     * Points at a feedback packet and counts its whole FCI entries (a partial trailing entry is
     * ignored).
     *
     * @param type the packet type the view reads
     * @param format the FMT value the view reads
     * @return {@link ParseStatus#OK}, or a header error, {@link ParseStatus#WRONG_PACKET_TYPE},
     *     {@link ParseStatus#TRUNCATED_PACKET} (no room for the two SSRCs) or
     *     {@link ParseStatus#EMPTY_FCI} (no FCI entry); on error {@link #entryCount()} is 0
     * @throws IllegalArgumentException if {@code buffer} is null or the region lies outside it
     */
    public int wrap(byte[] buffer, int offset, int length, int type, int format) {
        Bytes.checkRegion(buffer, offset, length, "length");
        this.buffer = buffer;
        this.offset = offset;
        this.entryCount = 0;
        int content = RtcpHeaders.contentLengthOfType(buffer, offset, length, type, format);
        if (content < 0) {
            return content;
        }
        if (content < FCI_OFFSET) {
            return ParseStatus.TRUNCATED_PACKET;
        }
        int entries = (content - FCI_OFFSET) / entryLength;
        if (entries == 0) {
            return ParseStatus.EMPTY_FCI;
        }
        entryCount = entries;
        return ParseStatus.OK;
    }

    /** @return the wrapped buffer */
    public byte[] buffer() {
        return buffer;
    }

    /** @return the SSRC of the packet's sender */
    public int senderSsrc() {
        return Bytes.i32(buffer, offset + 4);
    }

    /** @return the SSRC of the media source (common header's second SSRC) */
    public int mediaSsrc() {
        return Bytes.i32(buffer, offset + 8);
    }

    /** @return the number of FCI entries of the last successful wrap, else 0 */
    public int entryCount() {
        return entryCount;
    }

    /**
     * @param index the FCI entry, 0 to {@link #entryCount()} - 1
     * @return the index in {@link #buffer()} of that entry's first byte
     * @throws IllegalArgumentException if {@code index} is out of range
     */
    public int entry(int index) {
        if (index < 0 || index >= entryCount) {
            throw new IllegalArgumentException("index must be in [0, " + entryCount + "): " + index);
        }
        return offset + FCI_OFFSET + entryLength * index;
    }
}
