package io.smoothcast.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IntervalCounterTest {

    private static final long SECOND_NS = 1_000_000_000L;

    @Test
    void firstUpdate_onlySetsBaseline() {
        IntervalCounter c = new IntervalCounter();
        assertFalse(c.update(500, 7 * SECOND_NS));
        assertEquals(0, c.delta());
        assertTrue(Double.isNaN(c.perSecond()));
    }

    @Test
    void secondUpdate_givesDeltaAndRatePerSecond() {
        IntervalCounter c = new IntervalCounter();
        c.update(1_000, 0);
        assertTrue(c.update(6_000, 2 * SECOND_NS));
        assertEquals(5_000, c.delta());
        assertEquals(2 * SECOND_NS, c.intervalNs());
        assertEquals(2_500.0, c.perSecond(), 1e-9);
    }

    @Test
    void counterGoingBackwards_addsNothingAndRebases() {
        IntervalCounter c = new IntervalCounter();
        c.update(1_000, 0);
        assertTrue(c.update(10, SECOND_NS));
        assertEquals(0, c.delta());
        assertEquals(0.0, c.perSecond());
        assertTrue(c.update(110, 2 * SECOND_NS));
        assertEquals(100, c.delta());
    }

    @Test
    void timeNotMoving_isIgnoredAndKeepsBaseline() {
        IntervalCounter c = new IntervalCounter();
        c.update(0, SECOND_NS);
        assertFalse(c.update(50, SECOND_NS));
        assertTrue(c.update(100, 2 * SECOND_NS));
        assertEquals(100, c.delta());
    }

    @Test
    void timeGoingBackwards_restartsBaseline() {
        IntervalCounter c = new IntervalCounter();
        c.update(0, 5 * SECOND_NS);
        assertFalse(c.update(100, 4 * SECOND_NS));
        assertTrue(c.update(300, 5 * SECOND_NS));
        assertEquals(200, c.delta());
    }

    @Test
    void acrossClockWrap_intervalIsPositive() {
        IntervalCounter c = new IntervalCounter();
        // MAX_VALUE + 1 wraps to MIN_VALUE, so these two instants are exactly one second apart.
        c.update(0, Long.MAX_VALUE - (SECOND_NS / 2 - 1));
        assertTrue(c.update(1_000, Long.MIN_VALUE + SECOND_NS / 2));
        assertEquals(SECOND_NS, c.intervalNs());
        assertEquals(1_000.0, c.perSecond(), 1e-9);
    }

    @Test
    void negativeCounter_isRejectedWithItsName() {
        IntervalCounter c = new IntervalCounter();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.update(-1, 0));
        assertTrue(e.getMessage().contains("cumulative"));
    }
}
