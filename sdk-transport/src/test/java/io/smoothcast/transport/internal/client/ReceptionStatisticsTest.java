package io.smoothcast.transport.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtcpReportView;
import io.smoothcast.rtp.RtcpReportWriter;
import org.junit.jupiter.api.Test;

class ReceptionStatisticsTest {

    private static final long MS = 1_000_000L;

    private final ReceptionStatistics stats = new ReceptionStatistics(90_000);
    private final RtcpReportWriter writer = new RtcpReportWriter();
    private final RtcpReportView view = new RtcpReportView();
    private final byte[] buffer = new byte[200];

    private void report(long nowNs) {
        writer.startReceiverReport(7);
        stats.addReportBlock(writer, 0x1000, nowNs);
        int length = writer.write(buffer, 0, buffer.length);
        assertEquals(ParseStatus.OK, view.wrap(buffer, 0, length));
        assertEquals(1, view.reportCount());
        assertEquals(0x1000, view.reportSsrc(0));
    }

    @Test
    void lossFraction_cumulativeLoss_andHighestSequence_acrossTheWrap() {
        // 65530 .. 65539 sent (10 packets), 2 lost
        for (int i = 0; i < 10; i++) {
            if (i != 3 && i != 7) {
                stats.onPacket((65530 + i) & 0xFFFF, i * 3000, i * 33 * MS, true);
            }
        }
        report(400 * MS);
        assertEquals(2 * 256 / 10, view.fractionLost(0));
        assertEquals(2, stats.cumulativeLost());
        // a retransmission arrives: it counts as received; the next interval has no new loss
        stats.onPacket((65530 + 3) & 0xFFFF, 3 * 3000, 500 * MS, false);
        report(600 * MS);
        assertEquals(0, view.fractionLost(0));
        assertEquals(1, stats.cumulativeLost());
    }

    @Test
    void perfectlyPacedStream_hasNoJitter_andSteadyDelayChangesCountAsJitter() {
        for (int i = 0; i < 50; i++) {
            stats.onPacket(i, i * 3000, i * 33_333_333L, true); // 3000 ticks = 33.3 ms at 90 kHz
        }
        assertEquals(0, stats.jitterUnits());
        ReceptionStatistics bumpy = new ReceptionStatistics(90_000);
        for (int i = 0; i < 200; i++) {
            bumpy.onPacket(i, i * 3000, i * 33_333_333L + (i % 2) * 10 * MS, true); // 10 ms = 900 ticks
        }
        assertEquals(900, bumpy.jitterUnits(), 30);
    }
}
