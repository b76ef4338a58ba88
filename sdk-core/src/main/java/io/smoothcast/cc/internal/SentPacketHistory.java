package io.smoothcast.cc.internal;

/**
 * Packets sent but not yet forgotten, keyed by unwrapped transport-wide sequence number, in a
 * ring of fixed capacity (a power of two). A packet older than {@code capacity} sequence numbers
 * behind the newest is overwritten and looked up as unknown. Allocation-free after construction.
 *
 * <p>Thread-safety: not thread-safe.
 */
public final class SentPacketHistory {

    /*
     * One record of three longs per slot, side by side (24 bytes, fewer than the 25 of the five
     * parallel arrays this replaces): a relay keeps one history per subscriber and records a
     * packet in each of them in turn, so by the time a subscriber's next packet comes its lines
     * have usually left the cache. Five parallel arrays cost up to five misses per packet; one
     * record costs one or two.
     */
    private static final int STRIDE = 3;
    private static final int SEQUENCE = 0;
    private static final int SEND_TIME_NS = 1;
    /**
     * The reported flag in bit 63, the size (a positive int) in bits 32-62, the probe cluster id
     * in the lower 32 bits.
     */
    private static final int FLAGS_SIZE_AND_CLUSTER = 2;
    private static final long REPORTED = Long.MIN_VALUE;

    private final int mask;
    private final long[] records;
    private long newestSequence = Long.MIN_VALUE;

    /** @param capacity how many recent packets to remember; a power of two, &gt;= 16 and &lt;= 2^26 */
    public SentPacketHistory(int capacity) {
        if (capacity < 16 || capacity > 1 << 26 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two in [16, 2^26]: " + capacity);
        }
        mask = capacity - 1;
        records = new long[capacity * STRIDE];
        for (int slot = 0; slot < capacity; slot++) {
            records[slot * STRIDE + SEQUENCE] = -1L;
        }
    }

    /**
     * Remembers a sent packet.
     *
     * @param sequence unwrapped transport-wide sequence number, &gt;= 0
     * @param sizeBytes size on the wire, &gt; 0
     * @param sendTimeNs when it was sent
     * @param probeClusterId the probe cluster it belongs to, or -1
     */
    public void add(long sequence, int sizeBytes, long sendTimeNs, int probeClusterId) {
        int base = (int) (sequence & mask) * STRIDE;
        records[base + SEQUENCE] = sequence;
        records[base + SEND_TIME_NS] = sendTimeNs;
        records[base + FLAGS_SIZE_AND_CLUSTER] = ((long) sizeBytes << 32) | (probeClusterId & 0xFFFF_FFFFL);
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
        return records[slot * STRIDE + SEQUENCE] == sequence ? slot : -1;
    }

    /** @return the newest sequence number added, or {@link Long#MIN_VALUE} */
    public long newestSequence() {
        return newestSequence;
    }

    public long sendTimeNs(int slot) {
        return records[slot * STRIDE + SEND_TIME_NS];
    }

    public int sizeBytes(int slot) {
        return (int) ((records[slot * STRIDE + FLAGS_SIZE_AND_CLUSTER] & ~REPORTED) >>> 32);
    }

    public int probeClusterId(int slot) {
        return (int) records[slot * STRIDE + FLAGS_SIZE_AND_CLUSTER];
    }

    /** @return whether feedback about this packet was already processed */
    public boolean isReported(int slot) {
        return records[slot * STRIDE + FLAGS_SIZE_AND_CLUSTER] < 0;
    }

    public void markReported(int slot) {
        records[slot * STRIDE + FLAGS_SIZE_AND_CLUSTER] |= REPORTED;
    }
}
