package io.smoothcast.transport.internal.rtx;

import io.netty.buffer.ByteBuf;
import io.smoothcast.rtp.SequenceNumbers;

/**
 * The last {@code capacity} RTP packets of one track, indexed by sequence number, kept so NACKs
 * can be answered without going back to the publisher. Holds its own reference to each buffer
 * (a retained slice) and releases it when the slot is reused or the cache is cleared.
 *
 * <p>Not thread-safe: used only by one I/O thread (the relay's, or a broadcaster's).
 */
public final class RetransmissionCache {

    /** Set in a slot's {@link #sequenceNumbers} entry above the 16-bit number: see {@link #wasRequested}. */
    private static final int REQUESTED = 1 << 16;

    private final ByteBuf[] packets;
    private final int[] sequenceNumbers;
    private final int mask;

    /**
     * @param capacity number of packets kept; a power of two between 16 and 32768
     */
    public RetransmissionCache(int capacity) {
        if (capacity < 16 || capacity > 32768 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two in 16-32768: " + capacity);
        }
        packets = new ByteBuf[capacity];
        sequenceNumbers = new int[capacity];
        mask = capacity - 1;
    }

    /**
     * Stores a packet, replacing whatever had the same slot.
     *
     * @param sequenceNumber its 16-bit RTP sequence number
     * @param packet the packet; the cache takes its own reference, the caller keeps theirs
     */
    public void put(int sequenceNumber, ByteBuf packet) {
        put(sequenceNumber, packet, false);
    }

    /**
     * Stores a packet, replacing whatever had the same slot, with whether its holder had asked for
     * it to be retransmitted ({@link #wasRequested}).
     *
     * @param sequenceNumber its 16-bit RTP sequence number
     * @param packet the packet; the cache takes its own reference, the caller keeps theirs
     * @param requested whether the holder asked its source for this packet before it arrived
     */
    public void put(int sequenceNumber, ByteBuf packet, boolean requested) {
        int slot = sequenceNumber & mask;
        ByteBuf old = packets[slot];
        if (old != null) {
            old.release();
        }
        packets[slot] = packet.retainedSlice();
        sequenceNumbers[slot] = (sequenceNumber & 0xFFFF) | (requested ? REQUESTED : 0);
    }

    /**
     * Finds a packet.
     *
     * @param sequenceNumber its 16-bit RTP sequence number
     * @return the cached packet (still owned by the cache: valid until the next {@link #put} or
     *     {@link #clear}), or null if it is not cached
     */
    public ByteBuf get(int sequenceNumber) {
        int slot = sequenceNumber & mask;
        ByteBuf packet = packets[slot];
        return packet != null && (sequenceNumbers[slot] & 0xFFFF) == (sequenceNumber & 0xFFFF) ? packet : null;
    }

    /**
     * Whether a packet is held and was stored as asked for ({@link #put(int, ByteBuf, boolean)}).
     * Kept with the packet, for exactly as long as it is held, whatever the capacity: a relay tells
     * a second repair of a packet it asked for from its source's probe of one it never missed.
     *
     * @param sequenceNumber its 16-bit RTP sequence number
     * @return true if the packet is cached and was asked for
     */
    public boolean wasRequested(int sequenceNumber) {
        int slot = sequenceNumber & mask;
        return packets[slot] != null && sequenceNumbers[slot] == ((sequenceNumber & 0xFFFF) | REQUESTED);
    }

    /**
     * Whether the slot of a number holds a packet numbered ahead of it (16-bit serial order): the
     * number is a multiple of the capacity older than a packet held.
     *
     * @param sequenceNumber a 16-bit RTP sequence number
     * @return true if a packet at least a cache length newer is held in its place
     */
    public boolean holdsNewer(int sequenceNumber) {
        int slot = sequenceNumber & mask;
        if (packets[slot] == null) {
            return false;
        }
        int held = sequenceNumbers[slot] & 0xFFFF;
        return SequenceNumbers.distance(sequenceNumber & 0xFFFF, held) > 0;
    }

    /** Releases every cached packet. */
    public void clear() {
        for (int i = 0; i < packets.length; i++) {
            if (packets[i] != null) {
                packets[i].release();
                packets[i] = null;
            }
        }
    }
}
