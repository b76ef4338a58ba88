package io.smoothcast.transport.internal.rtx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetransmissionBudgetTest {

    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;
    /** 800 kbit/s: 100 000 bytes per second. */
    private static final long TARGET_BPS = 800_000;

    @Test
    void allowsUpToTheTargetOverTheWindow() {
        RetransmissionBudget budget = new RetransmissionBudget(SECOND);
        long nowNs = 7 * SECOND;
        for (int i = 0; i < 100; i++) {
            assertTrue(budget.hasRoomFor(1000, TARGET_BPS, nowNs), "packet " + i);
            budget.record(1000, nowNs);
        }
        assertFalse(budget.hasRoomFor(1, TARGET_BPS, nowNs), "the second's 100 000 bytes are used up");
        assertTrue(budget.hasRoomFor(1, TARGET_BPS * 2, nowNs), "a higher target leaves room");
    }

    /**
     * 100-byte packets: the 100 000 bytes a second would let 1 000 through, ten times the packet
     * rate of full-size ones; the packet cap stops them at the bytes over 600.
     */
    @Test
    void smallPackets_areCappedAtTwiceTheFullSizePacketRate_notOnlyByBytes() {
        RetransmissionBudget budget = new RetransmissionBudget(SECOND);
        long nowNs = 7 * SECOND;
        int allowed = 0;
        while (allowed < 2_000 && budget.hasRoomFor(100, TARGET_BPS, nowNs)) {
            budget.record(100, nowNs);
            allowed++;
        }
        assertEquals(100_000 / RetransmissionBudget.PACKET_CAP_BYTES, allowed);
        assertEquals(allowed, budget.packetsInWindow());
        assertTrue(budget.bytesInWindow() * 8 < TARGET_BPS / 5, "bytes were not what stopped them");
        assertTrue(budget.hasRoomFor(100, TARGET_BPS, 8 * SECOND), "the packets leave the window too");
    }

    /** At a tiny target the cap keeps its floor: one 20 ms audio track stays repairable. */
    @Test
    void thePacketCap_hasAFloorOfOneAudioTrack() {
        RetransmissionBudget budget = new RetransmissionBudget(SECOND);
        assertEquals(RetransmissionBudget.MIN_PACKETS_PER_SECOND, budget.maxPackets(80_000));
        int allowed = 0;
        while (allowed < 2_000 && budget.hasRoomFor(20, 80_000, 0)) {
            budget.record(20, 0);
            allowed++;
        }
        assertEquals(RetransmissionBudget.MIN_PACKETS_PER_SECOND, allowed, "10 000 bytes would allow 500");
    }

    @Test
    void bytesLeaveTheWindowAfterAboutOneSecond() {
        RetransmissionBudget budget = new RetransmissionBudget(SECOND);
        budget.record(100_000, 0);
        assertFalse(budget.hasRoomFor(1000, TARGET_BPS, 940 * MS), "still in the window");
        assertTrue(budget.hasRoomFor(1000, TARGET_BPS, SECOND), "out of it one window later");
        assertEquals(0, budget.bytesInWindow());
    }

    @Test
    void aLongSilenceEmptiesTheWindow() {
        RetransmissionBudget budget = new RetransmissionBudget(SECOND);
        budget.record(50_000, -3 * SECOND); // System.nanoTime may be negative
        budget.record(50_000, -2500 * MS);
        assertTrue(budget.hasRoomFor(100_000, TARGET_BPS, 60 * SECOND));
    }

    @Test
    void aClockReadOutOfOrderCountsInTheNewestBucket() {
        RetransmissionBudget budget = new RetransmissionBudget(SECOND);
        budget.record(60_000, SECOND);
        budget.record(40_000, SECOND - 200 * MS);
        assertEquals(100_000, budget.bytesInWindow());
        assertFalse(budget.hasRoomFor(1, TARGET_BPS, SECOND));
    }

    /** Whatever the pattern, what the budget lets through in any window stays within the target. */
    @Test
    void randomNacks_neverExceedTheTargetInAnyWindow() {
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            RetransmissionBudget budget = new RetransmissionBudget(SECOND);
            long[] recordedAtMs = new long[10_000];
            int[] sizes = new int[10_000];
            int count = 0;
            long nowMs = 0;
            while (count < recordedAtMs.length && nowMs < 60_000) {
                nowMs += random.nextInt(0, 30);
                int size = random.nextInt(100, 1300);
                if (budget.hasRoomFor(size, TARGET_BPS, nowMs * MS)) {
                    budget.record(size, nowMs * MS);
                    recordedAtMs[count] = nowMs;
                    sizes[count++] = size;
                }
            }
            for (int i = 0; i < count; i++) {
                long bytes = 0;
                for (int j = i; j < count && recordedAtMs[j] < recordedAtMs[i] + 950; j++) {
                    bytes += sizes[j];
                }
                assertTrue(bytes <= TARGET_BPS / 8, "seed " + seed + ": " + bytes + " bytes within 950 ms from "
                        + recordedAtMs[i] + " ms");
            }
            assertTrue(count > 100, "seed " + seed + ": the budget let retransmissions through: " + count);
        }
    }

    @Test
    void rejectsAWindowShorterThanItsBuckets() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RetransmissionBudget(5));
        assertTrue(e.getMessage().contains("windowNs"));
    }

    @Test
    void mediaTarget_isTheTargetLessTheWindowsRtx_theRtxTakenAtMostHalfTheTarget() {
        RetransmissionBudget budget = new RetransmissionBudget(SECOND);
        long nowNs = 7 * SECOND;
        assertEquals(1_000_000, RetransmissionBudget.allowedBitrateBps(2_000_000));
        assertEquals(2_000_000, budget.mediaTargetBps(2_000_000, nowNs), "no RTX: the whole target");
        budget.record(25_000, nowNs); // 200 kbit within the window
        assertEquals(1_800_000, budget.mediaTargetBps(2_000_000, nowNs + 100 * MS));
        assertEquals(150_000, budget.mediaTargetBps(300_000, nowNs + 100 * MS), "RTX above half: half is left");
        assertEquals(2_000_000, budget.mediaTargetBps(2_000_000, nowNs + 2 * SECOND), "the RTX left the window");
    }
}
