package io.smoothcast.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SequenceUnwrapperTest {

    @Test
    void isNewer_handlesWrapAndHalfWay() {
        assertTrue(SequenceNumbers.isNewer(1, 0));
        assertTrue(SequenceNumbers.isNewer(0, 65535));
        assertFalse(SequenceNumbers.isNewer(65535, 0));
        assertFalse(SequenceNumbers.isNewer(5, 5));
        assertTrue(SequenceNumbers.isNewer(0x8000, 0));
        assertFalse(SequenceNumbers.isNewer(0, 0x8000));
        assertEquals(-1, SequenceNumbers.distance(0, 65535));
        assertEquals(2, SequenceNumbers.distance(65535, 1));
        assertEquals(0, SequenceNumbers.add(65535, 1));
    }

    @Test
    void probation_firstPacketIgnoredUntilSecondInSequence() {
        SequenceUnwrapper u = new SequenceUnwrapper();
        assertEquals(SequenceUnwrapper.PROBATION, u.update(100));
        assertEquals(-1, u.extendedSequence());
        assertEquals(SequenceUnwrapper.VALID, u.update(101));
        assertEquals(65536 + 101, u.extendedSequence());
        assertEquals(1, u.received());
    }

    @Test
    void probation_outOfSequenceRestartsProbation() {
        SequenceUnwrapper u = new SequenceUnwrapper();
        u.update(100);
        assertEquals(SequenceUnwrapper.PROBATION, u.update(200));
        assertEquals(SequenceUnwrapper.VALID, u.update(201));
    }

    @Test
    void wrap_extendsAcrossCycles() {
        SequenceUnwrapper u = new SequenceUnwrapper(3000, 100, 1);
        assertEquals(SequenceUnwrapper.VALID, u.update(65534));
        long first = u.extendedSequence();
        u.update(65535);
        u.update(0);
        assertEquals(first + 2, u.extendedSequence());
        u.update(1);
        assertEquals(first + 3, u.extendedSequence());
        assertEquals(1, u.cycles());
    }

    @Test
    void reorderedAcrossWrap_landsBehindHighest() {
        SequenceUnwrapper u = new SequenceUnwrapper(3000, 100, 1);
        u.update(65534);
        long first = u.extendedSequence();
        u.update(0);
        assertEquals(SequenceUnwrapper.VALID, u.update(65535));
        assertEquals(first + 1, u.extendedSequence());
        assertEquals(first + 2, u.highestExtendedSequence());
    }

    @Test
    void lossAndFraction_followRfc3550AppendixA3() {
        SequenceUnwrapper u = new SequenceUnwrapper(3000, 100, 1);
        for (int seq = 0; seq < 100; seq++) {
            if (seq % 4 != 3) {
                u.update(seq);
            }
        }
        assertEquals(99, u.expected()); // 0..98 (99 is the lost one and is not yet known)
        assertEquals(75, u.received());
        assertEquals(24, u.cumulativeLost());
        assertEquals((24 << 8) / 99, u.fractionLostAndReset());
        assertEquals(0, u.fractionLostAndReset());
    }

    @Test
    void largeJump_needsTwoSequentialPacketsThenResynchronisesUpward() {
        SequenceUnwrapper u = new SequenceUnwrapper(3000, 100, 1);
        u.update(10);
        u.update(11);
        long before = u.extendedSequence();
        assertEquals(SequenceUnwrapper.BAD_JUMP, u.update(40000));
        assertEquals(SequenceUnwrapper.VALID, u.update(12));
        assertEquals(SequenceUnwrapper.BAD_JUMP, u.update(50000));
        assertEquals(SequenceUnwrapper.RESYNCHRONISED, u.update(50001));
        long after = u.extendedSequence();
        assertTrue(after > before + 100, "new numbering continues above the old one");
        assertEquals(SequenceUnwrapper.VALID, u.update(50002));
        assertEquals(after + 1, u.extendedSequence());
        assertEquals(SequenceUnwrapper.VALID, u.update(50000));
        assertEquals(after - 1, u.extendedSequence());
        assertEquals(3, u.received());
    }

    @Test
    void afterARestart_twoLatePacketsOfTheNumberingJustLeft_doNotSwitchBack() {
        SequenceUnwrapper u = new SequenceUnwrapper(3000, 100, 1);
        for (int seq = 1000; seq <= 1010; seq++) {
            u.update(seq);
        }
        assertEquals(SequenceUnwrapper.BAD_JUMP, u.update(40000));
        assertEquals(SequenceUnwrapper.RESYNCHRONISED, u.update(40001));
        long restartedAt = u.extendedSequence();
        // Retransmissions of the old numbering, in sequence, the last one its highest packet.
        for (int seq = 1005; seq <= 1010; seq++) {
            assertEquals(SequenceUnwrapper.PREVIOUS_NUMBERING, u.update(seq), "old packet " + seq);
        }
        assertEquals(SequenceUnwrapper.VALID, u.update(40002));
        assertEquals(restartedAt + 1, u.extendedSequence(), "the new numbering goes on where it was");
        assertEquals(2, u.received());
    }

    @Test
    void afterARestart_theNumberingJustLeftGoingOnAlone_winsBackAfterTheLongerProbation() {
        SequenceUnwrapper u = new SequenceUnwrapper(3000, 100, 1);
        u.update(1000);
        u.update(40000);
        assertEquals(SequenceUnwrapper.RESYNCHRONISED, u.update(40001));
        long highestBefore = u.highestExtendedSequence();
        // A few packets of the old numbering going on, then one of the current: the run starts over.
        for (int seq = 1001; seq < 1001 + SequenceUnwrapper.RETURN_PROBATION - 1; seq++) {
            assertEquals(SequenceUnwrapper.PREVIOUS_NUMBERING, u.update(seq), "old packet " + seq);
        }
        assertEquals(SequenceUnwrapper.VALID, u.update(40002));
        int next = 1001 + SequenceUnwrapper.RETURN_PROBATION - 1;
        for (int k = 1; k < SequenceUnwrapper.RETURN_PROBATION; k++) {
            assertEquals(SequenceUnwrapper.PREVIOUS_NUMBERING, u.update(next++), "old run, packet " + k);
        }
        // The old numbering alone for a whole probation, losses allowed: the sender went back to it.
        next += 3;
        assertEquals(SequenceUnwrapper.RESYNCHRONISED, u.update(next));
        assertTrue(u.extendedSequence() > highestBefore + 1, "extended numbers never go back");
        assertEquals(SequenceUnwrapper.VALID, u.update(next + 1));
        // Now the numbering just left is the other one: its stray packets are held off in turn.
        assertEquals(SequenceUnwrapper.PREVIOUS_NUMBERING, u.update(40003));
        assertEquals(SequenceUnwrapper.PREVIOUS_NUMBERING, u.update(40004));
        assertEquals(SequenceUnwrapper.VALID, u.update(next + 2));
    }

    @Test
    void afterARestart_aThirdNumbering_isConfirmedByTheNextPacketAsRfc3550A1Says() {
        SequenceUnwrapper u = new SequenceUnwrapper(3000, 100, 1);
        u.update(1000);
        u.update(40000);
        assertEquals(SequenceUnwrapper.RESYNCHRONISED, u.update(40001));
        assertEquals(SequenceUnwrapper.BAD_JUMP, u.update(20000));
        assertEquals(SequenceUnwrapper.RESYNCHRONISED, u.update(20001));
        // 40001's numbering is now the one just left; 1000's is forgotten (A.1 again for it).
        assertEquals(SequenceUnwrapper.PREVIOUS_NUMBERING, u.update(40001));
        assertEquals(SequenceUnwrapper.BAD_JUMP, u.update(1001));
        assertEquals(SequenceUnwrapper.RESYNCHRONISED, u.update(1002));
        // Further behind the numbering left than it would take a late packet (maxMisorder 100):
        // a new numbering, confirmed as A.1 says.
        assertEquals(SequenceUnwrapper.BAD_JUMP, u.update(20001 - 200));
        assertEquals(SequenceUnwrapper.RESYNCHRONISED, u.update(20001 - 199));
    }

    @Test
    void restartOnNextPacket_startsAtOnceAboveAndRemembersTheNumberingLeft() {
        SequenceUnwrapper u = new SequenceUnwrapper(3000, 100, 2);
        u.update(500);
        u.update(501);
        long before = u.highestExtendedSequence();
        u.restartOnNextPacket();
        assertEquals(SequenceUnwrapper.RESYNCHRONISED, u.update(9000), "no probation: the caller knows");
        assertTrue(u.extendedSequence() > before);
        assertEquals(1, u.received());
        assertEquals(SequenceUnwrapper.PREVIOUS_NUMBERING, u.update(500));
        assertEquals(SequenceUnwrapper.PREVIOUS_NUMBERING, u.update(501));
        assertEquals(SequenceUnwrapper.VALID, u.update(9001));
    }

    /**
     * Seeded: a stream restarts once, then stray packets of the old numbering (late ones, in runs
     * shorter than the return probation, some ahead of its highest) are mixed into the new one.
     * The new numbering's packets are always valid and consecutive, and no stray ever is.
     */
    @Test
    void strayPacketsOfTheOldNumbering_neverTakeTheStreamBack() {
        for (long seed = 1; seed <= 200; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            SequenceUnwrapper u = new SequenceUnwrapper(3000, 100, 1);
            int oldNext = random.nextInt(0x10000);
            for (int i = 0; i < 50; i++) {
                u.update(oldNext++ & 0xFFFF);
            }
            int oldHighest = (oldNext - 1) & 0xFFFF;
            // Far enough from the old numbering on both sides, the 500 packets below included,
            // for the strays to be no late or lost packets of the new one.
            int newNext = (oldNext + 3100 + random.nextInt(0x10000 - 3100 - 3700)) & 0xFFFF;
            u.update(newNext);
            assertEquals(SequenceUnwrapper.RESYNCHRONISED, u.update(newNext + 1 & 0xFFFF), "seed " + seed);
            long expected = u.extendedSequence() + 1;
            newNext = newNext + 2;
            for (int i = 0; i < 500; i++) {
                if (random.nextInt(4) == 0) {
                    int run = 1 + random.nextInt(SequenceUnwrapper.RETURN_PROBATION - 1);
                    int start = oldHighest - 60 + random.nextInt(90);
                    for (int k = 0; k < run; k++) {
                        int result = u.update((start + k) & 0xFFFF);
                        assertEquals(SequenceUnwrapper.PREVIOUS_NUMBERING, result, "seed " + seed + ", stray " + i);
                    }
                }
                assertEquals(SequenceUnwrapper.VALID, u.update(newNext++ & 0xFFFF), "seed " + seed + ", packet " + i);
                assertEquals(expected++, u.extendedSequence(), "seed " + seed + ", packet " + i);
            }
        }
    }

    @Test
    void duplicate_isValidAndCountedAsReceived() {
        SequenceUnwrapper u = new SequenceUnwrapper(3000, 100, 1);
        u.update(5);
        u.update(6);
        assertEquals(SequenceUnwrapper.VALID, u.update(6));
        assertEquals(3, u.received());
        assertEquals(-1, u.cumulativeLost());
    }

    @Test
    void constructor_rejectsBadLimits() {
        assertThrows(IllegalArgumentException.class, () -> new SequenceUnwrapper(0, 100, 2));
        assertThrows(IllegalArgumentException.class, () -> new SequenceUnwrapper(3000, 40000, 2));
        assertThrows(IllegalArgumentException.class, () -> new SequenceUnwrapper(3000, 100, 0));
    }

    @Test
    void timestampUnwrapper_followsWrapBothWays() {
        TimestampUnwrapper t = new TimestampUnwrapper();
        long a = t.unwrap(0xFFFFFF00);
        long b = t.unwrap(0x00000100);
        assertEquals(0x200, b - a);
        long c = t.unwrap(0xFFFFFFF0);
        assertEquals(-0x110, c - b);
    }

    /**
     * In-order runs (the short path of {@code update}) mixed with losses, reordering and
     * duplicates inside the misorder window (the general path), across several wraps: every
     * valid packet's extended number is its true number plus one constant, and the counts agree.
     */
    @Test
    void mixedArrivals_acrossWraps_extendTheTrueNumbers() {
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            SequenceUnwrapper u = new SequenceUnwrapper(3000, 100, 1);
            long first = 0xFFFF - random.nextInt(64);
            long offset = Long.MIN_VALUE;
            long highestTrue = first;
            long next = first;
            for (int i = 0; i < 200_000; i++) {
                long trueNumber;
                double r = random.nextDouble();
                if (r < 0.02 && next - 1 > first) {
                    trueNumber = next - 1 - random.nextInt((int) Math.min(50, next - 1 - first)); // late or duplicate
                } else {
                    if (r > 0.99) {
                        next += 1 + random.nextInt(20); // a loss burst
                    }
                    trueNumber = next++;
                }
                highestTrue = Math.max(highestTrue, trueNumber);
                int result = u.update((int) (trueNumber & 0xFFFF));
                assertEquals(SequenceUnwrapper.VALID, result, "seed " + seed + ", packet " + i);
                if (offset == Long.MIN_VALUE) {
                    offset = u.extendedSequence() - trueNumber;
                }
                assertEquals(trueNumber + offset, u.extendedSequence(), "seed " + seed + ", packet " + i);
                assertEquals(highestTrue + offset, u.highestExtendedSequence(), "seed " + seed + ", packet " + i);
            }
            assertEquals((highestTrue >>> 16) - (first >>> 16), u.cycles(), "seed " + seed);
        }
    }
}
