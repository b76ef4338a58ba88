package io.smoothcast.jitter.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DelayHistogramTest {

    private static final long MS = 1_000_000L;

    @Test
    void quantile_roundsUpToBucketEdge() {
        DelayHistogram h = new DelayHistogram(10 * MS, 100, 1.0);
        for (int i = 0; i < 100; i++) {
            h.add(i * MS); // 0..99 ms, uniformly
        }
        assertEquals(50 * MS, h.quantileNs(0.5));
        assertEquals(100 * MS, h.quantileNs(0.95));
        assertEquals(10 * MS, h.quantileNs(0.01));
    }

    @Test
    void forgetFactor_oldDelaysFadeOut() {
        DelayHistogram h = new DelayHistogram(MS, 1000, 0.99);
        for (int i = 0; i < 1000; i++) {
            h.add(300 * MS);
        }
        for (int i = 0; i < 1000; i++) {
            h.add(20 * MS);
        }
        // 1000 newer samples at factor 0.99 leave the old ones 0.99^1000 (4e-5) of their weight.
        assertEquals(21 * MS, h.quantileNs(0.999));
    }

    @Test
    void manySamples_rescalingKeepsProportions() {
        DelayHistogram h = new DelayHistogram(MS, 100, 0.999);
        for (int i = 0; i < 2_000_000; i++) {
            h.add((i % 2) * 50 * MS);
        }
        assertEquals(MS, h.quantileNs(0.4));
        assertEquals(51 * MS, h.quantileNs(0.6));
    }

    @Test
    void outOfRange_clampedToEnds() {
        DelayHistogram h = new DelayHistogram(MS, 10, 1.0);
        h.add(-5 * MS);
        h.add(500 * MS);
        assertEquals(MS, h.quantileNs(0.5));
        assertEquals(10 * MS, h.quantileNs(1.0));
        assertEquals(0, new DelayHistogram(MS, 10, 1.0).quantileNs(0.5));
        assertThrows(IllegalArgumentException.class, () -> new DelayHistogram(MS, 10, 1.5));
    }
}
