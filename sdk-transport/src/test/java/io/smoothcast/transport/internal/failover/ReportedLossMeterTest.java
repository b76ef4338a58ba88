package io.smoothcast.transport.internal.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReportedLossMeterTest {

    @Test
    void lossOfTheReportedPackets_perWindow() {
        ReportedLossMeter m = new ReportedLossMeter();
        m.onReport(17, 3);
        m.onReport(68, 12);
        assertEquals(0.15, m.takeWindowLoss(5), 1e-9);
        m.onReport(10, 0);
        assertEquals(0.0, m.takeWindowLoss(5), 1e-9, "a new window");
    }

    @Test
    void tooFewReported_isNaN_andKeepsAccumulating() {
        ReportedLossMeter m = new ReportedLossMeter();
        assertTrue(Double.isNaN(m.takeWindowLoss(5)));
        m.onReport(2, 1);
        assertTrue(Double.isNaN(m.takeWindowLoss(5)));
        m.onReport(1, 1);
        assertEquals(0.4, m.takeWindowLoss(5), 1e-9);
    }

    @Test
    void negativeCounts_areIgnored() {
        ReportedLossMeter m = new ReportedLossMeter();
        m.onReport(-100, 5);
        m.onReport(5, -7);
        assertEquals(0.5, m.takeWindowLoss(1), 1e-9);
    }
}
