package io.smoothcast.srtp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smoothcast.srtp.SrtpStatus;

import java.util.BitSet;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ReplayWindowTest {

    @Test
    void newIndicesPass_repeatsAreReplays_farBehindIsTooOld() {
        ReplayWindow window = new ReplayWindow(64);
        for (long i = 0; i < 200; i++) {
            assertEquals(0, window.check(i));
            window.accept(i);
            assertEquals(SrtpStatus.REPLAYED, window.check(i));
        }
        assertEquals(SrtpStatus.REPLAYED, window.check(199 - 63));
        assertEquals(SrtpStatus.TOO_OLD, window.check(199 - 64));
    }

    @Test
    void lateButInsideTheWindow_isAcceptedOnce() {
        ReplayWindow window = new ReplayWindow(128);
        window.accept(1000);
        window.accept(1005);
        assertEquals(0, window.check(1003));
        window.accept(1003);
        assertEquals(SrtpStatus.REPLAYED, window.check(1003));
        assertEquals(0, window.check(1004));
        assertEquals(0, window.check(1005 - 127));
        assertEquals(SrtpStatus.TOO_OLD, window.check(1005 - 128));
    }

    @Test
    void bigJumpForward_forgetsEverythingBehind() {
        ReplayWindow window = new ReplayWindow(64);
        window.accept(10);
        window.accept(10 + 64 + 5);
        // Index 10 + 64 shares 10's ring slot: it must read as new, not as a replay.
        assertEquals(0, window.check(10 + 64));
        assertEquals(SrtpStatus.TOO_OLD, window.check(10));
    }

    @Test
    void matchesAReferenceSetOnRandomTraffic() {
        long seed = 7;
        SplittableRandom random = new SplittableRandom(seed);
        ReplayWindow window = new ReplayWindow(256);
        BitSet seen = new BitSet();
        long highest = -1;
        for (int step = 0; step < 100_000; step++) {
            long index = Math.max(0, highest + random.nextInt(-300, 40));
            int expected = index > highest ? 0 : highest - index >= 256 ? SrtpStatus.TOO_OLD
                : seen.get((int) index) ? SrtpStatus.REPLAYED : 0;
            assertEquals(expected, window.check(index), "seed " + seed + " step " + step + " index " + index);
            if (expected == 0) {
                window.accept(index);
                seen.set((int) index);
                highest = Math.max(highest, index);
            }
        }
    }

    @Test
    void sizeMustBeAPowerOfTwoInRange() {
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(32));
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(100));
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(65536));
    }
}
