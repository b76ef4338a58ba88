package io.smoothcast.rtp;

import io.smoothcast.rtp.internal.Bytes;
import io.smoothcast.rtp.internal.RtcpHeaders;

/**
 * Allocation-free view of transport-wide congestion control feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01, section 3.1): transport-layer feedback
 * ({@link RtcpPacketType#TRANSPORT_FEEDBACK}, FMT {@link RtcpPacketType#FMT_TRANSPORT_CC})
 * reporting, for a run of transport-wide sequence numbers, which packets arrived and when.
 *
 * <p>Wire layout after the two SSRCs: base sequence number (16 bits), packet status count
 * (16 bits), reference time (24 bits, in 64 ms units), feedback packet count (8 bits); then
 * packet status chunks (run-length, one-bit vector of 14 symbols or two-bit vector of 7
 * symbols); then one receive delta per received packet, in 250 µs ticks: 1 unsigned byte for a
 * "small delta" status, 2 signed bytes for a "large delta" status. The first delta is relative to
 * the reference time, each following one to the previous received packet.
 *
 * <p>{@link #wrap} validates the whole packet (chunks cover the status count, deltas fit, no
 * reserved status). Then a cursor walks the packets in sequence order, allocating nothing:
 *
 * <pre>{@code
 * if (feedback.wrap(buf, off, len) == ParseStatus.OK) {
 *     while (feedback.nextPacket()) {
 *         if (feedback.packetReceived()) {
 *             onArrival(feedback.packetSequenceNumber(), feedback.packetArrivalTimeUs());
 *         } else {
 *             onLost(feedback.packetSequenceNumber());
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Not thread-safe: use one instance per thread. The buffer is referenced, not copied.
 */
public final class TransportCcFeedbackView {

    /** Packet status: not received. */
    public static final int STATUS_NOT_RECEIVED = 0;
    /** Packet status: received, with a 1-byte delta (0 to 63.75 ms). */
    public static final int STATUS_SMALL_DELTA = 1;
    /** Packet status: received, with a 2-byte signed delta (-8192 to 8191.75 ms). */
    public static final int STATUS_LARGE_DELTA = 2;
    /** Duration of one receive delta tick, in microseconds. */
    public static final int DELTA_TICK_US = 250;
    /** Duration of one reference time unit, in microseconds. */
    public static final int REFERENCE_TIME_UNIT_US = 64_000;

    private static final int CHUNKS_OFFSET = 20;
    private static final int KIND_RUN_LENGTH = 0;
    private static final int KIND_ONE_BIT = 1;
    private static final int KIND_TWO_BIT = 2;

    private byte[] buffer;
    private int offset;
    private int statusCount;
    private int receivedCount;
    private int chunksEnd;

    // Cursor state.
    private int remaining;
    private int chunkPosition;
    private int chunk;
    private int chunkKind;
    private int symbolIndex;
    private int symbolsInChunk;
    private int deltaPosition;
    private int sequenceNumber;
    private int status;
    private int deltaTicks;
    private long arrivalTicks;

    /**
     * @param buffer the bytes; referenced, not copied
     * @param offset index of the packet's first byte
     * @param length bytes available (e.g. {@link RtcpCompoundReader#packetLength()})
     * @return {@link ParseStatus#OK}, or a header error, {@link ParseStatus#WRONG_PACKET_TYPE},
     *     {@link ParseStatus#TRUNCATED_PACKET} (no room for the fixed fields),
     *     {@link ParseStatus#STATUS_COUNT_OVERRUN} (chunks end before the status count is covered),
     *     {@link ParseStatus#RESERVED_STATUS} or {@link ParseStatus#DELTA_OVERRUN}
     * @throws IllegalArgumentException if {@code buffer} is null or the region lies outside it
     */
    public int wrap(byte[] buffer, int offset, int length) {
        Bytes.checkRegion(buffer, offset, length, "length");
        this.buffer = buffer;
        this.offset = offset;
        this.statusCount = 0;
        this.receivedCount = 0;
        this.remaining = 0;
        int content = RtcpHeaders.contentLengthOfType(buffer, offset, length,
            RtcpPacketType.TRANSPORT_FEEDBACK, RtcpPacketType.FMT_TRANSPORT_CC);
        if (content < 0) {
            return content;
        }
        if (content < CHUNKS_OFFSET) {
            return ParseStatus.TRUNCATED_PACKET;
        }
        final int end = offset + content;
        final int count = Bytes.u16(buffer, offset + 14);
        int p = offset + CHUNKS_OFFSET;
        int left = count;
        int deltaBytes = 0;
        int received = 0;
        while (left > 0) {
            if (p + 2 > end) {
                return ParseStatus.STATUS_COUNT_OVERRUN;
            }
            final int c = Bytes.u16(buffer, p);
            p += 2;
            final int kind = kindOf(c);
            final int take = Math.min(symbolsIn(c, kind), left);
            if (kind == KIND_RUN_LENGTH) {
                int s = symbol(c, kind, 0);
                if (s == 3 && take > 0) {
                    return ParseStatus.RESERVED_STATUS;
                }
                // A status value equals its delta's size in bytes (0, 1 or 2).
                deltaBytes += take * s;
                received += s == STATUS_NOT_RECEIVED ? 0 : take;
            } else {
                for (int i = 0; i < take; i++) {
                    int s = symbol(c, kind, i);
                    if (s == 3) {
                        return ParseStatus.RESERVED_STATUS;
                    }
                    deltaBytes += s;
                    received += s == STATUS_NOT_RECEIVED ? 0 : 1;
                }
            }
            left -= take;
        }
        if (deltaBytes > end - p) {
            return ParseStatus.DELTA_OVERRUN;
        }
        this.statusCount = count;
        this.receivedCount = received;
        this.chunksEnd = p;
        resetCursor();
        return ParseStatus.OK;
    }

