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

    /** 100 packets over a 0-99 ms path and copies over one {@code slowMs} later, every {@code lossEvery}-th copy lost. */
    private static DelayHistogram twoPaths(long slowMs, int lossEvery) {
        DelayHistogram h = new DelayHistogram(MS, 1000, 1.0);
        for (int i = 0; i < 100; i++) {
            h.add(i * MS);
            if (lossEvery == 0 || i % lossEvery != 0) {
                h.addCopy((slowMs + i) * MS);
            }
        }
        return h;
    }

    @Test
    void copies_theSlowerPathIsCoveredAtTheQuantile_asOnItsOwn() {
        // The 300-399 ms path on its own: 98 of its 100 delays are at most 397 ms (bucket edge 398).
        assertEquals(398 * MS, twoPaths(300, 0).quantileNs(0.98));
        assertEquals(350 * MS, twoPaths(300, 0).quantileNs(0.5));
        // The pooled quantile covered it at 0.96 only (the copies as packets).
        DelayHistogram pooled = new DelayHistogram(MS, 1000, 1.0);
        for (int i = 0; i < 100; i++) {
            pooled.add(i * MS);
            pooled.add((300 + i) * MS);
        }
        assertEquals(396 * MS, pooled.quantileNs(0.98));
    }

    @Test
    void copies_equalPaths_eachCoveredAtLeastAtTheQuantile() {
        // Both paths 0-99 ms: the packets' weight is half the samples', so 0.98 of the packets
        // allows 1 % of the samples above: each path's 0.99 quantile.
        assertEquals(99 * MS, twoPaths(0, 0).quantileNs(0.98));
        assertEquals(98 * MS, twoPaths(0, 0).quantileNs(0.96));
    }

    @Test
    void copies_threePaths_theSlowestCoveredAtTheQuantile() {
        DelayHistogram h = new DelayHistogram(MS, 1000, 1.0);
        for (int i = 0; i < 100; i++) {
            h.add(i * MS);
            h.addCopy((200 + i) * MS);
            h.addCopy((500 + i) * MS);
        }
        assertEquals(590 * MS, h.quantileNs(0.9));
        assertEquals(598 * MS, h.quantileNs(0.98));
    }

    @Test
    void copies_aLossyCopyPath_coveredAtTheQuantileOfThePacketsSent() {
        // Every 10th copy lost: 90 copies, 300-399 ms. 2 % of the 100 packets may lie above, 2
        // of the copies: the delay covers 88 of 90 (0.978 of what arrived over that path; 0.98
        // would be 89), so at most 2 % of the packets sent over it are late if it plays alone.
        assertEquals(398 * MS, twoPaths(300, 10).quantileNs(0.98));
    }

    @Test
    void copies_forgottenAsPackets_theQuantileReturnsToThePlainOne() {
        DelayHistogram h = new DelayHistogram(MS, 1000, 0.99);
        for (int i = 0; i < 1000; i++) {
            h.add(20 * MS);
            h.addCopy(300 * MS);
        }
        assertEquals(301 * MS, h.quantileNs(0.98));
        for (int i = 0; i < 1000; i++) {
            h.add(50 * MS);
        }
        // One path again: the old samples and copies keep 0.99^1000 (4e-5) of their weight.
        assertEquals(51 * MS, h.quantileNs(0.98));
        h.clear();
        h.add(5 * MS);
        assertEquals(6 * MS, h.quantileNs(0.98));
    }
}
