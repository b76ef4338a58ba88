package io.smoothcast.cc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SentPacketHistoryTest {

    @Test
    void remembersEachFieldOfARecord_andTheReportedMarkLeavesTheOthersAlone() {
        SentPacketHistory history = new SentPacketHistory(16);
        history.add(5, 1_200, 7_000_000_000L, -1);
        history.add(6, Integer.MAX_VALUE, -3L, Integer.MAX_VALUE);
        history.add(7, 1, Long.MAX_VALUE, Integer.MIN_VALUE);

        int five = history.find(5);
        int six = history.find(6);
        int seven = history.find(7);
        assertEquals(1_200, history.sizeBytes(five));
        assertEquals(7_000_000_000L, history.sendTimeNs(five));
        assertEquals(-1, history.probeClusterId(five));
        assertEquals(Integer.MAX_VALUE, history.sizeBytes(six));
        assertEquals(-3L, history.sendTimeNs(six));
        assertEquals(Integer.MAX_VALUE, history.probeClusterId(six));
        assertEquals(1, history.sizeBytes(seven));
        assertEquals(Long.MAX_VALUE, history.sendTimeNs(seven));
        assertEquals(Integer.MIN_VALUE, history.probeClusterId(seven));

        assertFalse(history.isReported(six));
        history.markReported(six);
        assertTrue(history.isReported(six));
        assertEquals(Integer.MAX_VALUE, history.sizeBytes(six));
        assertEquals(Integer.MAX_VALUE, history.probeClusterId(six));
        assertFalse(history.isReported(five));
        assertFalse(history.isReported(seven));
        assertEquals(7, history.newestSequence());
    }

    @Test
    void aSlotReusedByANewerPacketForgetsTheOlderOne_andIsNoLongerReported() {
        SentPacketHistory history = new SentPacketHistory(16);
        history.add(3, 100, 10, 2);
        history.markReported(history.find(3));
        history.add(19, 200, 20, -1); // same slot, 16 later

        assertEquals(-1, history.find(3));
        int slot = history.find(19);
        assertFalse(history.isReported(slot));
        assertEquals(200, history.sizeBytes(slot));
        assertEquals(-1, history.find(35));
        assertEquals(-1, history.find(-1));
    }

    @Test
    void unknownBeforeAnyPacket_andCapacityMustBeAPowerOfTwoInRange() {
        assertEquals(-1, new SentPacketHistory(16).find(0));
        assertEquals(Long.MIN_VALUE, new SentPacketHistory(16).newestSequence());
        assertThrows(IllegalArgumentException.class, () -> new SentPacketHistory(8));
        assertThrows(IllegalArgumentException.class, () -> new SentPacketHistory(24));
        assertThrows(IllegalArgumentException.class, () -> new SentPacketHistory(1 << 27));
    }
}
