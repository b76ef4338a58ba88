package io.smoothcast.jitter.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FreezeDetectorTest {

    private static final long MS = 1_000_000L;

    @Test
    void w3cRule_freezeNeedsBothThreeTimesAverageAndAverageplus150ms() {
        FreezeDetector d = new FreezeDetector();
        long t = 0;
        for (int i = 0; i < 31; i++, t += 33 * MS) {
            d.onFrame(t);
        }
        t += 149 * MS; // interval 182 ms: >= 3 x 33 but < 33 + 150
        d.onFrame(t);
        assertEquals(0, d.freezeCount());
        t += 200 * MS; // >= max(3 x 38, 38 + 150) for the new average of about 38 ms: a freeze
        d.onFrame(t);
        assertEquals(1, d.freezeCount());
        assertEquals(200 * MS, d.totalFreezesDurationNs());
    }

    @Test
    void lowFrameRate_needsThreeTimesAverage() {
        FreezeDetector d = new FreezeDetector();
        long t = 0;
        for (int i = 0; i < 10; i++, t += 200 * MS) {
            d.onFrame(t); // 5 fps
        }
        d.onFrame(t - 200 * MS + 550 * MS); // 550 ms >= 200 + 150 but < 3 x 200
        assertEquals(0, d.freezeCount());
        d.onFrame(t - 200 * MS + 550 * MS + 710 * MS); // average now 235 ms: 710 >= 705
        assertEquals(1, d.freezeCount());
    }

    @Test
    void onFrame_saysWhenAFreezeOrPauseWasCounted() {
        FreezeDetector d = new FreezeDetector();
        long t = 0;
        assertFalse(d.onFrame(t), "first frame");
        for (int i = 0; i < 5; i++) {
            t += 33 * MS;
            assertFalse(d.onFrame(t), "steady interval " + i);
        }
        t += 400 * MS;
        assertTrue(d.onFrame(t), "freeze");
        t += 33 * MS;
        assertFalse(d.onFrame(t));
        t += 6_000 * MS;
        assertTrue(d.onFrame(t), "pause");
        assertEquals(1, d.freezeCount());
        assertEquals(1, d.pauseCount());
    }

    @Test
    void fiveSecondsOrMore_isAPauseNotAFreeze() {
        FreezeDetector d = new FreezeDetector();
        d.onFrame(0);
        d.onFrame(33 * MS);
        d.onFrame(33 * MS + 5_000 * MS);
        assertEquals(0, d.freezeCount());
        assertEquals(1, d.pauseCount());
        assertEquals(5_000 * MS, d.totalPausesDurationNs());
    }
}
