package io.smoothcast.cc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InterArrivalTest {

    private static final long MS = 1_000_000L;

    @Test
    void packetsWithin5msOfTheGroupStart_formOneGroup() {
        InterArrival groups = new InterArrival();
        assertFalse(groups.addPacket(0, 100 * MS, 1000));
        assertFalse(groups.addPacket(2 * MS, 102 * MS, 1000));
        assertFalse(groups.addPacket(5 * MS, 105 * MS, 1000));
        // 20 ms later: a new group starts, but there is no previous group to compare with yet.
        assertFalse(groups.addPacket(20 * MS, 121 * MS, 500));
        // The third group completes the second: deltas between group 2 and group 1.
        assertTrue(groups.addPacket(40 * MS, 143 * MS, 700));
        assertEquals(15 * MS, groups.sendDeltaNs(), "last send 20 ms vs 5 ms");
        assertEquals(16 * MS, groups.arrivalDeltaNs(), "last arrival 121 ms vs 105 ms");
        assertEquals(500 - 3000, groups.sizeDeltaBytes());
        assertEquals(121 * MS, groups.completedArrivalNs());
    }

    @Test
    void packetSentBeforeTheCurrentGroup_isIgnored() {
        InterArrival groups = new InterArrival();
        groups.addPacket(10 * MS, 100 * MS, 1000);
        assertFalse(groups.addPacket(3 * MS, 101 * MS, 1000));
        groups.addPacket(30 * MS, 120 * MS, 1000);
        assertTrue(groups.addPacket(50 * MS, 140 * MS, 1000));
        assertEquals(20 * MS, groups.sendDeltaNs());
    }

    @Test
    void burstSqueezedByTheNetwork_joinsTheGroup() {
        InterArrival groups = new InterArrival();
        groups.addPacket(0, 100 * MS, 1000);
        // Sent 8 ms later but arrives 1 ms after: negative delay change within 5 ms -> same group.
        assertFalse(groups.addPacket(8 * MS, 101 * MS, 1000));
        groups.addPacket(30 * MS, 130 * MS, 1000);
        assertTrue(groups.addPacket(60 * MS, 160 * MS, 1000));
        assertEquals(22 * MS, groups.sendDeltaNs(), "the first group ended with the packet sent at 8 ms");
    }

    @Test
    void receiveClockGoingBackwards_resetsInsteadOfReportingNonsense() {
        InterArrival groups = new InterArrival();
        groups.addPacket(0, 100 * MS, 1000);
        groups.addPacket(20 * MS, 120 * MS, 1000);
        assertTrue(groups.addPacket(40 * MS, 50 * MS, 1000), "completes the valid group sent at 20 ms");
        assertFalse(groups.addPacket(60 * MS, 70 * MS, 1000), "arrival delta < 0: no sample, start over");
        assertFalse(groups.addPacket(80 * MS, 90 * MS, 1000), "one group since the reset");
        assertTrue(groups.addPacket(100 * MS, 110 * MS, 1000));
        assertEquals(20 * MS, groups.arrivalDeltaNs());
        assertEquals(20 * MS, groups.sendDeltaNs());
    }
}
