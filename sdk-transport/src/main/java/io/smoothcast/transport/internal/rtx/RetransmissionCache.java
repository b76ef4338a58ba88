package io.smoothcast.transport.internal.rtx;

import io.netty.buffer.ByteBuf;
import io.smoothcast.rtp.SequenceNumbers;

/**
 * The last {@code capacity} RTP packets of one track, indexed by sequence number, kept so NACKs
 * can be answered without going back to the publisher. Holds its own reference to each buffer
 * (a retained slice) and releases it when the slot is reused or the cache is cleared.
 *
 * <p>The cache holds a window: the newest number put and the {@code capacity - 1} before it. A
 * packet older than that is not stored (it would replace a newer packet in its slot) and the
 * newest number never moves back, however late a packet comes. Each slot keeps its packet's
 * number extended past the 16-bit wrap (counted from the first packet), so a packet left in
 * its slot from a lap of numbers before (every later packet of that slot lost) is never taken
 * for the packet of the same 16-bit number now: with a 32768-packet cache that is the very next
 * packet of the slot, one lost packet would do.
 *
 * <p>Not thread-safe: used only by one I/O thread (the relay's, or a broadcaster's).
 */
public final class RetransmissionCache {

    /** Set in a slot's {@link #entries} value (bit 0): see {@link #wasRequested}. */
    private static final int REQUESTED = 1;

    private final ByteBuf[] packets;
    /**
     * By slot: the held packet's extended number (the low 31 bits, shifted left by one) and
     * {@link #REQUESTED}. 31 bits wrap after 2^31 packets (8 days at 3000 packets per second);
     * a slot is reused every {@code capacity} numbers.
     */
    private final int[] entries;
    private final int mask;
    private final int capacity;
    /** The newest number put, extended past the wrap; valid unless {@link #empty}. */
    private long newestExtended;
    private boolean empty = true;

    /**
     * @param capacity number of packets kept; a power of two between 16 and 32768
     */
    public RetransmissionCache(int capacity) {
        if (capacity < 16 || capacity > 32768 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two in 16-32768: " + capacity);
        }
        packets = new ByteBuf[capacity];
        entries = new int[capacity];
        mask = capacity - 1;
        this.capacity = capacity;
    }

    /**
     * Stores a packet, replacing whatever had the same slot.
     *
     * @param sequenceNumber its 16-bit RTP sequence number
     * @param packet the packet; the cache takes its own reference, the caller keeps theirs
     * @return whether it was stored: false if it is a cache length or more behind the newest
     */
    public boolean put(int sequenceNumber, ByteBuf packet) {
        return put(sequenceNumber, packet, false);
    }

    /**
     * Stores a packet, replacing whatever had the same slot, with whether its holder had asked for
     * it to be retransmitted ({@link #wasRequested}). A packet ahead of the newest becomes the
     * newest; one a cache length or more behind it is not stored (its slot holds a newer one,
     * or is due to).
     *
     * @param sequenceNumber its 16-bit RTP sequence number
     * @param packet the packet; the cache takes its own reference, the caller keeps theirs
     * @param requested whether the holder asked its source for this packet before it arrived
     * @return whether it was stored
     */
    public boolean put(int sequenceNumber, ByteBuf packet, boolean requested) {
        long extended;
        if (empty) {
            extended = sequenceNumber & 0xFFFF;
            newestExtended = extended;
            empty = false;
        } else {
            int ahead = aheadOfNewest(sequenceNumber);
            if (ahead <= -capacity) {
                return false;
            }
            extended = newestExtended + ahead;
            if (ahead > 0) {
                newestExtended = extended;
            }
        }
        int slot = sequenceNumber & mask;
        ByteBuf old = packets[slot];
        if (old != null) {
            old.release();
        }
        packets[slot] = packet.retainedSlice();
        entries[slot] = entry(extended) | (requested ? REQUESTED : 0);
        return true;
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
        return holds(sequenceNumber, slot) ? packets[slot] : null;
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
        return holds(sequenceNumber, slot) && (entries[slot] & REQUESTED) != 0;
    }

    /** Whether the slot holds the packet of this number within the window. */
    private boolean holds(int sequenceNumber, int slot) {
        if (empty || packets[slot] == null) {
            return false;
        }
        int ahead = aheadOfNewest(sequenceNumber);
        return ahead <= 0 && ahead > -capacity
                && (entries[slot] & ~REQUESTED) == entry(newestExtended + ahead);
    }

    /**
     * Whether a number lies at least this many numbers behind the newest packet put (16-bit
     * serial order: a number exactly half the number space away counts as behind).
     *
     * @param sequenceNumber a 16-bit RTP sequence number
     * @param packets how far behind, at most 32768
     * @return true if the cache holds a packet and the number is that far behind its newest
     */
    public boolean isBehindNewest(int sequenceNumber, int packets) {
        return !empty && aheadOfNewest(sequenceNumber) <= -packets;
    }

    /**
     * A number extended past the 16-bit wrap as this cache counts its packets: the one within half
     * the number space of the newest (exactly half way counts as behind). The same for one packet
     * for as long as it is less than half the space behind the newest, different for numbers a
     * lap apart; counted again from the first packet put after {@link #clear}.
     *
     * @param sequenceNumber a 16-bit RTP sequence number
     * @return its extended number; valid unless {@link #isEmpty}
     */
    public long extendedNumber(int sequenceNumber) {
        return newestExtended + aheadOfNewest(sequenceNumber);
    }

    /** Whether no packet has been put since the cache was made or cleared. */
    public boolean isEmpty() {
        return empty;
    }

    /**
     * @return the 16-bit number of the newest packet put (none older ever replaced it); valid
     *     unless {@link #isEmpty}
     */
    public int newestSequence() {
        return (int) newestExtended & 0xFFFF;
    }

    /** @return the number of packets kept */
    public int capacity() {
        return capacity;
    }

    /** Releases every cached packet and forgets the newest number. */
    public void clear() {
        for (int i = 0; i < packets.length; i++) {
            if (packets[i] != null) {
                packets[i].release();
                packets[i] = null;
            }
        }
        empty = true;
    }

    /**
     * Keeps only a run of consecutive numbers still held, releasing every other packet; the last
     * of the run becomes the newest number (the newest moves back: the packets after it were of
     * another numbering, a source that restarted behind its newest). Numbers in the run that are
     * not held stay not held. Looks at every slot: for a source restart, not per packet.
     *
     * @param fromSequence the 16-bit number of the run's first packet, within the window
     * @param count how many numbers the run holds, 1 to {@link #capacity}, none ahead of the newest
     */
    public void retainOnly(int fromSequence, int count) {
        if (empty) {
            return;
        }
        long fromExtended = extendedNumber(fromSequence);
        for (int slot = 0; slot < packets.length; slot++) {
            if (packets[slot] == null) {
                continue;
            }
            int offset = (slot - fromSequence) & mask;
            if (offset >= count || (entries[slot] & ~REQUESTED) != entry(fromExtended + offset)) {
                packets[slot].release();
                packets[slot] = null;
            }
        }
        newestExtended = fromExtended + count - 1;
    }

    /** Signed 16-bit distance from the newest number to this one, in [-32768, 32767]. */
    private int aheadOfNewest(int sequenceNumber) {
        return SequenceNumbers.distance((int) newestExtended, sequenceNumber);
    }

    private static int entry(long extended) {
        return (int) (extended << 1);
    }
}
