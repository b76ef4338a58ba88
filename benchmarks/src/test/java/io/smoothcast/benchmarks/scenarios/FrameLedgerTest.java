package io.smoothcast.benchmarks.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrameLedgerTest {

    private static final long MS = 1_000_000L;
    private static final long BUDGET_NS = 400 * MS;

    @Test
    void frame_isOnTimeOnlyWhenEveryPacketArrivesWithinBudget() {
        FrameLedger ledger = new FrameLedger();
        int onTime = ledger.newFrame(0, 2, 1_000_000, 1);
        int late = ledger.newFrame(33 * MS, 1, 1_000_000, 1);
        int partial = ledger.newFrame(66 * MS, 2, 1_000_000, 1);
        ledger.onSent(0, onTime);
        ledger.onSent(1, onTime);
        ledger.onSent(2, -1); // padding
        ledger.onSent(3, late);
        ledger.onSent(4, partial);
        ledger.onSent(5, partial);
        ledger.onDelivered(0, 100 * MS);
        ledger.onDelivered(1, 400 * MS);
        ledger.onDelivered(2, 100 * MS);
        ledger.onDelivered(3, 434 * MS);
        ledger.onDelivered(4, 100 * MS);
        // sequence 5 was dropped: never delivered
        assertFalse(ledger.stalled(onTime, BUDGET_NS));
        assertTrue(ledger.stalled(late, BUDGET_NS));
        assertTrue(ledger.stalled(partial, BUDGET_NS));
        assertFalse(ledger.isMedia(2));
        assertTrue(ledger.isMedia(3));
        assertEquals(5, ledger.mediaPacketsSent());
    }

    @Test
    void discardedFrame_stalls_andUnknownSequencesAreIgnored() {
        FrameLedger ledger = new FrameLedger();
        int frame = ledger.newFrame(0, 1, 500_000, 1);
        ledger.onSent(0, frame);
        ledger.onDelivered(0, MS);
        ledger.onDiscarded(frame);
        assertTrue(ledger.stalled(frame, BUDGET_NS));
        ledger.onDelivered(99, MS);
        assertEquals(-1, ledger.frameOfSequence(-5));
        assertEquals(-1, ledger.frameOfSequence(99));
        assertTrue(ledger.isDiscarded(frame));
        assertFalse(ledger.isMedia(99));
        assertThrows(IllegalStateException.class, () -> ledger.onSent(7, frame));
    }

    @Test
    void droppedPacket_repairedByRetransmissionWithinBudget_frameDoesNotStall() {
        FrameLedger ledger = new FrameLedger();
        int repaired = ledger.newFrame(0, 2, 1_000_000, 1);
        int tooLate = ledger.newFrame(33 * MS, 1, 1_000_000, 1);
        ledger.onSent(0, repaired);
        ledger.onSent(1, repaired); // dropped
        ledger.onSent(2, tooLate); // dropped
        ledger.onSent(3, repaired); // retransmission of 1, new sequence number
        ledger.onSent(4, tooLate); // retransmission of 2
        ledger.onDelivered(0, 60 * MS);
        ledger.onDelivered(3, 250 * MS);
        ledger.onDelivered(4, 500 * MS);
        assertEquals(repaired, ledger.frameOfSequence(3));
        assertFalse(ledger.stalled(repaired, BUDGET_NS));
        assertTrue(ledger.stalled(tooLate, BUDGET_NS));
        assertEquals(5, ledger.mediaPacketsSent());
    }
}
