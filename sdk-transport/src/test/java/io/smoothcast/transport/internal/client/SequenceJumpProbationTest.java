package io.smoothcast.transport.internal.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SequenceJumpProbationTest {

    private final SequenceJumpProbation probation = new SequenceJumpProbation(64);

    @Test
    void nothingHeld_nothingConfirms() {
        assertFalse(probation.holding());
        assertFalse(probation.confirms(1));
        assertFalse(probation.isHeld(0));
    }

    @Test
    void numberingLeft_isKnownOnlyAfterAJump_withinTheUnwrappersWindow() {
        assertFalse(probation.isOfNumberingLeft(100, 1024, 3000), "no jump yet");
        probation.rememberNumberingLeft(65_000);
        assertTrue(probation.isOfNumberingLeft(65_000, 1024, 3000), "its highest");
        assertTrue(probation.isOfNumberingLeft(65_000 - 1023, 1024, 3000), "a late copy");
        assertFalse(probation.isOfNumberingLeft(65_000 - 1024, 1024, 3000));
        assertTrue(probation.isOfNumberingLeft((65_000 + 2999) & 0xFFFF, 1024, 3000), "going on, across the wrap");
        assertFalse(probation.isOfNumberingLeft((65_000 + 3000) & 0xFFFF, 1024, 3000));
        probation.rememberNumberingLeft(20_000);
        assertFalse(probation.isOfNumberingLeft(65_000, 1024, 3000), "only the numbering the last jump left");
    }

    @Test
    void heldPacket_isCopied_andConfirmedOnlyByANeighbour() {
        byte[] datagram = {1, 2, 3, 4, 5};
        probation.hold(datagram, 5, 65_530);
        datagram[0] = 9; // the caller's array is reused for the next datagram
        assertTrue(probation.holding());
        assertEquals(5, probation.heldLength());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, Arrays.copyOf(probation.heldDatagram(), 5));
        assertTrue(probation.isHeld(65_530));
        assertFalse(probation.confirms(65_530), "the held packet again is a duplicate, not a confirmation");
        assertTrue(probation.confirms(65_531));
        assertTrue(probation.confirms((65_530 + SequenceJumpProbation.CONFIRM_AHEAD) & 0xFFFF), "across the wrap");
        assertFalse(probation.confirms((65_530 + SequenceJumpProbation.CONFIRM_AHEAD + 1) & 0xFFFF));
        assertTrue(probation.confirms(65_530 - SequenceJumpProbation.CONFIRM_BEHIND), "swapped with its successor");
        assertFalse(probation.confirms(65_530 - SequenceJumpProbation.CONFIRM_BEHIND - 1));
        assertTrue(probation.isBefore(3));
        assertFalse(probation.isBefore(65_529));
    }

    @Test
    void release_forgetsThePacket() {
        probation.hold(new byte[] {1}, 1, 10);
        probation.release();
        assertFalse(probation.holding());
        assertFalse(probation.confirms(11));
    }
}
