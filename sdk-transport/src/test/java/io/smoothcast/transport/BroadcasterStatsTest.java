package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smoothcast.stats.NodeSwitchCounts;
import org.junit.jupiter.api.Test;

class BroadcasterStatsTest {

    @Test
    void framesDroppedBacklog_countsStalePacerFullAndSkippedFrames_notTheOtherDrops() {
        BroadcasterStats stats = new BroadcasterStats(100, 1_000, 10_000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                3, 5, 7, NodeSwitchCounts.NONE, 0, 0);
        assertEquals(3 + 5 + 7, stats.framesDroppedBacklog(),
                "stale, skipped to a keyframe and pacer-full drops; not rejected or not-connected frames");
    }
}
