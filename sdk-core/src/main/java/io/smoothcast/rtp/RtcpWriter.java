package io.smoothcast.rtp;

import io.smoothcast.rtp.internal.Bytes;
import io.smoothcast.rtp.internal.RtcpHeaders;

/**
 * Serialises the small RTCP packets into a caller-supplied {@code byte[]}: SDES with a CNAME,
 * BYE, APP, PLI and FIR. Each method returns the packet's length or {@link #DOES_NOT_FIT}.
 * Build a compound packet by writing packets back to back (RFC 3550 section 6.1: start with an
 * SR or RR, see {@link RtcpReportWriter}); generic NACKs come from {@link NackWriter} and
 * transport-cc feedback from {@link TransportCcFeedbackWriter}.
 *
 * <p>Stateless; thread-safe (callers must not share the destination array).
 */
public final class RtcpWriter {

    /** Returned when the packet does not fit the destination. */
    public static final int DOES_NOT_FIT = -1;

    private RtcpWriter() {
    }

    /**
     * Writes an SDES packet with one chunk holding one CNAME item.
     *
     * @param destination where to write
     * @param offset index of the packet's first byte in {@code destination}
     * @param capacity bytes available from {@code offset}
     * @param ssrc the SSRC the CNAME belongs to
     * @param cname the CNAME bytes (UTF-8)
     * @param cnameOffset index of the first CNAME byte
     * @param cnameLength 1 to 255 bytes
     * @return the packet's length in bytes, or {@link #DOES_NOT_FIT}
     */
    public static int writeSdesCname(byte[] destination, int offset, int capacity, int ssrc,
                                     byte[] cname, int cnameOffset, int cnameLength) {
        Bytes.checkRegion(destination, offset, capacity, "capacity");
        Bytes.checkRegion(cname, cnameOffset, cnameLength, "cnameLength");
        Bytes.checkRange("cnameLength", cnameLength, 1, 255);
        // Item type, length, text, then at least one null octet ending the chunk, padded to 32 bits.
        final int items = (2 + cnameLength + 1 + 3) & ~3;
        final int length = RtcpHeaders.HEADER_LENGTH + 4 + items;
        if (length > capacity) {
            return DOES_NOT_FIT;
        }
        RtcpHeaders.write(destination, offset, false, 1, RtcpPacketType.SOURCE_DESCRIPTION, length);
        Bytes.put32(destination, offset + 4, ssrc);
        int p = offset + 8;
        destination[p] = (byte) RtcpSdesView.ITEM_CNAME;
        destination[p + 1] = (byte) cnameLength;
        System.arraycopy(cname, cnameOffset, destination, p + 2, cnameLength);
        for (int i = p + 2 + cnameLength; i < offset + length; i++) {
            destination[i] = 0;
        }
        return length;
    }

    /**
     * Writes a BYE packet.
     *
     * @param destination where to write
     * @param offset index of the packet's first byte in {@code destination}
     * @param capacity bytes available from {@code offset}
     * @param ssrcs the sources leaving
     * @param ssrcCount how many of {@code ssrcs} to write, 0 to 31
     * @param reason the reason text (UTF-8), or null for none
     * @param reasonOffset index of the first reason byte
     * @param reasonLength 0 to 255 bytes
     * @return the packet's length in bytes, or {@link #DOES_NOT_FIT}
     */
    public static int writeBye(byte[] destination, int offset, int capacity, int[] ssrcs, int ssrcCount,
                               byte[] reason, int reasonOffset, int reasonLength) {
        Bytes.checkRegion(destination, offset, capacity, "capacity");
        if (ssrcs == null) {
            throw new IllegalArgumentException("ssrcs must not be null");
        }
        Bytes.checkRange("ssrcCount", ssrcCount, 0, Math.min(31, ssrcs.length));
        if (reason != null) {
            Bytes.checkRegion(reason, reasonOffset, reasonLength, "reasonLength");
            Bytes.checkRange("reasonLength", reasonLength, 0, 255);
        }
        final int reasonBlock = reason == null ? 0 : (1 + reasonLength + 3) & ~3;
        final int length = RtcpHeaders.HEADER_LENGTH + 4 * ssrcCount + reasonBlock;
        if (length > capacity) {
            return DOES_NOT_FIT;
        }
        RtcpHeaders.write(destination, offset, false, ssrcCount, RtcpPacketType.BYE, length);
        int p = offset + RtcpHeaders.HEADER_LENGTH;
        for (int i = 0; i < ssrcCount; i++, p += 4) {
            Bytes.put32(destination, p, ssrcs[i]);
        }
        if (reason != null) {
            destination[p] = (byte) reasonLength;
            System.arraycopy(reason, reasonOffset, destination, p + 1, reasonLength);
            for (int i = p + 1 + reasonLength; i < offset + length; i++) {
                destination[i] = 0;
            }
        }
        return length;
    }

