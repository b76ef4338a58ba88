package io.smoothcast.transport.internal.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtcpCompoundReader;
import io.smoothcast.rtp.RtcpPacketType;
import io.smoothcast.rtp.TransportCcFeedbackView;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransportFeedbackCollectorTest {

    private final TransportFeedbackCollector collector = new TransportFeedbackCollector();
    private final byte[] buffer = new byte[1500];

    /** Parses a written feedback into "seq:arrivalUs" or "seq:lost" strings. */
    private List<String> report() {
        int length = collector.writeFeedback(buffer, 0, 1, 2);
        if (length == 0) {
            return List.of();
        }
        TransportCcFeedbackView view = new TransportCcFeedbackView();
        assertEquals(ParseStatus.OK, view.wrap(buffer, 0, length));
        assertEquals(1, view.senderSsrc());
        assertEquals(2, view.mediaSsrc());
        List<String> entries = new ArrayList<>();
        while (view.nextPacket()) {
            entries.add(view.packetSequenceNumber() + ":" + (view.packetReceived() ? view.packetArrivalTimeUs() : "lost"));
        }
        return entries;
    }

    @Test
    void gaps_areReportedLost_andArrivalsKeepTheirRelativeTimes() {
        collector.onPacket(10, 1_000_000_000L);
        collector.onPacket(12, 1_000_500_000L);
        collector.onPacket(13, 1_001_000_000L);
        List<String> entries = report();
        assertEquals(4, entries.size());
        assertTrue(entries.get(1).equals("11:lost"), entries.toString());
        long t10 = Long.parseLong(entries.get(0).split(":")[1]);
        long t12 = Long.parseLong(entries.get(2).split(":")[1]);
        long t13 = Long.parseLong(entries.get(3).split(":")[1]);
        assertEquals(500, t12 - t10);
        assertEquals(500, t13 - t12);
        assertTrue(report().isEmpty(), "nothing new, nothing written");
    }

    @Test
    void sequenceWrap_continuesWhereTheLastFeedbackStopped() {
        collector.onPacket(65534, 0);
        assertEquals(List.of("65534:0"), report().stream().map(e -> e.split(":")[0] + ":0").toList());
        collector.onPacket(65535, 250_000);
        collector.onPacket(1, 500_000);
        List<String> entries = report();
        assertEquals(List.of("65535", "0", "1"), entries.stream().map(e -> e.split(":")[0]).toList());
        assertTrue(entries.get(1).endsWith("lost"));
    }

    @Test
    void lateArrivalOfANumberAlreadyReportedLost_isNotReportedAgain() {
        collector.onPacket(1, 0);
        collector.onPacket(3, 1_000_000);
        report();
        collector.onPacket(2, 2_000_000);
        assertTrue(report().isEmpty());
    }

    @Test
    void manyPackets_areSplitIntoFeedbacksOfAtMostTheLimit() {
        for (int i = 0; i < 1200; i++) {
            collector.onPacket(i, i * 100_000L);
        }
        int total = 0;
        int feedbacks = 0;
        List<String> entries;
        while (!(entries = report()).isEmpty()) {
            assertTrue(entries.size() <= TransportFeedbackCollector.MAX_PACKETS_PER_FEEDBACK);
            assertFalse(entries.stream().anyMatch(e -> e.endsWith("lost")));
            total += entries.size();
            feedbacks++;
        }
        assertEquals(1200, total);
        assertEquals(3, feedbacks);
    }

    @Test
    void arrivalsReadAfterAStall_areReported_behindAReportNamingTheirRange() {
        collector.onPacket(65_530, 1_000_000_000L);
        collector.onPacket(65_531, 1_200_000_000L, true);
        collector.onPacket(65_533, 1_200_001_000L, true); // 65 532 lost: inside the range, still a loss
        collector.onPacket(65_535, 1_200_002_000L, true);
        collector.onPacket(0, 1_210_000_000L);
        int length = collector.writeFeedback(buffer, 0, 1, 2);

        RtcpCompoundReader compound = new RtcpCompoundReader();
        assertEquals(ParseStatus.OK, compound.wrap(buffer, 0, length));
        assertTrue(compound.next());
        assertEquals(RtcpPacketType.APP, compound.packetType(), "the report comes first");
        UntimedArrivalsReport untimed = new UntimedArrivalsReport();
        assertEquals(ParseStatus.OK, untimed.read(buffer, compound.packetOffset(), compound.packetLength()));
        assertEquals(65_531, untimed.firstSequence());
        assertEquals(5, untimed.count(), "65 531 to 65 535");
        assertTrue(compound.next());
        assertEquals(RtcpPacketType.TRANSPORT_FEEDBACK, compound.packetType());
        TransportCcFeedbackView view = new TransportCcFeedbackView();
        assertEquals(ParseStatus.OK, view.wrap(buffer, compound.packetOffset(), compound.packetLength()));
        int received = 0;
        while (view.nextPacket()) {
            received += view.packetReceived() ? 1 : 0;
        }
        assertEquals(5, received, "untimed arrivals are still reported received");
        assertFalse(compound.next());
        assertEquals(ParseStatus.OK, compound.status());

        collector.onPacket(1, 1_220_000_000L);
        assertEquals(List.of("1:1220000"), report(), "the next feedback, all timed, goes alone");
    }

    @Test
    void untimedArrivalsBeyondOneFeedback_areReportedWithTheFeedbackThatCarriesThem() {
        for (int s = 0; s < 600; s++) {
            collector.onPacket(s, 1_000_000_000L + s * 1_000L, s >= 550);
        }
        assertEquals(TransportFeedbackCollector.MAX_PACKETS_PER_FEEDBACK, report().size(),
                "the first feedback holds no untimed arrival, and goes alone");
        int length = collector.writeFeedback(buffer, 0, 1, 2);
        UntimedArrivalsReport untimed = new UntimedArrivalsReport();
        assertEquals(ParseStatus.OK, untimed.read(buffer, 0, UntimedArrivalsReport.LENGTH));
        assertEquals(550, untimed.firstSequence());
        assertEquals(50, untimed.count());
        assertTrue(length > UntimedArrivalsReport.LENGTH);
    }
}
