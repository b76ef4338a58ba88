package io.smoothcast.jitter.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PayloadChunkPoolTest {

    private static final byte[] PAYLOAD = {1, 2, 3};

    private final SpscSlotRing ring = new SpscSlotRing(8, 16);
    private final PayloadChunkPool pool = new PayloadChunkPool(ring);

    private int writePacket(long s) {
        int chunk = pool.take();
        ring.write(s, 0, 0, 0, (int) s & 0xFFFF, 0, chunk, PAYLOAD, 0, PAYLOAD.length);
        return chunk;
    }

    @Test
    void releasedChunks_areReusedLastReleasedFirst_beforeAnyUnusedOne() {
        int c0 = writePacket(0);
        int c1 = writePacket(1);
        int c2 = writePacket(2);
        assertEquals(0, c0);
        assertEquals(1, c1);
        assertEquals(2, c2);
        pool.reclaim(2); // the consumer released slots 0 and 1
        assertEquals(c1, pool.take(), "the most recently released chunk comes first");
        assertEquals(c0, pool.take());
        assertEquals(3, pool.take(), "then a chunk never used");
    }

    @Test
    void reclaim_isWantedAfterABatch_orWhenUnusedChunksRunOut() {
        PayloadChunkPool big = new PayloadChunkPool(new SpscSlotRing(1024, 1));
        for (int i = 0; i < PayloadChunkPool.RECLAIM_BATCH - 1; i++) {
            big.take();
            assertFalse(big.wantsReclaim(), "only " + (i + 1) + " taken");
        }
        big.take();
        assertTrue(big.wantsReclaim());
        big.reclaim(0);
        assertFalse(big.wantsReclaim());

        for (int i = 0; i < ring.capacity(); i++) {
            pool.reclaim(0);
            pool.take();
        }
        assertTrue(pool.wantsReclaim(), "every chunk was taken");
    }

    @Test
    void missingPacketsAndStreamBoundaries_giveNoChunkBack() {
        writePacket(0);
        ring.writeBoundary(1, SpscSlotRing.NO_OLDER_TIMESTAMP);
        // 2 never arrived
        writePacket(3);
        pool.reclaim(4);
        assertEquals(1, pool.take());
        assertEquals(0, pool.take());
        assertEquals(2, pool.take(), "nothing else was released");
    }

    @Test
    void borrowedPayloads_takeAndGiveNoChunk() {
        byte[] callers = {9, 9, 9, 9, 7, 8};
        ring.writeBorrowed(0, 0, 0, 0, 0, 0, callers, 4, 2, callers);
        pool.reclaim(1); // nothing was ever taken: nothing to walk
        writePacket(1);
        ring.writeBorrowed(2, 0, 0, 0, 2, 0, callers, 4, 2, callers);
        assertEquals(4, ring.payloadOffset(2), "a borrowed payload keeps the caller's offset");
        assertTrue(ring.payloadArray(2) == callers, "and the caller's array");
        pool.reclaim(3);
        assertEquals(0, pool.take(), "only packet 1's chunk came back");
        assertEquals(1, pool.take(), "then a chunk never used");
    }

    @Test
    void payloadOffset_followsTheSlotsChunk() {
        pool.reclaim(0);
        writePacket(0);
        writePacket(1);
        pool.reclaim(1);
        int chunk = writePacket(2); // reuses slot 0's chunk
        assertEquals(0, chunk);
        assertEquals(0, ring.payloadOffset(2));
        assertEquals(16, ring.payloadOffset(1));
        assertEquals(PAYLOAD[0], ring.payloadArray(2)[ring.payloadOffset(2)]);
    }

    /**
     * Random arrival (holes, boundaries) and random consumer progress within the ring's rules:
     * no chunk is ever handed out twice while in use, and no more than capacity are used.
     */
    @Test
    void randomTraffic_neverSharesAChunk() {
        long seed = 0x0C4A_2026L;
        SplittableRandom random = new SplittableRandom(seed);
        int capacity = ring.capacity();
        long head = 0;
        long next = 0;
        long[] owner = new long[capacity];
        Arrays.fill(owner, -1);
        BitSet inUse = new BitSet();
        for (int step = 0; step < 100_000; step++) {
            if (random.nextInt(3) == 0 && head < next) {
                head += 1 + random.nextInt((int) (next - head));
                for (int c = 0; c < capacity; c++) {
                    if (owner[c] >= 0 && owner[c] < head) {
                        owner[c] = -1;
                        inUse.clear(c);
                    }
                }
                pool.reclaim(head);
            } else if (next - head < capacity) {
                int kind = random.nextInt(10);
                if (kind == 0) {
                    ring.writeBoundary(next, SpscSlotRing.NO_OLDER_TIMESTAMP);
                } else if (kind > 1) { // kind 1: the packet is lost
                    int chunk = pool.take();
                    assertTrue(chunk >= 0 && chunk < capacity, "seed " + seed + " step " + step);
                    assertTrue(!inUse.get(chunk), "chunk " + chunk + " handed out twice, seed " + seed + " step " + step);
                    inUse.set(chunk);
                    owner[chunk] = next;
                    ring.write(next, 0, 0, 0, 0, 0, chunk, PAYLOAD, 0, 1);
                }
                next++;
            }
        }
    }

    @Test
    void takingMoreThanCapacity_isAnInternalError() {
        for (int i = 0; i < ring.capacity(); i++) {
            pool.take();
        }
        assertThrows(IllegalStateException.class, pool::take);
    }
}
