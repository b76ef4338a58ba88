package io.smoothcast.jitter;

import io.smoothcast.jitter.internal.SpscSlotRing;

/**
 * A frame (or candidate frame) held by the jitter buffer: a run of packets sharing one RTP
 * timestamp, read in place from the buffer's pooled slot memory (or, for borrowed payloads, from
 * the caller's arrays).
 *
 * <p>A flyweight: the buffer reuses one instance and re-points it for each frame. It and the
 * payload bytes it exposes are valid only during the {@link FrameHandler#onFrame} or
 * {@link FrameCompletenessCheck#isComplete} call that received it; the slots go back to the
 * producer as soon as that call returns. Packet {@code i} runs from 0 to
 * {@link #packetCount()} - 1 in sequence order.
 *
 * <p>Not thread-safe: use it only on the consumer thread, inside the call.
 */
public final class JitterFrame {

    private final SpscSlotRing ring;
    private long first;
    private int count;
    private long playoutTimeNs;
    private boolean afterLoss;
    private boolean streamStart;

    JitterFrame(SpscSlotRing ring) {
        this.ring = ring;
    }

    void bind(long firstSequence, int packetCount, long playoutNs, boolean followsLoss, boolean startsStream) {
        this.first = firstSequence;
        this.count = packetCount;
        this.playoutTimeNs = playoutNs;
        this.afterLoss = followsLoss;
        this.streamStart = startsStream;
    }

    /** @return the number of packets in the frame, at least 1 */
    public int packetCount() {
        return count;
    }

    /** @return the frame's 32-bit RTP timestamp (unsigned, carried in an int) */
    public int rtpTimestamp() {
        return ring.rtpTimestamp(first);
    }

    /**
     * @return when the frame is due to play, in the caller's nanosecond clock (the same clock as
     *     the {@code arrivalNs} and {@code nowNs} arguments)
     */
    public long playoutTimeNs() {
        return playoutTimeNs;
    }

    /** @return the earliest arrival time among the frame's packets, in nanoseconds */
    public long firstArrivalNs() {
        long earliest = ring.arrivalNs(first);
        for (int i = 1; i < count; i++) {
            long a = ring.arrivalNs(first + i);
            if (a - earliest < 0) {
                earliest = a;
            }
        }
        return earliest;
    }

    /**
     * @return true if frames or packets were given up between the previous delivered frame and
     *     this one (a decoder may need a keyframe)
     */
    public boolean followsLoss() {
        return afterLoss;
    }

    /** @return true if this is the first frame of a new stream (SSRC change or sequence restart) */
    public boolean startsStream() {
        return streamStart;
    }

    /**
     * @param index packet index in [0, packetCount)
     * @return the packet's 16-bit RTP sequence number
     */
    public int sequenceNumber(int index) {
        return ring.wireSequence(slot(index));
    }

    /**
     * @param index packet index in [0, packetCount)
     * @return whether the packet had the RTP marker bit
     */
    public boolean marker(int index) {
        return (ring.flags(slot(index)) & SpscSlotRing.FLAG_MARKER) != 0;
    }

    /**
     * @param index packet index in [0, packetCount)
     * @return when the packet arrived, in nanoseconds
     */
    public long arrivalNs(int index) {
        return ring.arrivalNs(slot(index));
    }

    /**
     * The array holding one packet's payload: the buffer's pooled memory for a copied packet,
     * the caller's array for a borrowed one. Read it at
     * {@link #payloadOffset(int)} for {@link #payloadLength(int)} bytes; do not write to it.
     *
     * @param index packet index in [0, packetCount)
     * @return the array holding the packet's payload
     */
    public byte[] payloadArray(int index) {
        return ring.payloadArray(slot(index));
    }

    /**
     * @param index packet index in [0, packetCount)
     * @return where the packet's payload starts in {@link #payloadArray(int)}
     */
    public int payloadOffset(int index) {
        return ring.payloadOffset(slot(index));
    }

    /**
     * @param index packet index in [0, packetCount)
     * @return the packet's payload length, in bytes
     */
    public int payloadLength(int index) {
        return ring.payloadLength(slot(index));
    }

    /** @return the sum of every packet's payload length, in bytes */
    public int totalPayloadLength() {
        int total = 0;
        for (int i = 0; i < count; i++) {
            total += ring.payloadLength(first + i);
        }
        return total;
    }

    /**
     * Copies every packet's payload, in order, into {@code destination}.
     *
     * @param destination where to copy
     * @param offset first index written in {@code destination}
     * @return the number of bytes copied ({@link #totalPayloadLength()})
     * @throws IllegalArgumentException if {@code destination} is too small from {@code offset}
     */
    public int copyPayload(byte[] destination, int offset) {
        int total = totalPayloadLength();
        if (destination == null || offset < 0 || offset > destination.length - total) {
            throw new IllegalArgumentException("destination must hold " + total + " bytes from offset " + offset);
        }
        int at = offset;
        for (int i = 0; i < count; i++) {
            long s = first + i;
            int len = ring.payloadLength(s);
            System.arraycopy(ring.payloadArray(s), ring.payloadOffset(s), destination, at, len);
            at += len;
        }
        return total;
    }

    private long slot(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("index must be in [0, " + count + "): " + index);
        }
        return first + index;
    }

    @Override
    public String toString() {
        return "JitterFrame[rtpTimestamp=" + Integer.toUnsignedString(rtpTimestamp()) + ", packets=" + count
                + ", playoutTimeNs=" + playoutTimeNs + "]";
    }
}
