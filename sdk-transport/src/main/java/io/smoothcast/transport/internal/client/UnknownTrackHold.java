package io.smoothcast.transport.internal.client;

import io.smoothcast.transport.internal.netty.UdpTransport;

/**
 * RTP datagrams for an SSRC the viewer does not know yet, kept for a short time so that they can
 * be fed to their track once the node's track list arrives. The list (STREAM_INFO, sent once, or
 * the answer to a renewed SUBSCRIBE) may be lost or arrive a round trip after the first media:
 * without this the stream's start up to that answer is lost for good (a receiver cannot NACK
 * packets before its first one) and the new buffer then also waits for the next keyframe.
 *
 * <p>Bounded: at most {@link #CAPACITY} datagrams (the oldest makes room for a new one) of at
 * most {@link UdpTransport#RECEIVE_BUFFER_BYTES} each, for at most {@link #HOLD_NS}. A slot's
 * array is allocated the first time the slot is used and reused after, so a viewer that never
 * sees an unknown SSRC allocates nothing, and one that does, nothing per packet after the first
 * {@link #CAPACITY}. I/O thread only.
 */
final class UnknownTrackHold {

    /**
     * Datagrams held: about 250 ms of a 5 Mbit/s stream in full-size packets, enough to cover a
     * track list that comes one or two round trips (one retry) after the media.
     */
    static final int CAPACITY = 128;
    /** How long a datagram is held: a packet older than this is past any playout delay used. */
    static final long HOLD_NS = 1_000_000_000L;

    private final byte[][] datagrams = new byte[CAPACITY][];
    private final int[] lengths = new int[CAPACITY];
    private final long[] arrivalsNs = new long[CAPACITY];
    /** Ring index of the oldest datagram held. */
    private int oldest;
    private int count;

    /**
     * Holds a copy of a datagram.
     *
     * @param datagram the datagram's bytes, from index 0
     * @param length its length, at most {@link UdpTransport#RECEIVE_BUFFER_BYTES}
     * @param nowNs its arrival time
     * @return whether the oldest datagram held was dropped to make room
     */
    boolean hold(byte[] datagram, int length, long nowNs) {
        boolean full = count == CAPACITY;
        if (full) {
            oldest = (oldest + 1) % CAPACITY;
            count--;
        }
        int i = (oldest + count) % CAPACITY;
        if (datagrams[i] == null) {
            datagrams[i] = new byte[UdpTransport.RECEIVE_BUFFER_BYTES];
        }
        System.arraycopy(datagram, 0, datagrams[i], 0, length);
        lengths[i] = length;
        arrivalsNs[i] = nowNs;
        count++;
        return full;
    }

    /**
     * Drops the datagrams held for {@link #HOLD_NS} or longer.
     *
     * @return how many were dropped
     */
    int expire(long nowNs) {
        int dropped = 0;
        while (count > 0 && nowNs - arrivalsNs[oldest] >= HOLD_NS) {
            oldest = (oldest + 1) % CAPACITY;
            count--;
            dropped++;
        }
        return dropped;
    }

    /** @return the number of datagrams held */
    int size() {
        return count;
    }

    /** @return the {@code k}-th oldest datagram held ({@code 0 <= k < size()}), from index 0 */
    byte[] datagram(int k) {
        return datagrams[(oldest + k) % CAPACITY];
    }

    /** @return the length of the {@code k}-th oldest datagram held */
    int length(int k) {
        return lengths[(oldest + k) % CAPACITY];
    }

    /** @return the arrival time of the {@code k}-th oldest datagram held */
    long arrivalNs(int k) {
        return arrivalsNs[(oldest + k) % CAPACITY];
    }

    /** Forgets every datagram held (the arrays stay for reuse). */
    void clear() {
        oldest = 0;
        count = 0;
    }
}
