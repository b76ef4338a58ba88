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
