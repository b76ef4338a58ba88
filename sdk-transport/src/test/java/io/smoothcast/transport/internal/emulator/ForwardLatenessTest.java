package io.smoothcast.transport.internal.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ForwardLatenessTest {

    private static final long US = TimeUnit.MICROSECONDS.toNanos(1);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void nothingRecorded_allZero() {
        ForwardLateness l = new ForwardLateness();
        assertEquals(0, l.count());
        assertEquals(0, l.meanNs());
        assertEquals(0, l.maxNs());
        assertEquals(0, l.quantileBoundNs(0.99));
    }

    @Test
    void buckets_arePowersOfTwoMicroseconds() {
        assertEquals(0, ForwardLateness.bucketOf(999));
        assertEquals(1, ForwardLateness.bucketOf(US));
        assertEquals(2, ForwardLateness.bucketOf(2 * US));
        assertEquals(2, ForwardLateness.bucketOf(3 * US));
        assertEquals(3, ForwardLateness.bucketOf(4 * US));
        assertEquals(ForwardLateness.BUCKETS - 1, ForwardLateness.bucketOf(Long.MAX_VALUE));
    }

    @Test
    void quantileBound_isTheUpperEdgeOfItsBucket_cappedByTheMax() {
        ForwardLateness l = new ForwardLateness();
        for (int i = 0; i < 990; i++) {
            l.record(50 * US); // bucket [32, 64) us
        }
        for (int i = 0; i < 10; i++) {
            l.record(300 * MS);
        }
        assertEquals(64 * US, l.quantileBoundNs(0.99)); // the 990th of 1000 is still 50 us
        assertEquals(300 * MS, l.quantileBoundNs(0.995)); // 2^19 us edge, capped at the max
        assertEquals(300 * MS, l.maxNs());
        assertEquals(10, l.lateCount());
        assertEquals((990 * 50 * US + 10 * 300 * MS) / 1000, l.meanNs());
    }

    @Test
    void lateness_atTheThreshold_isNotLate_andNegativeCountsAsZero() {
        ForwardLateness l = new ForwardLateness();
        l.record(ForwardLateness.LATE_THRESHOLD_NS);
        l.record(-5 * MS);
        assertEquals(0, l.lateCount());
        assertEquals(2, l.count());
        assertEquals(ForwardLateness.LATE_THRESHOLD_NS, l.maxNs());
    }
}
