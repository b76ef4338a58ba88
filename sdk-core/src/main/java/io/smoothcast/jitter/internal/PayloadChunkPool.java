package io.smoothcast.jitter.internal;

/**
 * The producer's pool of payload chunks of a {@link SpscSlotRing}: which of the ring's
 * {@code capacity} chunks are free.
 *
 * <p>Why: indexing payload memory by slot would make the producer write each packet
 * {@code capacity x maxPayloadBytes} bytes (1.5 MB by default) after the previous use of the same
 * memory, which no longer is in the core's cache, so every payload copy missed it. Here the
 * chunks of released slots are reused last-released first, so the memory touched is about the
 * packets in flight; chunks never needed are never touched.
 *
 * <p>Protocol. Chunks come back only through {@link #reclaim}, which the producer calls with a
 * consumer head it has just read (acquire): every slot below it is released, and the producer is
 * the only writer of slot metadata, so reading a released slot's chunk number is safe. The
 * producer writes a slot only below {@code head + capacity} for a head it has reclaimed up to, so
 * every written slot not yet reclaimed lies in {@code [reclaimedBelow, reclaimedBelow + capacity)}
 * and at most {@code capacity} chunks are ever in use.
 *
 * <p>The producer asks for released chunks ({@link #wantsReclaim()}) only once it has taken
 * {@link #RECLAIM_BATCH} chunks since the last time, or has no unused chunk left: the consumer's
 * head lives on the consumer's cache line, and reading it for every packet would move that line
 * between the two cores. The memory in use is then about the packets in flight plus one batch.
 *
 * <p>Thread-safety: producer thread only.
 */
public final class PayloadChunkPool {

    /** Chunks taken between two reclaims at least, unless unused chunks run out. */
    public static final int RECLAIM_BATCH = 32;

    private final SpscSlotRing ring;
    /** Free chunks; the top is the most recently released. */
    private final int[] free;
    private int freeCount;
    /** Chunks with a higher number have never been used. */
    private int nextUnused;
    /** Every slot below this number has had its chunk reclaimed. */
    private long reclaimedBelow;
    private int takenSinceReclaim;

    /** @param ring the ring whose chunks this pool hands out */
    public PayloadChunkPool(SpscSlotRing ring) {
        this.ring = ring;
        this.free = new int[ring.capacity()];
    }

    /**
     * @return whether the producer should read the consumer's head and call {@link #reclaim}
     *     before taking the next chunk: no released chunk is left, and either a batch was taken
     *     since the last reclaim or no unused chunk is left
     */
    public boolean wantsReclaim() {
        return freeCount == 0 && (takenSinceReclaim >= RECLAIM_BATCH || nextUnused == free.length);
    }

    /**
     * Takes back the chunks of the slots in {@code [reclaimedBelow, head)}.
     *
     * @param head a consumer head just read from the ring; every slot below it is released
     */
    public void reclaim(long head) {
        takenSinceReclaim = 0;
        long from = reclaimedBelow;
        if (head <= from) {
            return;
        }
        if (nextUnused == 0) {
            // No chunk was ever taken (every payload so far was borrowed): nothing to walk.
            reclaimedBelow = head;
            return;
        }
        // Written slots not yet reclaimed all lie in the first `capacity` numbers (class comment).
        long to = Math.min(head, from + free.length);
        for (long s = from; s < to; s++) {
            int chunk = ring.producerChunk(s);
            if (chunk >= 0) {
                free[freeCount++] = chunk;
            }
        }
        reclaimedBelow = head;
    }

    /**
     * @return a chunk for the next packet: the most recently released one, otherwise one never
     *     used
     * @throws IllegalStateException if every chunk is in use, which the ring's protocol rules out
     */
    public int take() {
        takenSinceReclaim++;
        if (freeCount > 0) {
            return free[--freeCount];
        }
        if (nextUnused == free.length) {
            throw new IllegalStateException("every payload chunk is in use");
        }
        return nextUnused++;
    }
}
