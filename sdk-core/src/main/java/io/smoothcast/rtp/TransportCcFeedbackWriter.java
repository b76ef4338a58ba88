package io.smoothcast.rtp;

import io.smoothcast.rtp.internal.Bytes;
import io.smoothcast.rtp.internal.RtcpHeaders;

/**
 * Builds transport-wide congestion control feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01) from what a receiver saw: starting at a
 * base transport-wide sequence number, one entry per packet in sequence order, either received
 * (with its arrival time) or lost. {@link #write} chooses the packet status chunks: run-length
 * chunks for long runs of one status, one-bit vectors (14 packets) when only "not received" and
 * "small delta" occur, two-bit vectors (7 packets) otherwise.
 *
 * <p>Times: the reference time is the first received packet's arrival time rounded down to
 * 64 ms; each receive delta is the distance, in 250 µs ticks, from the previous received packet
 * (or from the reference time), with arrival times truncated to whole ticks so rounding never
 * accumulates. A delta of 0 to 255 ticks is written as a 1-byte "small delta", otherwise as a
 * 2-byte signed "large delta"; when even that cannot hold it (more than about 8 s between two
 * packets), {@link #addReceived} refuses the packet and the caller sends this feedback and
 * starts the next one from that packet.
 *
 * <pre>{@code
 * TransportCcFeedbackWriter feedback = new TransportCcFeedbackWriter(512);   // one per receiving thread
 * feedback.reset(localSsrc, mediaSsrc, baseSeq, feedbackCount++);
 * feedback.addReceived(arrivalUs0); feedback.addLost(); feedback.addReceived(arrivalUs2);
 * int length = feedback.write(datagram, 0, datagram.length);
 * }</pre>
 *
 * <p>The packet is padded to a multiple of 4 bytes with the padding bit set, as libwebrtc does.
 * All storage is allocated by the constructor; nothing is allocated afterwards.
 *
 * <p>Not thread-safe: use one instance per thread.
 */
public final class TransportCcFeedbackWriter {

    /** Returned by {@link #write} when the feedback does not fit the destination. */
    public static final int DOES_NOT_FIT = -1;
    /** Most packets one feedback can report (the status count is 16 bits). */
    public static final int MAX_PACKET_COUNT = 0xFFFF;

    private static final int CHUNKS_OFFSET = 20;
    private static final int MAX_RUN_LENGTH = 0x1FFF;
    private static final int ONE_BIT_SYMBOLS = 14;
    private static final int TWO_BIT_SYMBOLS = 7;
    private static final long TICKS_PER_REFERENCE_UNIT =
        TransportCcFeedbackView.REFERENCE_TIME_UNIT_US / TransportCcFeedbackView.DELTA_TICK_US;

    private final byte[] statuses;
    private final short[] deltas;
    private int senderSsrc;
    private int mediaSsrc;
    private int baseSequenceNumber;
    private int feedbackPacketCount;
    private int packetCount;
    private int receivedCount;
    private int deltaBytes;
    private boolean haveReference;
    private long referenceUnits;
    private long lastTicks;

    /**
     * @param maxPacketCount most packets one feedback may report, 1 to {@value #MAX_PACKET_COUNT}
     */
    public TransportCcFeedbackWriter(int maxPacketCount) {
        Bytes.checkRange("maxPacketCount", maxPacketCount, 1, MAX_PACKET_COUNT);
        this.statuses = new byte[maxPacketCount];
        this.deltas = new short[maxPacketCount];
    }

    /**
     * Starts a new feedback.
     *
     * @param senderSsrc the SSRC of the feedback's sender
     * @param mediaSsrc the SSRC of the media source (the first media SSRC seen)
     * @param baseSequenceNumber transport-wide sequence number of the first packet to report, 0 to 65535
     * @param feedbackPacketCount 8-bit count of feedbacks sent so far (only the low 8 bits are used)
     * @return this writer
     */
    public TransportCcFeedbackWriter reset(int senderSsrc, int mediaSsrc, int baseSequenceNumber, int feedbackPacketCount) {
        Bytes.checkRange("baseSequenceNumber", baseSequenceNumber, 0, 0xFFFF);
        this.senderSsrc = senderSsrc;
        this.mediaSsrc = mediaSsrc;
        this.baseSequenceNumber = baseSequenceNumber;
        this.feedbackPacketCount = feedbackPacketCount & 0xFF;
        this.packetCount = 0;
        this.receivedCount = 0;
        this.deltaBytes = 0;
        this.haveReference = false;
        return this;
    }

    /**
     * Reports the next packet (sequence number {@code base + packetCount()}) as received.
     *
     * @param arrivalTimeUs its arrival time in microseconds on the receiver's clock (any origin,
     *     the same for every packet of this receiver)
     * @return false, adding nothing, if the writer is full or the delta from the previous received
     *     packet exceeds the 2-byte range (-8192 ms to 8191.75 ms)
     */
    public boolean addReceived(long arrivalTimeUs) {
        if (packetCount == statuses.length) {
            return false;
        }
        final long ticks = Math.floorDiv(arrivalTimeUs, TransportCcFeedbackView.DELTA_TICK_US);
        long previous;
        long units = referenceUnits;
        if (haveReference) {
            previous = lastTicks;
        } else {
            units = Math.floorDiv(arrivalTimeUs, TransportCcFeedbackView.REFERENCE_TIME_UNIT_US);
            previous = units * TICKS_PER_REFERENCE_UNIT;
        }
        final long delta = ticks - previous;
        if (delta < Short.MIN_VALUE || delta > Short.MAX_VALUE) {
            return false;
        }
        haveReference = true;
        referenceUnits = units;
        lastTicks = ticks;
        final boolean small = delta >= 0 && delta <= 0xFF;
        statuses[packetCount] = (byte) (small ? TransportCcFeedbackView.STATUS_SMALL_DELTA
            : TransportCcFeedbackView.STATUS_LARGE_DELTA);
        deltas[packetCount] = (short) delta;
        packetCount++;
        receivedCount++;
        deltaBytes += small ? 1 : 2;
        return true;
    }

