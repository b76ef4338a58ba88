package io.smoothcast.transport.internal.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RttWindowTest {

    private static final long MS = 1_000_000L;

    @Test
    void empty_isZero_andOneSampleHasNoJitter() {
        RttWindow w = new RttWindow();
        assertEquals(0, w.lowRttMs());
        assertEquals(0, w.jitterMs());
        w.add(7 * MS);
        assertEquals(7, w.lowRttMs(), 1e-9);
        assertEquals(0, w.jitterMs());
        w.add(-1);
        assertEquals(1, w.size(), "negative samples are ignored");
    }

    @Test
    void alternatingSamples_lowPercentileAndMedianChange() {
        RttWindow w = new RttWindow();
        for (int i = 0; i < 10; i++) {
            w.add((i % 2 == 0 ? 10 : 14) * MS);
        }
        assertEquals(10, w.lowRttMs(), 1e-9);
        assertEquals(4, w.jitterMs(), 1e-9);
    }

    @Test
    void keepsOnlyTheLastSamples() {
        RttWindow w = new RttWindow();
        for (int i = 0; i < RttWindow.CAPACITY; i++) {
            w.add(5 * MS);
        }
        for (int i = 0; i < RttWindow.CAPACITY; i++) {
            w.add(40 * MS);
        }
        assertEquals(RttWindow.CAPACITY, w.size());
        assertEquals(40, w.lowRttMs(), 1e-9, "the path got slower: the old samples are gone");
        assertEquals(0, w.jitterMs(), 1e-9);
        w.clear();
        assertEquals(0, w.size());
    }

    @Test
    void lateAnswersOnAFifthOfTheSamples_moveNeitherFigure_butWouldMoveTheMeans() {
        long seed = 0x5EED_2026L;
        SplittableRandom random = new SplittableRandom(seed);
        RttWindow w = new RttWindow();
        double sumMs = 0;
        double previousMs = -1;
        double changeSumMs = 0;
        for (int i = 0; i < 500; i++) {
            // 5 ms +- 0.5 ms; one sample in five answered late by a stalled thread (20-200 ms more)
            long rttNs = 5 * MS + random.nextLong(-MS / 2, MS / 2)
                    + (random.nextInt(5) == 0 ? random.nextLong(20 * MS, 200 * MS) : 0);
            w.add(rttNs);
            if (i >= 450) {
                sumMs += rttNs / 1e6;
                if (previousMs >= 0) {
                    changeSumMs += Math.abs(rttNs / 1e6 - previousMs);
                }
                previousMs = rttNs / 1e6;
            }
        }
        assertEquals(5, w.lowRttMs(), 0.5, "seed " + seed);
        assertTrue(w.jitterMs() < 1, "seed " + seed + ": jitter " + w.jitterMs());
        assertTrue(sumMs / 50 > 10 && changeSumMs / 49 > 10,
                "seed " + seed + ": the means would have moved: rtt " + sumMs / 50 + ", jitter " + changeSumMs / 49);
    }

    @Test
    void recentMinimum_ignoresStalledSamples_butFollowsASlowerPath() {
        RttWindow w = new RttWindow();
        assertEquals(0, w.recentMinNs());
        for (int i = 0; i < RttWindow.CAPACITY; i++) {
            w.add(4 * MS);
        }
        w.add(400 * MS);
        assertEquals(4 * MS, w.recentMinNs(), "one answer read late by a stall");
        for (int i = 0; i < RttWindow.RECENT - 2; i++) {
            w.add((100 + i) * MS);
        }
        assertEquals(4 * MS, w.recentMinNs(), "one answer in the window read on time is enough");
        w.add(300 * MS);
        assertEquals(100 * MS, w.recentMinNs(), "the window holds only the newest samples");
        for (int i = 0; i < RttWindow.RECENT; i++) {
            w.add(300 * MS);
        }
        assertEquals(300 * MS, w.recentMinNs(), "the path got slower");
    }
}
