package io.smoothcast.srtp.internal;

import io.smoothcast.srtp.SrtpStatus;

/**
 * Sliding replay window over extended packet indices (RFC 3711 section 3.3.2): remembers which of
 * the last {@code sizePackets} indices below the highest one were seen, in a ring of bits.
 *
 * <p>{@link #check} and {@link #accept} are separate so that a receiver only records an index
 * after the packet authenticated: forged packets cannot poison the window.
 *
 * <p>Not thread-safe. Allocates only in the constructor.
 */
public final class ReplayWindow {

    private final long[] bits;
    private final int sizePackets;
    private long highest = -1;

    /**
     * @param sizePackets window length, a power of two from 64 to 32768
     * @throws IllegalArgumentException if {@code sizePackets} is not
     */
    public ReplayWindow(int sizePackets) {
        if (sizePackets < 64 || sizePackets > 32768 || Integer.bitCount(sizePackets) != 1) {
            throw new IllegalArgumentException("sizePackets must be a power of two in [64, 32768]: " + sizePackets);
        }
        this.sizePackets = sizePackets;
        this.bits = new long[sizePackets / 64];
    }

    /**
     * @param index an extended index, >= 0
     * @return 0 if the index is new, {@link SrtpStatus#REPLAYED} or {@link SrtpStatus#TOO_OLD}
     */
    public int check(long index) {
        if (index > highest) {
            return 0;
        }
        if (highest - index >= sizePackets) {
            return SrtpStatus.TOO_OLD;
        }
        return isSet(index) ? SrtpStatus.REPLAYED : 0;
    }

    /**
     * Records an index that passed {@link #check} and authenticated; slides the window forward
     * when it is the new highest.
     *
     * @param index the index
     */
    public void accept(long index) {
        if (index > highest) {
            long advance = highest < 0 ? sizePackets : index - highest;
            if (advance >= sizePackets) {
                java.util.Arrays.fill(bits, 0L);
            } else {
                for (long i = highest + 1; i < index; i++) {
                    clear(i);
                }
            }
            highest = index;
        }
        set(index);
    }

    /** @return the highest accepted index, or -1 before the first */
    public long highest() {
        return highest;
    }

    /** @return the window length in packets */
    public int sizePackets() {
        return sizePackets;
    }

    private int slot(long index) {
        return (int) (index & (sizePackets - 1));
    }

    private boolean isSet(long index) {
        int s = slot(index);
        return (bits[s >>> 6] & (1L << s)) != 0;
    }

    private void set(long index) {
        int s = slot(index);
        bits[s >>> 6] |= 1L << s;
    }

    private void clear(long index) {
        int s = slot(index);
        bits[s >>> 6] &= ~(1L << s);
    }
}