    /**
     * Reports the next packet (sequence number {@code base + packetCount()}) as lost.
     *
     * @return false, adding nothing, if the writer is full
     */
    public boolean addLost() {
        if (packetCount == statuses.length) {
            return false;
        }
        statuses[packetCount++] = (byte) TransportCcFeedbackView.STATUS_NOT_RECEIVED;
        return true;
    }

    /** @return packets reported so far */
    public int packetCount() {
        return packetCount;
    }

    /** @return packets reported as received so far */
    public int receivedCount() {
        return receivedCount;
    }

    /**
     * @return the reference time the feedback will carry, in 64 ms units (24-bit); 0 before the
     *     first received packet
     */
    public int referenceTime() {
        return haveReference ? (int) (referenceUnits & 0xFFFFFF) : 0;
    }

    /**
     * @return the length in bytes {@link #write} will produce
     * @throws IllegalStateException if no packet was added
     */
    public int length() {
        if (packetCount == 0) {
            throw new IllegalStateException("no packet added since reset");
        }
        int unpadded = CHUNKS_OFFSET + 2 * encodeChunks(null, 0) + deltaBytes;
        return (unpadded + 3) & ~3;
    }

    /**
     * Writes the feedback.
     *
     * @param destination where to write
     * @param offset index of the packet's first byte
     * @param capacity bytes available from {@code offset}
     * @return the packet's length in bytes, or {@link #DOES_NOT_FIT}
     * @throws IllegalStateException if no packet was added
     * @throws IllegalArgumentException if the region lies outside {@code destination}
     */
    public int write(byte[] destination, int offset, int capacity) {
        Bytes.checkRegion(destination, offset, capacity, "capacity");
        final int length = length();
        if (length > capacity || length > RtcpHeaders.MAX_PACKET_LENGTH) {
            return DOES_NOT_FIT;
        }
        final byte[] d = destination;
        final int deltasAt = offset + CHUNKS_OFFSET + 2 * encodeChunks(d, offset + CHUNKS_OFFSET);
        final int padding = offset + length - (deltasAt + deltaBytes);
        RtcpHeaders.write(d, offset, padding > 0, RtcpPacketType.FMT_TRANSPORT_CC,
            RtcpPacketType.TRANSPORT_FEEDBACK, length);
        Bytes.put32(d, offset + 4, senderSsrc);
        Bytes.put32(d, offset + 8, mediaSsrc);
        Bytes.put16(d, offset + 12, baseSequenceNumber);
        Bytes.put16(d, offset + 14, packetCount);
        Bytes.put24(d, offset + 16, referenceTime());
        d[offset + 19] = (byte) feedbackPacketCount;
        int p = deltasAt;
        for (int i = 0; i < packetCount; i++) {
            int status = statuses[i];
            if (status == TransportCcFeedbackView.STATUS_SMALL_DELTA) {
                d[p++] = (byte) deltas[i];
            } else if (status == TransportCcFeedbackView.STATUS_LARGE_DELTA) {
                Bytes.put16(d, p, deltas[i]);
                p += 2;
            }
        }
        if (padding > 0) {
            for (int i = 0; i < padding - 1; i++) {
                d[p++] = 0;
            }
            d[p] = (byte) padding;
        }
        return length;
    }

    /**
     * Chooses the chunks greedily and writes them at {@code p} when {@code d} is not null.
     *
     * @return the number of chunks
     */
    private int encodeChunks(byte[] d, int p) {
        int chunks = 0;
        int i = 0;
        final int n = packetCount;
        while (i < n) {
            final int status = statuses[i];
            int run = 1;
            while (i + run < n && statuses[i + run] == status && run < MAX_RUN_LENGTH) {
                run++;
            }
            final int oneBitSpan = Math.min(ONE_BIT_SYMBOLS, n - i);
            int chunk;
            int covered;
            if (run >= ONE_BIT_SYMBOLS || run == n - i) {
                chunk = (status << 13) | run;
                covered = run;
            } else if (fitsOneBit(i, oneBitSpan)) {
                chunk = 0x8000;
                for (int k = 0; k < oneBitSpan; k++) {
                    chunk |= statuses[i + k] << (13 - k);
                }
                covered = oneBitSpan;
            } else if (run >= TWO_BIT_SYMBOLS) {
                chunk = (status << 13) | run;
                covered = run;
            } else {
                covered = Math.min(TWO_BIT_SYMBOLS, n - i);
                chunk = 0xC000;
                for (int k = 0; k < covered; k++) {
                    chunk |= statuses[i + k] << (12 - 2 * k);
                }
            }
            if (d != null) {
                Bytes.put16(d, p + 2 * chunks, chunk);
            }
            chunks++;
            i += covered;
        }
        return chunks;
    }

    private boolean fitsOneBit(int from, int span) {
        for (int k = 0; k < span; k++) {
            if (statuses[from + k] == TransportCcFeedbackView.STATUS_LARGE_DELTA) {
                return false;
            }
        }
        return true;
    }
}
