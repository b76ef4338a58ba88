package io.smoothcast.cc.internal;

/**
 * Packets sent but not yet forgotten, keyed by unwrapped transport-wide sequence number, in a
 * ring of fixed capacity (a power of two). A packet older than {@code capacity} sequence numbers
 * behind the newest is overwritten and looked up as unknown. Allocation-free after construction.
 *
 * <p>Thread-safety: not thread-safe.
 */
public final class SentPacketHistory {

    private final int mask;
    private final long[] sequences;
    private final long[] sendTimesNs;
    private final int[] sizes;
    private final int[] probeClusterIds;
    private final boolean[] reported;
    private long newestSequence = Long.MIN_VALUE;

    /** @param capacity how many recent packets to remember; a power of two, &gt;= 16 */
    public SentPacketHistory(int capacity) {
        if (capacity < 16 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 16: " + capacity);
        }
        mask = capacity - 1;
        sequences = new long[capacity];
        sendTimesNs = new long[capacity];
        sizes = new int[capacity];
        probeClusterIds = new int[capacity];
        reported = new boolean[capacity];
        java.util.Arrays.fill(sequences, -1L);
    }

    /**
     * Remembers a sent packet.
     *
     * @param sequence unwrapped transport-wide sequence number, &gt;= 0
     * @param sizeBytes size on the wire
     * @param sendTimeNs when it was sent
     * @param probeClusterId the probe cluster it belongs to, or -1
     */
    public void add(long sequence, int sizeBytes, long sendTimeNs, int probeClusterId) {
        int slot = (int) (sequence & mask);
        sequences[slot] = sequence;
        sendTimesNs[slot] = sendTimeNs;
        sizes[slot] = sizeBytes;
        probeClusterIds[slot] = probeClusterId;
        reported[slot] = false;
        if (sequence > newestSequence) {
            newestSequence = sequence;
        }
    }

    /**
     * @param sequence a sequence number
     * @return the slot holding it, or -1 if it is unknown or forgotten
     */
    public int find(long sequence) {
        if (sequence < 0) {
            return -1;
        }
        int slot = (int) (sequence & mask);
        return sequences[slot] == sequence ? slot : -1;
    }

    /** @return the newest sequence number added, or {@link Long#MIN_VALUE} */
    public long newestSequence() {
        return newestSequence;
    }

    public long sendTimeNs(int slot) {
        return sendTimesNs[slot];
    }

    public int sizeBytes(int slot) {
        return sizes[slot];
    }

    public int probeClusterId(int slot) {
        return probeClusterIds[slot];
    }

    /** @return whether feedback about this packet was already processed */
    public boolean isReported(int slot) {
        return reported[slot];
    }

    public void markReported(int slot) {
        reported[slot] = true;
    }
}