    /**
     * Writes an APP packet.
     *
     * @param destination where to write
     * @param offset index of the packet's first byte in {@code destination}
     * @param capacity bytes available from {@code offset}
     * @param subtype 0 to 31
     * @param ssrc the sender's SSRC
     * @param name four ASCII characters, big-endian in an int (e.g. {@code 'S' << 24 | 'M' << 16 | 'C' << 8 | 'S'})
     * @param data application-dependent data
     * @param dataOffset index of the first data byte
     * @param dataLength a multiple of 4 bytes
     * @return the packet's length in bytes, or {@link #DOES_NOT_FIT}
     */
    public static int writeApp(byte[] destination, int offset, int capacity, int subtype, int ssrc, int name,
                               byte[] data, int dataOffset, int dataLength) {
        Bytes.checkRegion(destination, offset, capacity, "capacity");
        Bytes.checkRange("subtype", subtype, 0, 31);
        Bytes.checkRegion(data, dataOffset, dataLength, "dataLength");
        if ((dataLength & 3) != 0) {
            throw new IllegalArgumentException("dataLength must be a multiple of 4: " + dataLength);
        }
        final int length = 12 + dataLength;
        if (length > capacity || length > RtcpHeaders.MAX_PACKET_LENGTH) {
            return DOES_NOT_FIT;
        }
        RtcpHeaders.write(destination, offset, false, subtype, RtcpPacketType.APP, length);
        Bytes.put32(destination, offset + 4, ssrc);
        Bytes.put32(destination, offset + 8, name);
        System.arraycopy(data, dataOffset, destination, offset + 12, dataLength);
        return length;
    }

    /**
     * Writes a picture loss indication (PLI).
     *
     * @param destination where to write
     * @param offset index of the packet's first byte in {@code destination}
     * @param capacity bytes available from {@code offset}
     * @param senderSsrc the SSRC of the packet's sender
     * @param mediaSsrc the SSRC of the media source asked for a key frame
     * @return the packet's length in bytes (12), or {@link #DOES_NOT_FIT}
     */
    public static int writePli(byte[] destination, int offset, int capacity, int senderSsrc, int mediaSsrc) {
        Bytes.checkRegion(destination, offset, capacity, "capacity");
        if (capacity < 12) {
            return DOES_NOT_FIT;
        }
        RtcpHeaders.write(destination, offset, false, RtcpPacketType.FMT_PLI, RtcpPacketType.PAYLOAD_FEEDBACK, 12);
        Bytes.put32(destination, offset + 4, senderSsrc);
        Bytes.put32(destination, offset + 8, mediaSsrc);
        return 12;
    }

    /**
     * Writes a full intra request (FIR, RFC 5104) with one entry per media sender.
     *
     * @param destination where to write
     * @param offset index of the packet's first byte in {@code destination}
     * @param capacity bytes available from {@code offset}
     * @param senderSsrc the SSRC of the packet's sender
     * @param mediaSsrcs the media senders asked for a decoder refresh
     * @param commandSequenceNumbers their command sequence numbers (0 to 255; increment per new request)
     * @param entryCount entries to write, 1 or more
     * @return the packet's length in bytes, or {@link #DOES_NOT_FIT}
     */
    public static int writeFir(byte[] destination, int offset, int capacity, int senderSsrc,
                               int[] mediaSsrcs, int[] commandSequenceNumbers, int entryCount) {
        Bytes.checkRegion(destination, offset, capacity, "capacity");
        if (mediaSsrcs == null || commandSequenceNumbers == null) {
            throw new IllegalArgumentException("mediaSsrcs and commandSequenceNumbers must not be null");
        }
        Bytes.checkRange("entryCount", entryCount, 1, Math.min(mediaSsrcs.length, commandSequenceNumbers.length));
        for (int i = 0; i < entryCount; i++) {
            if (commandSequenceNumbers[i] < 0 || commandSequenceNumbers[i] > 255) {
                throw new IllegalArgumentException("commandSequenceNumbers[" + i + "] must be in [0, 255]: "
                    + commandSequenceNumbers[i]);
            }
        }
        final int length = 12 + 8 * entryCount;
        if (length > capacity || length > RtcpHeaders.MAX_PACKET_LENGTH) {
            return DOES_NOT_FIT;
        }
        RtcpHeaders.write(destination, offset, false, RtcpPacketType.FMT_FIR, RtcpPacketType.PAYLOAD_FEEDBACK, length);
        Bytes.put32(destination, offset + 4, senderSsrc);
        Bytes.put32(destination, offset + 8, 0);
        int p = offset + 12;
        for (int i = 0; i < entryCount; i++, p += 8) {
            Bytes.put32(destination, p, mediaSsrcs[i]);
            Bytes.put32(destination, p + 4, commandSequenceNumbers[i] << 24);
        }
        return length;
    }
}
