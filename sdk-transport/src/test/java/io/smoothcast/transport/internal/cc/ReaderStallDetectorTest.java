package io.smoothcast.transport.internal.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link ReaderStallDetector} in virtual time. */
class ReaderStallDetectorTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final ReaderStallDetector detector = new ReaderStallDetector();
    private long nowNs = -TimeUnit.SECONDS.toNanos(30); // System.nanoTime may be negative

    @Test
    void lateEventsUpToTheGap_areNoStall_andReadsStayTimed() {
        SplittableRandom random = new SplittableRandom(0x5EAD);
        for (int i = 0; i < 10_000; i++) {
            nowNs += 1 + random.nextLong(ReaderStallDetector.STALL_GAP_NS);
            assertFalse(detector.onEvent(nowNs), "seed 0x5EAD, event " + i);
            assertFalse(detector.readTimeIsUntimed(nowNs), "seed 0x5EAD, event " + i);
        }
        assertEquals(0, detector.stalls());
    }

    @Test
    void aStall_makesReadsUntimedForOneStallLength() {
        detector.onEvent(nowNs);
        nowNs += 208 * MS;
        assertTrue(detector.onEvent(nowNs), "208 ms without a tick or a read is a stall");
        assertEquals(208 * MS, detector.lastGapNs());
        assertTrue(detector.readTimeIsUntimed(nowNs), "the backlog's first read");
        for (int ms = 1; ms < 208; ms++) {
            nowNs += MS;
            assertFalse(detector.onEvent(nowNs));
            assertTrue(detector.readTimeIsUntimed(nowNs), ms + " ms after the stall");
        }
        nowNs += MS;
        detector.onEvent(nowNs);
        assertFalse(detector.readTimeIsUntimed(nowNs), "one stall length after it");
        assertEquals(1, detector.stalls());
    }

    @Test
    void aLongPause_hidesReadTimesForAtMostTheBound() {
        detector.onEvent(nowNs);
        nowNs += TimeUnit.SECONDS.toNanos(3);
        assertTrue(detector.onEvent(nowNs));
        long untilNs = nowNs + ReaderStallDetector.MAX_UNTIMED_NS;
        while (untilNs - nowNs > 10 * MS) {
            nowNs += 10 * MS; // ticks on time again
            assertFalse(detector.onEvent(nowNs));
            assertTrue(detector.readTimeIsUntimed(nowNs));
        }
        nowNs = untilNs;
        detector.onEvent(nowNs);
        assertFalse(detector.readTimeIsUntimed(nowNs), "500 ms after a 3 s pause");
        assertEquals(1, detector.stalls());
    }

    @Test
    void anOlderReadTime_doesNotCountAsAGap() {
        detector.onEvent(nowNs);
        detector.onEvent(nowNs - 100 * MS); // a stamp taken before the last event's
        nowNs += 30 * MS;
        assertFalse(detector.onEvent(nowNs), "30 ms after the newest event");
    }
}
