package io.smoothcast.rtp;

import io.smoothcast.rtp.internal.Bytes;
import io.smoothcast.rtp.internal.RtcpHeaders;

/**
 * Serialises generic NACKs (RFC 4585 section 6.2.1) into a caller-supplied {@code byte[]}, either
 * from ready PID/BLP pairs or from a list of lost sequence numbers, which it packs: each entry
 * names one lost packet (PID) and, in its 16-bit mask (BLP), the lost packets among the 16 after it.
 *
 * <p>Stateless; thread-safe (callers must not share the destination array). Allocates nothing.
 */
public final class NackWriter {

    /** Returned when the packet does not fit the destination. */
    public static final int DOES_NOT_FIT = -1;

    private static final int FCI_OFFSET = 12;

    private NackWriter() {
    }

    /**
     * Writes a NACK from PID/BLP pairs.
     *
     * @param destination where to write
     * @param offset index of the packet's first byte in {@code destination}
     * @param capacity bytes available from {@code offset}
     * @param senderSsrc the SSRC of the packet's sender
     * @param mediaSsrc the SSRC of the media source whose packets were lost
     * @param packetIds lost sequence numbers, 0 to 65535
     * @param lostBitmasks the BLP of each entry, 0 to 65535
     * @param entryCount entries to write, 1 or more (a NACK without FCI is invalid)
     * @return the packet's length in bytes, or {@link #DOES_NOT_FIT}
     */
    public static int write(byte[] destination, int offset, int capacity, int senderSsrc, int mediaSsrc,
                            int[] packetIds, int[] lostBitmasks, int entryCount) {
        Bytes.checkRegion(destination, offset, capacity, "capacity");
        if (packetIds == null || lostBitmasks == null) {
            throw new IllegalArgumentException("packetIds and lostBitmasks must not be null");
        }
        Bytes.checkRange("entryCount", entryCount, 1, Math.min(packetIds.length, lostBitmasks.length));
        final int length = FCI_OFFSET + 4 * entryCount;
        if (length > capacity || length > RtcpHeaders.MAX_PACKET_LENGTH) {
            return DOES_NOT_FIT;
        }
        writeHeader(destination, offset, senderSsrc, mediaSsrc, length);
        int p = offset + FCI_OFFSET;
        for (int i = 0; i < entryCount; i++, p += 4) {
            Bytes.put16(destination, p, packetIds[i]);
            Bytes.put16(destination, p + 2, lostBitmasks[i]);
        }
        return length;
    }

    /**
     * Writes a NACK for a list of lost sequence numbers, packing neighbours into bitmasks.
     * Every given number is reported whatever the order; ascending (wrap-aware) order gives the
     * most compact packet.
     *
     * @param destination where to write
     * @param offset index of the packet's first byte in {@code destination}
     * @param capacity bytes available from {@code offset}
     * @param senderSsrc the SSRC of the packet's sender
     * @param mediaSsrc the SSRC of the media source whose packets were lost
     * @param lostSequenceNumbers lost sequence numbers (only the low 16 bits are used)
     * @param count how many of them to report, 1 or more
     * @return the packet's length in bytes, or {@link #DOES_NOT_FIT}
     */
    public static int writeLost(byte[] destination, int offset, int capacity, int senderSsrc, int mediaSsrc,
                                int[] lostSequenceNumbers, int count) {
        Bytes.checkRegion(destination, offset, capacity, "capacity");
        if (lostSequenceNumbers == null) {
            throw new IllegalArgumentException("lostSequenceNumbers must not be null");
        }
        Bytes.checkRange("count", count, 1, lostSequenceNumbers.length);
        final int entries = pack(null, 0, lostSequenceNumbers, count);
        final int length = FCI_OFFSET + 4 * entries;
        if (length > capacity || length > RtcpHeaders.MAX_PACKET_LENGTH) {
            return DOES_NOT_FIT;
        }
        writeHeader(destination, offset, senderSsrc, mediaSsrc, length);
        pack(destination, offset + FCI_OFFSET, lostSequenceNumbers, count);
        return length;
    }

    /** Packs sequence numbers into PID/BLP entries; writes them when {@code d} is not null. */
    private static int pack(byte[] d, int p, int[] lost, int count) {
        int entries = 0;
        int pid = lost[0] & 0xFFFF;
        int blp = 0;
        for (int i = 1; i < count; i++) {
            int seq = lost[i] & 0xFFFF;
            int distance = SequenceNumbers.distance(pid, seq);
            if (distance >= 1 && distance <= 16) {
                blp |= 1 << (distance - 1);
            } else if (distance != 0) {
                if (d != null) {
                    Bytes.put16(d, p, pid);
                    Bytes.put16(d, p + 2, blp);
                    p += 4;
                }
                entries++;
                pid = seq;
                blp = 0;
            }
        }
        if (d != null) {
            Bytes.put16(d, p, pid);
            Bytes.put16(d, p + 2, blp);
        }
        return entries + 1;
    }

    private static void writeHeader(byte[] d, int offset, int senderSsrc, int mediaSsrc, int length) {
        RtcpHeaders.write(d, offset, false, RtcpPacketType.FMT_GENERIC_NACK, RtcpPacketType.TRANSPORT_FEEDBACK, length);
        Bytes.put32(d, offset + 4, senderSsrc);
        Bytes.put32(d, offset + 8, mediaSsrc);
    }
}
