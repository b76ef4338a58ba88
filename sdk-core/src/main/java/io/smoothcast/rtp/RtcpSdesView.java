package io.smoothcast.rtp;

import io.smoothcast.rtp.internal.Bytes;
import io.smoothcast.rtp.internal.RtcpHeaders;
import java.nio.charset.StandardCharsets;

/**
 * Allocation-free view of a source description packet (SDES, RFC 3550 section 6.5): a cursor over
 * its chunks (one per SSRC/CSRC) and each chunk's items (CNAME, NAME, ...).
 *
 * <pre>{@code
 * if (sdes.wrap(buf, off, len) == ParseStatus.OK) {
 *     while (sdes.nextChunk()) {
 *         while (sdes.nextItem()) {
 *             if (sdes.itemType() == RtcpSdesView.ITEM_CNAME) { ... sdes.itemOffset(), sdes.itemLength() ... }
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #wrap} validates every chunk and item, so the cursor never reads out of bounds.
 *
 * <p>Not thread-safe: use one instance per thread. The buffer is referenced, not copied.
 */
public final class RtcpSdesView {

    /** Item type of the canonical name (CNAME). */
    public static final int ITEM_CNAME = 1;

    private byte[] buffer;
    private int offset;
    private int chunkCount;
    private int chunksRead;
    private int nextChunkOffset;
    private int chunkSsrc;
    private int itemCursor;
    private int itemType;
    private int itemOffset;
    private int itemLength;

    /**
     * @param buffer the bytes; referenced, not copied
     * @param offset index of the packet's first byte
     * @param length bytes available (e.g. {@link RtcpCompoundReader#packetLength()})
     * @return {@link ParseStatus#OK}, or a header error, {@link ParseStatus#WRONG_PACKET_TYPE},
     *     {@link ParseStatus#COUNT_OVERRUN} (fewer chunks than the source count) or
     *     {@link ParseStatus#SDES_ITEM_OVERRUN} (an item or a chunk's terminator beyond the packet)
     * @throws IllegalArgumentException if {@code buffer} is null or the region lies outside it
     */
    public int wrap(byte[] buffer, int offset, int length) {
        Bytes.checkRegion(buffer, offset, length, "length");
        this.buffer = buffer;
        this.offset = offset;
        this.chunkCount = 0;
        this.chunksRead = 0;
        this.itemCursor = -1;
        int content = RtcpHeaders.contentLengthOfType(buffer, offset, length, RtcpPacketType.SOURCE_DESCRIPTION, -1);
        if (content < 0) {
            return content;
        }
        final int end = offset + content;
        final int count = buffer[offset] & 0x1F;
        int p = offset + RtcpHeaders.HEADER_LENGTH;
        for (int c = 0; c < count; c++) {
            if (p + 4 > end) {
                return ParseStatus.COUNT_OVERRUN;
            }
            p = skipItems(p + 4, end);
            if (p < 0) {
                return ParseStatus.SDES_ITEM_OVERRUN;
            }
        }
        this.chunkCount = count;
        this.nextChunkOffset = offset + RtcpHeaders.HEADER_LENGTH;
        return ParseStatus.OK;
    }

    /**
     * Skips a chunk's items and its terminating null octets.
     *
     * @return offset of the next chunk (32-bit aligned relative to the packet), or -1 on overrun
     */
    private int skipItems(int p, int end) {
        while (true) {
            if (p >= end) {
                return -1;
            }
            if (buffer[p] == 0) {
                int aligned = offset + ((p + 1 - offset + 3) & ~3);
                return aligned > end ? -1 : aligned;
            }
            if (p + 2 > end) {
                return -1;
            }
            int next = p + 2 + (buffer[p + 1] & 0xFF);
            if (next > end) {
                return -1;
            }
            p = next;
        }
    }

    /** @return the number of chunks (the source count field) */
    public int chunkCount() {
        return chunkCount;
    }

    /**
     * Moves to the next chunk.
     *
     * @return true if positioned on a chunk
     */
    public boolean nextChunk() {
        if (chunksRead >= chunkCount) {
            return false;
        }
        int at = nextChunkOffset;
        chunkSsrc = Bytes.i32(buffer, at);
        itemCursor = at + 4;
        nextChunkOffset = skipItems(at + 4, Integer.MAX_VALUE);
        chunksRead++;
        return true;
    }

    /** @return the SSRC or CSRC of the current chunk */
    public int chunkSsrc() {
        return chunkSsrc;
    }

    /**
     * Moves to the next item of the current chunk.
     *
     * @return true if positioned on an item; false at the chunk's end
     */
    public boolean nextItem() {
        if (itemCursor < 0 || buffer[itemCursor] == 0) {
            return false;
        }
        itemType = buffer[itemCursor] & 0xFF;
        itemLength = buffer[itemCursor + 1] & 0xFF;
        itemOffset = itemCursor + 2;
        itemCursor = itemOffset + itemLength;
        return true;
    }

    /** @return the current item's type, e.g. {@link #ITEM_CNAME} */
    public int itemType() {
        return itemType;
    }

    /** @return index in the buffer of the current item's text */
    public int itemOffset() {
        return itemOffset;
    }

    /** @return length in bytes of the current item's text, 0 to 255 */
    public int itemLength() {
        return itemLength;
    }

    /**
     * The current item's text decoded as UTF-8. Allocates: for logs and control paths, not per packet.
     *
     * @return the item's text
     */
    public String itemText() {
        return new String(buffer, itemOffset, itemLength, StandardCharsets.UTF_8);
    }
}
