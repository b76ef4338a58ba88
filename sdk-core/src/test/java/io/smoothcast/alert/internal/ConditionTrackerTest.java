package io.smoothcast.alert.internal;

import static io.smoothcast.alert.internal.ConditionTracker.CLEARED;
import static io.smoothcast.alert.internal.ConditionTracker.OUT_OF_ORDER;
import static io.smoothcast.alert.internal.ConditionTracker.RAISED;
import static io.smoothcast.alert.internal.ConditionTracker.UNCHANGED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConditionTrackerTest {

    private static final long S = 2_000_000_000L;

    @Test
    void kOfN_raisesOnTheKthBreachWithinTheLastN() {
        ConditionTracker t = new ConditionTracker(3, 5, 5, Long.MAX_VALUE);
        assertEquals(UNCHANGED, t.add(true, false, 0));
        assertEquals(UNCHANGED, t.add(false, true, S));
        assertEquals(UNCHANGED, t.add(true, false, 2 * S));
        assertEquals(UNCHANGED, t.add(false, true, 3 * S));
        assertEquals(RAISED, t.add(true, false, 4 * S));
        assertTrue(t.isRaised());
    }

    @Test
    void kOfN_breachesOlderThanNSamplesDoNotCount() {
        ConditionTracker t = new ConditionTracker(3, 5, 5, Long.MAX_VALUE);
        t.add(true, false, 0);
        t.add(true, false, S);
        for (int i = 2; i < 5; i++) {
            t.add(false, true, i * S);
        }
        // the last five are now [b, g, g, g, b]: the breach at 0 has slid out, so only 2 count
        assertEquals(UNCHANGED, t.add(true, false, 5 * S));
        assertEquals(UNCHANGED, t.add(true, false, 6 * S));
        assertEquals(RAISED, t.add(true, false, 7 * S));
    }

    @Test
    void timeWindow_dropsSamplesTooOld() {
        ConditionTracker t = new ConditionTracker(2, 5, 5, 3 * S);
        t.add(true, false, 0);
        assertEquals(UNCHANGED, t.add(true, false, 3 * S), "the first breach is 3 s old: outside the window");
        assertEquals(RAISED, t.add(true, false, 4 * S));
    }

    @Test
    void clear_needsClearCountGoodSamplesInARow() {
        ConditionTracker t = new ConditionTracker(1, 1, 3, Long.MAX_VALUE);
        assertEquals(RAISED, t.add(true, false, 0));
        assertEquals(UNCHANGED, t.add(false, true, S));
        assertEquals(UNCHANGED, t.add(false, true, 2 * S));
        assertEquals(UNCHANGED, t.add(false, false, 3 * S), "between the thresholds: not good enough to clear");
        assertEquals(UNCHANGED, t.add(false, true, 4 * S));
        assertEquals(UNCHANGED, t.add(false, true, 5 * S));
        assertEquals(CLEARED, t.add(false, true, 6 * S));
    }

    @Test
    void afterClear_oldBreachesAreForgotten() {
        ConditionTracker t = new ConditionTracker(1, 5, 1, Long.MAX_VALUE);
        assertEquals(RAISED, t.add(true, false, 0));
        assertEquals(CLEARED, t.add(false, true, S));
        assertEquals(UNCHANGED, t.add(false, true, 2 * S), "the breach 2 samples ago must not raise again");
    }

    @Test
    void olderSample_isIgnored() {
        ConditionTracker t = new ConditionTracker(1, 1, 1, Long.MAX_VALUE);
        t.add(false, true, 10);
        assertEquals(OUT_OF_ORDER, t.add(true, false, 9));
        assertEquals(UNCHANGED, t.add(false, true, 10), "same instant is accepted");
    }

    @Test
    void fullWidthWindow_of64Works() {
        ConditionTracker t = new ConditionTracker(64, 64, 64, Long.MAX_VALUE);
        for (int i = 0; i < 63; i++) {
            assertEquals(UNCHANGED, t.add(true, false, i));
        }
        assertEquals(RAISED, t.add(true, false, 63));
        for (int i = 64; i < 127; i++) {
            assertEquals(UNCHANGED, t.add(false, true, i));
        }
        assertEquals(CLEARED, t.add(false, true, 127));
    }

    @Test
    void invalidWindow_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ConditionTracker(4, 3, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ConditionTracker(1, 65, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ConditionTracker(1, 1, 1, 0));
    }
}
