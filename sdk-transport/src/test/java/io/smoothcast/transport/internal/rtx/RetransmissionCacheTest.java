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

        cache.put(0xFFFF, packet(7), true);
        assertTrue(cache.wasRequested(0xFFFF), "the mark does not disturb the 16-bit number");
        assertEquals(7, cache.get(0xFFFF).getInt(0));
        cache.clear();
        assertFalse(cache.wasRequested(0xFFFF), "cleared");
    }

    @Test
    void holdsNewer_whenTheSlotHoldsANumberAheadInSerialOrder() {
        assertFalse(cache.holdsNewer(3), "empty");
        cache.put(19, packet(19));
        assertTrue(cache.holdsNewer(3), "19 is ahead of 3");
        assertFalse(cache.holdsNewer(19), "the number itself");
        assertFalse(cache.holdsNewer(35), "19 is behind 35");
        cache.put(1, packet(1), true);
        assertTrue(cache.holdsNewer(0xFFF1), "1 is ahead of 65521, across the wrap");
    }
}
