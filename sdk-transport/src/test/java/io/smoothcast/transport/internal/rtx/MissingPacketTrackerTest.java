package io.smoothcast.transport.internal.rtx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MissingPacketTrackerTest {

    private static final long MS = 1_000_000L;
    private final MissingPacketTracker tracker = new MissingPacketTracker(20 * MS, 100 * MS, 3);
    private final int[] out = new int[16];

    private int[] due(long nowNs) {
        return Arrays.copyOf(out, tracker.collectDue(nowNs, out));
    }

    @Test
    void gap_isDueAfterTheReorderWait_thenEveryRetryInterval_upToTheLimit() {
        tracker.onPacket(65534, 0);
        tracker.onPacket(2, 0); // 65535, 0, 1 missing, across the wrap
        assertArrayEquals(new int[0], due(19 * MS));
        org.junit.jupiter.api.Assertions.assertTrue(tracker.isMissing(0));
        assertArrayEquals(new int[] {65535, 0, 1}, due(20 * MS));
        assertArrayEquals(new int[0], due(119 * MS));
        tracker.onPacket(0, 120 * MS); // arrived (a retransmission)
        assertArrayEquals(new int[] {65535, 1}, due(120 * MS));
        assertArrayEquals(new int[] {65535, 1}, due(220 * MS));
        assertArrayEquals(new int[0], due(320 * MS), "given up after 3 attempts");
        assertEquals(0, tracker.missingCount());
    }

    @Test
    void hugeJump_isARestartNotLoss() {
        tracker.onPacket(100, 0);
        tracker.onPacket(100 + MissingPacketTracker.MAX_GAP + 1, 0);
        assertEquals(0, tracker.missingCount());
        tracker.onPacket(99, 0); // old packet, nothing to do
        assertEquals(0, tracker.missingCount());
    }
}
