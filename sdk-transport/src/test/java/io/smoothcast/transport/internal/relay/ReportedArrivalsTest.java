package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReportedArrivalsTest {

    @Test
    void reportedNumbers_received_othersNot_untilTheyFallOutOfTheWindow() {
        ReportedArrivals arrivals = new ReportedArrivals();
        assertFalse(arrivals.isReceived(0), "nothing reported yet");
        arrivals.onReceived(10, 20);
        arrivals.onReceived(12, 20);
        assertTrue(arrivals.isReceived(10));
        assertFalse(arrivals.isReceived(11), "passed over: lost or not reported yet");
        assertTrue(arrivals.isReceived(12));
        assertFalse(arrivals.isReceived(13), "beyond the reports");
        arrivals.onReceived(11, 20); // reordered
        assertTrue(arrivals.isReceived(11));

        long far = 12 + ReportedArrivals.WINDOW;
        arrivals.onReceived(far, far);
        assertFalse(arrivals.isReceived(12), "out of the window");
        assertTrue(arrivals.isReceived(far));
        assertFalse(arrivals.isReceived(far - 2), "passed over, in the ring slot of 10: cleared");
        arrivals.onReceived(12, far); // too old to remember
        assertFalse(arrivals.isReceived(12));
    }

    @Test
    void aReportOfANumberNeverSent_isIgnored() {
        ReportedArrivals arrivals = new ReportedArrivals();
        arrivals.onReceived(5, 5);
        arrivals.onReceived(9, 5); // forged: only 0 to 5 were sent
        arrivals.onReceived(-1, 5);
        assertTrue(arrivals.isReceived(5));
        assertFalse(arrivals.isReceived(9));
    }
}
