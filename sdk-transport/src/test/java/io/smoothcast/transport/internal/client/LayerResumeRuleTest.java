package io.smoothcast.transport.internal.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LayerResumeRuleTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void theVeryNextNumber_isAContinuation_evenBeforeTheRateIsKnown() {
        assertFalse(LayerResumeRule.isResume(1, 400 * MS, 0));
        assertFalse(LayerResumeRule.isResume(1, 5_000 * MS, 120));
    }

    @Test
    void aFewNumbersSkipped_afterASilenceThatWouldHaveCarriedMany_isAContinuation() {
        // 120 numbers a second for 400 ms: 48 expected; up to 24 skipped is the stream going on
        assertFalse(LayerResumeRule.isResume(2, 400 * MS, 120), "one lost");
        assertFalse(LayerResumeRule.isResume(10, 400 * MS, 120), "a short burst lost");
        assertFalse(LayerResumeRule.isResume(24, 400 * MS, 120));
    }

    @Test
    void aJumpLikeTheSilencesOwnNumbers_isAResume() {
        assertTrue(LayerResumeRule.isResume(25, 400 * MS, 120));
        assertTrue(LayerResumeRule.isResume(48, 400 * MS, 120), "the pause's numbers, all skipped");
        assertTrue(LayerResumeRule.isResume(5_000, 400 * MS, 120), "far beyond: another numbering");
        // a slow layer (one packet a frame at 30 fps) paused 300 ms skips about 9
        assertTrue(LayerResumeRule.isResume(9, 300 * MS, 30));
        assertFalse(LayerResumeRule.isResume(4, 300 * MS, 30));
    }

    @Test
    void aNumberNotAhead_orAnyJumpBeforeTheRateIsKnown_isAResume() {
        assertTrue(LayerResumeRule.isResume(0, 400 * MS, 120), "behind or equal: not this numbering");
        assertTrue(LayerResumeRule.isResume(2, 400 * MS, 0), "no rate yet: the rule before it was measured");
    }
}
