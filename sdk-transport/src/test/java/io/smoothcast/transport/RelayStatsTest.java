package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.transport.internal.relay.RelayCounters;
import org.junit.jupiter.api.Test;

class RelayStatsTest {

    @Test
    void handOffDrops_countedOutsideTheEnginesCounters_areInTheSnapshotAndItsText() {
        RelayStats stats = RelayStats.of(new RelayCounters(), 7, 3);
        assertEquals(7, stats.handOffDropped());
        assertEquals(0, stats.fanOutLaneDropped());
        assertTrue(stats.toString().contains("fanOutLaneDropped=0, handOffDropped=7"), stats.toString());
    }

    @Test
    void nativeCopiesRefused_countedByTheFanOutWriters_areInTheSnapshotAndItsText() {
        RelayStats stats = RelayStats.of(new RelayCounters(), 0, 3);
        assertEquals(3, stats.nativeCopiesRefused());
        assertTrue(stats.toString().contains("nativeCopiesRefused=3"), stats.toString());
    }

    @Test
    void aNodeNotStarted_reportsNoDrops() {
        RelayStats stats = RelayNode.builder().build().stats();
        assertEquals(0, stats.handOffDropped());
        assertEquals(0, stats.fanOutLaneDropped());
        assertEquals(0, stats.nativeCopiesRefused());
    }
}
