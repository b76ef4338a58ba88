package io.smoothcast.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TransportFeedbackTest {

    @Test
    void holdsEntriesUpToCapacity_andIsReusable() {
        TransportFeedback feedback = new TransportFeedback(2);
        assertTrue(feedback.addReceived(10, 5_000));
        assertTrue(feedback.addLost(11));
        assertFalse(feedback.addReceived(12, 6_000), "full");
        assertEquals(2, feedback.size());
        assertEquals(10, feedback.sequence(0));
        assertTrue(feedback.isReceived(0));
        assertEquals(5_000, feedback.receiveTimeNs(0));
        assertTrue(feedback.hasReceiveTime(0));
        assertFalse(feedback.isReceived(1));
        assertFalse(feedback.hasReceiveTime(1));
        feedback.clear();
        assertEquals(0, feedback.size());
        assertTrue(feedback.addReceived(12, 6_000));
    }

    @Test
    void untimedArrival_isReceivedWithoutATime() {
        TransportFeedback feedback = new TransportFeedback(2);
        assertTrue(feedback.addReceivedUntimed(7));
        assertTrue(feedback.isReceived(0));
        assertFalse(feedback.hasReceiveTime(0));
        assertEquals(0, feedback.receiveTimeNs(0));
        assertFalse(feedback.addReceivedUntimed(-1));
        assertEquals(1, feedback.size());
    }

    @Test
    void negativeSequence_isRefused_andIndexesAreChecked() {
        TransportFeedback feedback = new TransportFeedback(4);
        assertFalse(feedback.addLost(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> feedback.sequence(0));
        assertThrows(IllegalArgumentException.class, () -> new TransportFeedback(0));
    }
}
