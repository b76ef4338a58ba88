package io.smoothcast.transport.internal.rtx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetransmissionCacheTest {

    private final RetransmissionCache cache = new RetransmissionCache(16);
    private final List<ByteBuf> made = new ArrayList<>();

    @AfterEach
    void release() {
        cache.clear();
        made.forEach(ByteBuf::release);
    }

    private ByteBuf packet(int value) {
        ByteBuf packet = Unpooled.buffer(4).writeInt(value);
        made.add(packet);
        return packet;
    }

    /** The mark stays with the packet for as long as it is held, and goes with it. */
    @Test
    void requestedMark_isKeptWithThePacket_untilItsSlotIsReused() {
        ByteBuf asked = packet(5);
        cache.put(5, asked, true);
        cache.put(6, packet(6), false);
        assertEquals(5, cache.get(5).getInt(0));
        assertTrue(cache.wasRequested(5));
        assertFalse(cache.wasRequested(6), "arrived without being asked for");
        assertFalse(cache.wasRequested(5 + 16), "another number of the slot is not held");
        assertNull(cache.get(5 + 16));
        assertFalse(cache.wasRequested(7), "not held");

        cache.put(5 + 16, packet(21));
        assertFalse(cache.wasRequested(5), "replaced");
        assertFalse(cache.wasRequested(5 + 16), "put without the mark");
        assertNull(cache.get(5));
        assertEquals(21, cache.get(21).getInt(0));
        assertEquals(1, asked.refCnt(), "the cache's reference to the replaced packet released");

        cache.clear();
        cache.put(0xFFFF, packet(7), true);
        assertTrue(cache.wasRequested(0xFFFF), "the mark does not disturb the 16-bit number");
        assertEquals(7, cache.get(0xFFFF).getInt(0));
        cache.clear();
        assertFalse(cache.wasRequested(0xFFFF), "cleared");
    }

    /**
     * A packet a cache length late would replace the newer packet of its slot: it is not stored,
     * and the newest number stays.
     */
    @Test
    void aPacketACacheLengthBehindTheNewest_isNotStored_andTheNewestStays() {
        for (int seq = 100; seq <= 140; seq++) {
            assertTrue(cache.put(seq, packet(seq)));
        }
        ByteBuf late = packet(124);
        assertFalse(cache.put(124, late, true), "16 behind 140: 140 holds its slot");
        assertEquals(140, cache.get(140).getInt(0), "the newer packet is still there");
        assertEquals(1, late.refCnt(), "not retained");
        assertEquals(140, cache.newestSequence());
        assertTrue(cache.put(125, packet(-125)), "15 behind: within the window");
        assertEquals(-125, cache.get(125).getInt(0));
        assertEquals(140, cache.newestSequence(), "the newest never moves back");
        assertNull(cache.get(141), "ahead of the newest: not held");
    }

    @Test
    void isBehindNewest_countsFromTheNewestNumber_acrossTheWrap() {
        assertTrue(cache.isEmpty());
        assertFalse(cache.isBehindNewest(3, 16), "empty");
        cache.put(5, packet(5));
        assertFalse(cache.isEmpty());
        assertTrue(cache.isBehindNewest(0xFFF5, 16), "16 behind 5, across the wrap");
        assertFalse(cache.isBehindNewest(0xFFF6, 16), "15 behind");
        assertFalse(cache.isBehindNewest(6, 1), "ahead");
        assertTrue(cache.isBehindNewest(5 + 32768, 32768), "half the space away counts as behind");
        cache.clear();
        assertFalse(cache.isBehindNewest(0xFFF5, 16), "cleared");
    }

    /**
     * At the largest capacity a slot's next number is the same 16-bit number as the one it held
     * before (65536 apart): with one packet of the slot lost, the packet a lap older is still
     * there under the number asked for. It is not that packet.
     */
    @Test
    void atTheLargestCapacity_aPacketALapOld_isNotTakenForTheOneOfItsNumberNow() {
        RetransmissionCache largest = new RetransmissionCache(32768);
        try {
            ByteBuf lapOld = packet(-1);
            largest.put(5, lapOld);
            ByteBuf other = packet(0);
            for (int seq = 6; seq < 5 + 65536; seq++) {
                if (seq != 5 + 32768) { // lost: the slot keeps 5
                    largest.put(seq & 0xFFFF, other);
                }
            }
            assertEquals(4, largest.newestSequence());
            assertNull(largest.get(5), "5 of this lap has not arrived; the one a lap old is not it");
            assertFalse(largest.wasRequested(5));
            assertEquals(0, largest.get(4).getInt(0));
            largest.put(5, packet(5));
            assertEquals(5, largest.get(5).getInt(0));
            assertEquals(1, lapOld.refCnt(), "the lap-old packet released when its slot was reused");
        } finally {
            largest.clear();
        }
    }

    /**
     * Keeping a run (a restarted source's first packets, behind the newest): the run's packets
     * stay, every other is released, the run's last becomes the newest, and a number a lap
     * before a kept one is not taken for it.
     */
    @Test
    void retainOnly_keepsTheRun_releasesTheRest_andMovesTheNewestBack() {
        for (int seq = 0xFFF8; seq <= 0xFFFF + 8; seq++) { // across the wrap: 0xFFF8..0x0008
            cache.put(seq & 0xFFFF, packet(seq));
        }
        ByteBuf dropped = made.get(made.size() - 1);
        cache.retainOnly(0xFFFE, 4); // 0xFFFE, 0xFFFF, 0, 1
        assertEquals(1, cache.newestSequence());
        for (int seq : new int[] {0xFFFE, 0xFFFF, 0, 1}) {
            assertEquals(seq == 0 || seq == 1 ? 0x10000 + seq : seq, cache.get(seq).getInt(0));
        }
        assertNull(cache.get(0xFFFD), "before the run: released");
        assertNull(cache.get(2), "after the run: released");
        assertEquals(1, dropped.refCnt(), "the cache's reference to a released packet dropped");
        assertFalse(cache.isBehindNewest(3, 1), "3 is ahead of the newest now");
        cache.put(2, packet(2));
        assertEquals(2, cache.newestSequence());
        assertEquals(0xFFFE, cache.get(0xFFFE).getInt(0), "the run still held");
    }
}
