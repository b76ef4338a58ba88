package io.smoothcast.transport.internal.rtx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.SplittableRandom;
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
        assertTrue(tracker.isMissing(0));
        assertArrayEquals(new int[] {65535, 0, 1}, due(20 * MS));
        tracker.onPacket(0, 21 * MS); // arrived (a retransmission, 1 ms after its request)
        assertArrayEquals(new int[0], due(119 * MS));
        assertArrayEquals(new int[] {65535, 1}, due(120 * MS));
        assertArrayEquals(new int[] {65535, 1}, due(220 * MS));
        assertArrayEquals(new int[0], due(320 * MS), "given up after 3 attempts");
        assertEquals(0, tracker.missingCount());
    }

    /**
     * A node tells a repair it asked for (and may get twice) from a retransmission it never asked
     * for (its source's tail loss probe), also after the repair arrived and the number is no
     * longer missing, until another number of its slot is asked for.
     */
    @Test
    void wasAsked_remembersRequestsAfterTheirRepair_untilTheirSlotIsReused() {
        tracker.onPacket(65534, 0);
        tracker.onPacket(2, 0); // 65535, 0, 1 missing
        assertEquals(false, tracker.wasAsked(0), "missing, not yet asked");
        assertArrayEquals(new int[] {65535, 0, 1}, due(20 * MS));
        tracker.onPacket(0, 21 * MS); // repaired
        assertTrue(tracker.wasAsked(0));
        assertTrue(tracker.wasAsked(65535));
        assertEquals(false, tracker.wasAsked(2), "arrived in order: a retransmission of it was not asked for");
        assertEquals(false, tracker.wasAsked(0 + MissingPacketTracker.ASKED_MEMORY), "another number in the same slot");
        for (int seq = 3; seq < MissingPacketTracker.ASKED_MEMORY - 1; seq++) {
            tracker.onPacket(seq, 30 * MS);
        }
        assertTrue(tracker.wasAsked(0), "within the memory");
        assertTrue(tracker.wasAsked(65535), "within the memory");
        tracker.onPacket(MissingPacketTracker.ASKED_MEMORY + 1, 30 * MS); // the numbers of their slots missing
        assertTrue(tracker.wasAsked(0), "kept until another number of the slot is asked for");
        assertArrayEquals(new int[] {MissingPacketTracker.ASKED_MEMORY - 1, MissingPacketTracker.ASKED_MEMORY}, due(50 * MS));
        assertEquals(false, tracker.wasAsked(0), "replaced");
        assertEquals(false, tracker.wasAsked(65535), "replaced");
    }

    /**
     * Repairs take 400 ms (a slow path, or the node's own receive queue backed up): a number
     * asked every 100 ms regardless would be asked 4 times before its first answer could be back,
     * and the source would send 4 RTX of it. The tracker learns how long repairs take and asks
     * again only after that.
     */
    @Test
    void slowRepairs_numbersAreNotAskedAgainBeforeTheirAnswerCouldBeBack() {
        MissingPacketTracker slow = new MissingPacketTracker(20 * MS, 100 * MS, 5);
        double perLoss = requestsPerLostPacket(slow, 400, false);
        assertTrue(perLoss < 1.1, "requests per lost packet: " + perLoss);
        assertTrue(slow.retryIntervalNs() > 400 * MS, "retry after " + slow.retryIntervalNs());
        assertTrue(slow.retryIntervalNs() <= MissingPacketTracker.MAX_RETRY_INTERVAL_MS * MS);
    }

    /**
     * Repairs take 800 ms, longer than all five requests of one number (20 ms, then every
     * 100 ms: the last at 420 ms): each first repair arrives after its number was given up. It
     * is timed all the same, or the wait would never grow and every lost packet would be asked
     * for five times (five RTX, four of them duplicates: NodeSwitchIT's lossy ingest under load).
     */
    @Test
    void repairsSlowerThanAllTheRequests_areStillTimed() {
        MissingPacketTracker slow = new MissingPacketTracker(20 * MS, 100 * MS, 5);
        double perLoss = requestsPerLostPacket(slow, 800, false);
        assertTrue(perLoss < 1.5, "requests per lost packet: " + perLoss);
        assertTrue(slow.retryIntervalNs() > 800 * MS, "retry after " + slow.retryIntervalNs());
    }

    /**
     * 15 % of the repairs are lost too, and asked for again: those arrive a retry interval or
     * more after the first request, which is no measure of the repair time (timing them from it
     * would lengthen the waits, which would lengthen those samples, and so on).
     */
    @Test
    void lostRepairs_doNotLengthenTheWait() {
        MissingPacketTracker tracker = new MissingPacketTracker(20 * MS, 100 * MS, 5);
        requestsPerLostPacket(tracker, 150, true);
        assertTrue(tracker.retryIntervalNs() < 200 * MS, "retry after " + tracker.retryIntervalNs());
    }

    /**
     * 500 packets/s for 40 s, 15 % lost at random, a tick every 20 ms; the source answers each
     * request after {@code answerMs}, and 15 % of its answers are lost too if {@code lossyRepairs}.
     */
    private static double requestsPerLostPacket(MissingPacketTracker tracker, long answerMs, boolean lossyRepairs) {
        SplittableRandom random = new SplittableRandom(1);
        ArrayDeque<long[]> answers = new ArrayDeque<>(); // {arrival ns, number}
        int[] asked = new int[64];
        long requests = 0;
        long lost = 0;
        for (int seq = 0; seq < 20_000; seq++) {
            long nowNs = seq * 2 * MS;
            while (!answers.isEmpty() && answers.peekFirst()[0] <= nowNs) {
                tracker.onPacket((int) answers.pollFirst()[1], nowNs);
            }
            if (seq % 10 == 0) {
                int count = tracker.collectDue(nowNs, asked);
                requests += count;
                for (int i = 0; i < count; i++) {
                    if (!lossyRepairs || random.nextInt(100) >= 15) {
                        answers.addLast(new long[] {nowNs + answerMs * MS, asked[i]});
                    }
                }
            }
            if (random.nextInt(100) < 15) {
                lost++;
            } else {
                tracker.onPacket(seq & 0xFFFF, nowNs);
            }
        }
        return (double) requests / lost;
    }

    /** A repair that is lost is asked for again after the (learnt) repair time: it is not given up. */
    @Test
    void slowRepairs_aLostRepairIsAskedAgainAfterTheRepairTime() {
        tracker.onPacket(0, 0);
        tracker.onPacket(2, 0); // 1 missing
        assertArrayEquals(new int[] {1}, due(20 * MS));
        tracker.onPacket(1, 420 * MS); // answered after 400 ms
        tracker.onPacket(5, 420 * MS); // 3, 4 missing
        assertArrayEquals(new int[] {3, 4}, due(440 * MS));
        tracker.onPacket(3, 840 * MS); // 4's repair is lost
        assertArrayEquals(new int[0], due(839 * MS), "not before its answer could be back");
        assertArrayEquals(new int[] {4}, due(840 * MS + tracker.retryIntervalNs()));
    }

    /** The engines run from any clock origin (clock21): the repair times are learnt alike across a wrap of nowNs. */
    @Test
    void repairTimes_doNotDependOnTheClockOrigin() {
        long[] intervals = new long[3];
        long[] origins = {0, Long.MAX_VALUE - 300 * MS, Long.MIN_VALUE};
        for (int k = 0; k < origins.length; k++) {
            long t0 = origins[k];
            MissingPacketTracker t = new MissingPacketTracker(20 * MS, 100 * MS, 3);
            t.onPacket(0, t0);
            t.onPacket(2, t0); // 1 missing
            assertArrayEquals(new int[] {1}, Arrays.copyOf(out, t.collectDue(t0 + 20 * MS, out)));
            t.onPacket(1, t0 + 170 * MS); // answered after 150 ms
            intervals[k] = t.retryIntervalNs();
        }
        assertEquals(150 * MS + 4 * 75 * MS, intervals[0]); // RFC 6298's first sample: deviation half of it
        assertArrayEquals(new long[] {intervals[0], intervals[0], intervals[0]}, intervals);
    }

    /** Past its capacity the oldest numbers are forgotten; the times kept beside the numbers stay theirs. */
    @Test
    void capacityEviction_keepsEachNumbersRequestTime() {
        tracker.onPacket(0, 0);
        tracker.onPacket(2, 0); // 1 missing, due at 20 ms
        assertArrayEquals(new int[] {1}, due(20 * MS));
        tracker.onPacket(200, 30 * MS); // 3..199 missing
        tracker.onPacket(300, 30 * MS); // 201..299 too: 297 numbers, the 41 oldest are forgotten
        assertTrue(!tracker.isMissing(1) && !tracker.isMissing(42) && tracker.isMissing(43));
        int[] all = new int[MissingPacketTracker.CAPACITY];
        assertEquals(MissingPacketTracker.CAPACITY, tracker.collectDue(50 * MS, all));
        tracker.onPacket(100, 250 * MS); // its first request was at 50 ms, not 1's at 20 ms: 200 ms
        assertEquals(200 * MS + 4 * 100 * MS, tracker.retryIntervalNs());
    }

    /** 1 is missing, asked for 3 times and given up; never repaired. */
    private void oneAskedForAndGivenUp() {
        tracker.onPacket(0, 0);
        tracker.onPacket(2, 0); // 1 missing
        assertArrayEquals(new int[] {1}, due(20 * MS));
        assertArrayEquals(new int[] {1}, due(120 * MS));
        assertArrayEquals(new int[] {1}, due(220 * MS)); // given up
    }

    /**
     * 1 was asked for and given up, never repaired; a lap of the 16-bit space later a jump skips
     * it. Its request of the lap before must not outlive the jump: the new 1 arriving late (the
     * source's probe, a late packet) was never asked for, and timing it from a request a lap old
     * would put the wait between requests for every later loss at its 1 s cap.
     */
    @Test
    void numbersSkippedByAJump_forgetTheirRequestsOfTheLapBefore() {
        oneAskedForAndGivenUp();
        for (int seq = 3; seq <= 0xFFFF; seq++) {
            tracker.onPacket(seq, 300 * MS);
        }
        tracker.onPacket(0, 300 * MS);
        assertTrue(tracker.wasAsked(1), "not yet passed in this lap");
        tracker.onPacket(MissingPacketTracker.MAX_GAP + 2, 300 * MS); // a jump over 1
        assertEquals(false, tracker.wasAsked(1), "skipped: the request was for the 1 a lap ago");
        tracker.onPacket(1, 10_000 * MS);
        assertEquals(100 * MS, tracker.retryIntervalNs(), "no repair time from a request a lap old");
    }

    /** Without a jump the number's appearance in the next lap forgets the request (the same check). */
    @Test
    void aNumberAppearingAgainALapLater_forgetsItsRequest() {
        oneAskedForAndGivenUp();
        for (int seq = 3; seq <= 0xFFFF + 2; seq++) {
            tracker.onPacket(seq, 300 * MS);
        }
        assertEquals(false, tracker.wasAsked(1));
        tracker.onPacket(1, 10_000 * MS); // a duplicate of the new 1
        assertEquals(100 * MS, tracker.retryIntervalNs());
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
