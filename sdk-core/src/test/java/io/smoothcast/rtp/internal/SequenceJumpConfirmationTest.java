package io.smoothcast.rtp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SequenceJumpConfirmationTest {

    @Test
    void rfc3550Window_onlyTheVeryNextNumberConfirms() {
        SequenceJumpConfirmation jump = new SequenceJumpConfirmation(0, 1);
        assertFalse(jump.confirms(1), "nothing pending");
        jump.pend(65_535);
        assertTrue(jump.pending());
        assertEquals(65_535, jump.pendingSequence());
        assertTrue(jump.confirms(0), "across the wrap");
        assertFalse(jump.confirms(65_535), "the pending packet again");
        assertFalse(jump.confirms(65_534), "swapped: A.1 does not accept it");
        assertFalse(jump.confirms(1), "one lost in between: A.1 does not accept it");
        jump.clear();
        assertFalse(jump.pending());
        assertFalse(jump.confirms(0));
    }

    @Test
    void widerWindow_acceptsSwappedOrLostNeighbours_andANewPendReplacesTheOld() {
        SequenceJumpConfirmation jump = new SequenceJumpConfirmation(16, 64);
        jump.pend(0x1_0005); // only the low 16 bits count
        assertTrue(jump.isPending(5));
        assertFalse(jump.isPending(6));
        assertTrue(jump.confirms(5 - 16 & 0xFFFF));
        assertFalse(jump.confirms(5 - 17 & 0xFFFF));
        assertTrue(jump.confirms(5 + 64));
        assertFalse(jump.confirms(5 + 65));
        jump.pend(30_000);
        assertFalse(jump.confirms(6), "the stray pending before is forgotten");
        assertTrue(jump.confirms(30_001));
    }

    @Test
    void constructor_rejectsBadWindows() {
        IllegalArgumentException behind = assertThrows(IllegalArgumentException.class,
                () -> new SequenceJumpConfirmation(-1, 1));
        assertTrue(behind.getMessage().contains("confirmBehind"));
        IllegalArgumentException ahead = assertThrows(IllegalArgumentException.class,
                () -> new SequenceJumpConfirmation(0, 0));
        assertTrue(ahead.getMessage().contains("confirmAhead"));
        assertThrows(IllegalArgumentException.class, () -> new SequenceJumpConfirmation(0x8000, 1));
    }
}