    private static int kindOf(int chunk) {
        if ((chunk & 0x8000) == 0) {
            return KIND_RUN_LENGTH;
        }
        return (chunk & 0x4000) == 0 ? KIND_ONE_BIT : KIND_TWO_BIT;
    }

    private static int symbolsIn(int chunk, int kind) {
        switch (kind) {
            case KIND_RUN_LENGTH:
                return chunk & 0x1FFF;
            case KIND_ONE_BIT:
                return 14;
            default:
                return 7;
        }
    }

    private static int symbol(int chunk, int kind, int index) {
        switch (kind) {
            case KIND_RUN_LENGTH:
                return (chunk >>> 13) & 3;
            case KIND_ONE_BIT:
                return (chunk >>> (13 - index)) & 1;
            default:
                return (chunk >>> (12 - 2 * index)) & 3;
        }
    }

    /** @return the SSRC of the feedback's sender */
    public int senderSsrc() {
        return Bytes.i32(buffer, offset + 4);
    }

    /** @return the SSRC of the media source (often the first media SSRC; the feedback covers all of them) */
    public int mediaSsrc() {
        return Bytes.i32(buffer, offset + 8);
    }

    /** @return the transport-wide sequence number of the first reported packet */
    public int baseSequenceNumber() {
        return Bytes.u16(buffer, offset + 12);
    }

    /** @return how many packets (received or not) the feedback reports */
    public int packetStatusCount() {
        return statusCount;
    }

    /** @return how many of them were received (and carry a delta) */
    public int receivedPacketCount() {
        return receivedCount;
    }

    /** @return the 24-bit reference time in 64 ms units (unsigned; wraps after about 12.4 days) */
    public int referenceTime() {
        return Bytes.u24(buffer, offset + 16);
    }

    /** @return the reference time in microseconds ({@link #referenceTime()} times 64000) */
    public long referenceTimeUs() {
        return (long) referenceTime() * REFERENCE_TIME_UNIT_US;
    }

    /** @return the 8-bit feedback packet count, incremented by the sender for each feedback */
    public int feedbackPacketCount() {
        return buffer[offset + 19] & 0xFF;
    }

    /** Rewinds the cursor to before the first reported packet. */
    public void resetCursor() {
        remaining = statusCount;
        chunkPosition = offset + CHUNKS_OFFSET;
        symbolIndex = 0;
        symbolsInChunk = 0;
        deltaPosition = chunksEnd;
        sequenceNumber = (baseSequenceNumber() - 1) & 0xFFFF;
        status = STATUS_NOT_RECEIVED;
        deltaTicks = 0;
        arrivalTicks = (long) referenceTime() * (REFERENCE_TIME_UNIT_US / DELTA_TICK_US);
    }

    /**
     * Moves to the next reported packet, in transport-wide sequence order.
     *
     * @return true if positioned on a packet; false after the last one
     */
    public boolean nextPacket() {
        if (remaining == 0) {
            return false;
        }
        while (symbolIndex >= symbolsInChunk) {
            chunk = Bytes.u16(buffer, chunkPosition);
            chunkPosition += 2;
            chunkKind = kindOf(chunk);
            symbolsInChunk = symbolsIn(chunk, chunkKind);
            symbolIndex = 0;
        }
        status = symbol(chunk, chunkKind, symbolIndex++);
        remaining--;
        sequenceNumber = (sequenceNumber + 1) & 0xFFFF;
        if (status == STATUS_SMALL_DELTA) {
            deltaTicks = buffer[deltaPosition] & 0xFF;
            deltaPosition++;
        } else if (status == STATUS_LARGE_DELTA) {
            deltaTicks = Bytes.s16(buffer, deltaPosition);
            deltaPosition += 2;
        } else {
            deltaTicks = 0;
        }
        arrivalTicks += deltaTicks;
        return true;
    }

    /** @return the current packet's transport-wide sequence number */
    public int packetSequenceNumber() {
        return sequenceNumber;
    }

    /** @return the current packet's status: {@link #STATUS_NOT_RECEIVED}, {@link #STATUS_SMALL_DELTA} or {@link #STATUS_LARGE_DELTA} */
    public int packetStatus() {
        return status;
    }

    /** @return whether the current packet was received */
    public boolean packetReceived() {
        return status != STATUS_NOT_RECEIVED;
    }

    /** @return the current packet's receive delta in 250 µs ticks; 0 when not received */
    public int packetDeltaTicks() {
        return deltaTicks;
    }

    /**
     * @return the current received packet's arrival time in microseconds, on the feedback
     *     sender's clock: reference time plus all deltas so far; for a lost packet, the arrival
     *     time of the last received packet before it
     */
    public long packetArrivalTimeUs() {
        return arrivalTicks * DELTA_TICK_US;
    }
}
