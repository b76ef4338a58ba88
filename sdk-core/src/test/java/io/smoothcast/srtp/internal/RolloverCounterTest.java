package io.smoothcast.srtp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** RFC 3711 section 3.3.1 index estimation. */
class RolloverCounterTest {

    @Test
    void inOrderWithinOneRollover() {
        assertEquals(101, RolloverCounter.estimateIndex(100, 0, 101));
        assertEquals((3L << 16) | 90, RolloverCounter.estimateIndex(100, 3, 90));
    }

    @Test
    void wrapForward_nextRollover() {
        assertEquals((1L << 16) | 2, RolloverCounter.estimateIndex(65530, 0, 2));
        assertEquals((8L << 16) | 10, RolloverCounter.estimateIndex(40000, 7, 10));
    }

    @Test
    void lateFromBeforeTheWrap_previousRollover() {
        assertEquals((4L << 16) | 65534, RolloverCounter.estimateIndex(3, 5, 65534));
    }

    @Test
    void beforeTheFirstRollover_isImpossible() {
        assertEquals(-1, RolloverCounter.estimateIndex(3, 0, 65534));
    }

    @Test
    void halfwayBoundaries() {
        // s_l < 2^15: SEQ - s_l > 2^15 means the previous rollover; exactly 2^15 stays.
        assertEquals((5L << 16) | 32768, RolloverCounter.estimateIndex(0, 5, 32768));
        assertEquals((4L << 16) | 32769, RolloverCounter.estimateIndex(0, 5, 32769));
        // s_l >= 2^15: s_l - 2^15 > SEQ means the next rollover.
        assertEquals((6L << 16), RolloverCounter.estimateIndex(32769, 5, 0));
        assertEquals((5L << 16) | 1, RolloverCounter.estimateIndex(32769, 5, 1));
    }

    @Test
    void lastRollover_overflowsPast32Bits_forTheCallerToRefuse() {
        long index = RolloverCounter.estimateIndex(65535, RolloverCounter.MAX_ROC, 0);
        assertEquals(RolloverCounter.MAX_ROC + 1, index >>> 16);
    }
}
