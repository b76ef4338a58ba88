package io.smoothcast.transport.internal.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtcpWriter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UntimedArrivalsReportTest {

    private final UntimedArrivalsReport report = new UntimedArrivalsReport();
    private final byte[] buffer = new byte[64];

    @Test
    void writtenReport_readsBack() {
        assertEquals(UntimedArrivalsReport.LENGTH, report.write(buffer, 4, 0x1234, 65_535, 500));
        UntimedArrivalsReport reader = new UntimedArrivalsReport();
        assertEquals(ParseStatus.OK, reader.read(buffer, 4, UntimedArrivalsReport.LENGTH));
        assertEquals(65_535, reader.firstSequence());
        assertEquals(500, reader.count());
    }

    @Test
    void otherAppPackets_andOtherSubtypes_areNotReports() {
        byte[] data = {0, 1, 0, 1};
        int length = RtcpWriter.writeApp(buffer, 0, buffer.length, 0, 1, 'A' << 24 | 'B' << 16 | 'C' << 8 | 'D',
                data, 0, 4);
        assertEquals(ParseStatus.WRONG_PACKET_TYPE, report.read(buffer, 0, length));
        length = RtcpWriter.writeApp(buffer, 0, buffer.length, 1, 1, UntimedArrivalsReport.NAME, data, 0, 4);
        assertEquals(ParseStatus.WRONG_PACKET_TYPE, report.read(buffer, 0, length), "a later revision's subtype");
    }

    @Test
    void malformedReports_areRefused() {
        int length = RtcpWriter.writeApp(buffer, 0, buffer.length, 0, 1, UntimedArrivalsReport.NAME, buffer, 32, 0);
        assertEquals(ParseStatus.TRUNCATED_PACKET, report.read(buffer, 0, length), "no range");
        byte[] zero = {0, 7, 0, 0};
        length = RtcpWriter.writeApp(buffer, 0, buffer.length, 0, 1, UntimedArrivalsReport.NAME, zero, 0, 4);
        assertEquals(ParseStatus.COUNT_OVERRUN, report.read(buffer, 0, length), "count 0");
        byte[] tooMany = {0, 7, (byte) 0xFF, (byte) 0xFF};
        length = RtcpWriter.writeApp(buffer, 0, buffer.length, 0, 1, UntimedArrivalsReport.NAME, tooMany, 0, 4);
        assertEquals(ParseStatus.COUNT_OVERRUN, report.read(buffer, 0, length), "more than one feedback's numbers");
        assertEquals(ParseStatus.TRUNCATED_HEADER, report.read(buffer, 0, 3));
    }

    @Test
    void badCount_isRejectedOnWrite_namingTheArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> report.write(buffer, 0, 1, 0, 0));
        assertEquals(true, e.getMessage().startsWith("count"));
    }

    @Test
    void arbitraryBytes_neverThrow_andAReportReadIsWithinItsBounds() {
        SplittableRandom random = new SplittableRandom(0x5C07);
        byte[] datagram = new byte[48];
        for (int i = 0; i < 100_000; i++) {
            random.nextBytes(datagram);
            if (random.nextBoolean()) {
                datagram[0] = (byte) (0x80 | (datagram[0] & 0x3F)); // version 2 half the time
                datagram[1] = (byte) 204;
            }
            if (random.nextBoolean()) {
                datagram[8] = 'S';
                datagram[9] = 'C';
                datagram[10] = 'U';
                datagram[11] = 'T';
            }
            int length = random.nextInt(datagram.length + 1);
            if (report.read(datagram, 0, length) == ParseStatus.OK) {
                assertTrue(report.count() >= 1 && report.count() <= UntimedArrivalsReport.MAX_COUNT,
                        "seed 0x5C07, case " + i + ": count " + report.count());
                assertTrue(length >= UntimedArrivalsReport.LENGTH, "seed 0x5C07, case " + i);
            }
        }
    }
}

