package io.smoothcast.netsim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.cc.TransportFeedback;
import org.junit.jupiter.api.Test;

class ArrivalReportTest {

    @Test
    void copyTo_replacesTheFeedback_withEachSequenceReceivedAtItsTimeOrLost() {
        TransportFeedback feedback = new TransportFeedback(8);
        feedback.addLost(3);
        ArrivalReport report = new ArrivalReport(0, 40, new long[] {1_000, 0, 3_000}, new boolean[] {true, false, true});

        report.copyTo(feedback);

        assertEquals(3, feedback.size(), "the earlier content is gone");
        assertEquals(40, feedback.sequence(0));
        assertTrue(feedback.isReceived(0));
        assertEquals(1_000, feedback.receiveTimeNs(0));
        assertEquals(41, feedback.sequence(1));
        assertFalse(feedback.isReceived(1));
        assertEquals(42, feedback.sequence(2));
        assertTrue(feedback.isReceived(2));
        assertEquals(3_000, feedback.receiveTimeNs(2));
    }
}
