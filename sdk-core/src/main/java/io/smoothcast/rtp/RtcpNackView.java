package io.smoothcast.rtp;

import io.smoothcast.rtp.internal.Bytes;
import io.smoothcast.rtp.internal.FeedbackEntries;

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

    private final FeedbackEntries entries = new FeedbackEntries(4);

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
        return entries.wrap(buffer, offset, length,
            RtcpPacketType.TRANSPORT_FEEDBACK, RtcpPacketType.FMT_GENERIC_NACK);
    }

    /** @return the SSRC of the packet's sender */
    public int senderSsrc() {
        return entries.senderSsrc();
    }

    /** @return the SSRC of the media source the NACK is about */
    public int mediaSsrc() {
        return entries.mediaSsrc();
    }

    /** @return the number of FCI entries, 1 or more */
    public int entryCount() {
        return entries.entryCount();
    }

    /**
     * @param index the FCI entry, 0 to {@link #entryCount()} - 1
     * @return the sequence number of a lost packet (PID)
     */
    public int packetId(int index) {
        return Bytes.u16(entries.buffer(), entries.entry(index));
    }

    /**
     * @param index the FCI entry, 0 to {@link #entryCount()} - 1
     * @return the bitmask of following lost packets (BLP); bit i means PID + i + 1
     */
    public int lostBitmask(int index) {
        return Bytes.u16(entries.buffer(), entries.entry(index) + 2);
    }
}
