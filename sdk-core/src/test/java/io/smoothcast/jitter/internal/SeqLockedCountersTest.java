package io.smoothcast.jitter.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SeqLockedCountersTest {

    @Test
    void readAfterWrite_seesEveryValue() {
        SeqLockedCounters c = new SeqLockedCounters(3);
        long token = c.beginWrite();
        c.add(0, 5);
        c.add(0, 2);
        c.set(2, -9);
        c.endWrite(token);
        long[] into = new long[3];
        c.read(into);
        assertArrayEquals(new long[] {7, 0, -9}, into);
        assertEquals(7, c.get(0));
        assertThrows(IllegalArgumentException.class, () -> c.read(new long[2]));
        assertThrows(IllegalArgumentException.class, () -> new SeqLockedCounters(0));
    }

    @Test
    void put_storesTheWritersRunningValue() {
        SeqLockedCounters c = new SeqLockedCounters(2);
        for (long total = 1; total <= 3; total++) {
            long token = c.beginWrite();
            c.put(1, total * 10);
            c.add(0, 1);
            c.endWrite(token);
        }
        long[] into = new long[2];
        c.read(into);
        assertArrayEquals(new long[] {3, 30}, into);
    }
}
