package io.smoothcast.jitter.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NackTrackerTest {

    private static final long MS = 1_000_000L;

    @Test
    void hugeGap_keepsNewestEntriesOnly() {
        NackTracker t = new NackTracker(16, 3, 0, 10 * MS);
        t.addMissing(100, 199, 100, 0);
        assertEquals(16, t.size());
        assertEquals(84, t.droppedForSpace());
        int[] out = new int[32];
        int n = t.collectDue(0, 0, s -> false, out);
        assertEquals(16, n);
        assertEquals(184, out[0]);
        assertEquals(199, out[15]);
    }

    @Test
    void collect_removesArrivedAndExpired_keepsOrder() {
        NackTracker t = new NackTracker(16, 3, 0, 10 * MS);
        t.addMissing(10, 14, 65534, 0);
        int[] out = new int[8];
        int n = t.collectDue(0, 11, s -> s == 13, out);
        assertArrayEquals(new int[] {65535, 0, 2}, Arrays.copyOf(out, n), "10 expired, 13 arrived");
        assertEquals(3, t.size());
    }
}
