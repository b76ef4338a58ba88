package io.smoothcast.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link RtcpCompoundReader} and every typed view, walking each view completely (report
 * blocks, SDES chunks and items, BYE reason, APP data, NACK items, FIR entries, every
 * transport-cc status and delta). Oracle: statuses only (no exception), iteration ends within a
 * bound, and every offset a view hands out lies inside the packet.
 */
class RtcpCompoundFuzzTest {

    private final RtcpCompoundReader reader = new RtcpCompoundReader();
    private final RtcpReportView report = new RtcpReportView();
    private final RtcpSdesView sdes = new RtcpSdesView();
    private final RtcpByeView bye = new RtcpByeView();
    private final RtcpAppView app = new RtcpAppView();
    private final RtcpNackView nack = new RtcpNackView();
    private final RtcpPliView pli = new RtcpPliView();
    private final RtcpFirView fir = new RtcpFirView();
    private final TransportCcFeedbackView transportCc = new TransportCcFeedbackView();

    @FuzzTest(maxDuration = "30s")
    void walk(byte[] data) {
        if (data == null) {
            return;
        }
        RtcpCompoundReader.isRtcp(data, 0, data.length);
        int status = reader.wrap(data, 0, data.length);
        checkStatus(status);
        int packets = 0;
        while (reader.next()) {
            assertTrue(++packets <= data.length / 4, "more packets than 4-byte words");
            int at = reader.packetOffset();
            int length = reader.packetLength();
            assertTrue(at >= 0 && length >= 4 && at + length <= data.length, "packet outside datagram");
            assertTrue(reader.contentLength() <= length);
            reader.packetType();
            reader.format();
            // Every view sees every packet: wrong types must be refused as cleanly as bad bodies.
            walkReport(data, at, length);
            walkSdes(data, at, length);
            walkBye(data, at, length);
            walkApp(data, at, length);
            walkNack(data, at, length);
            walkPli(data, at, length);
            walkFir(data, at, length);
            walkTransportCc(data, at, length);
        }
        checkStatus(reader.status());
        assertTrue(reader.packetCount() + reader.skippedPacketCount() <= data.length / 4 + 1);
    }

    private static void checkStatus(int status) {
        assertTrue(status == ParseStatus.OK || (status < 0 && !"UNKNOWN".equals(ParseStatus.name(status))),
            "undocumented status " + status);
    }

    private void walkReport(byte[] b, int at, int length) {
        int status = report.wrap(b, at, length);
        checkStatus(status);
        if (status != ParseStatus.OK) {
            return;
        }
        report.ssrc();
        if (report.isSenderReport()) {
            report.ntpTimestamp();
            report.rtpTimestamp();
            report.senderPacketCount();
            report.senderOctetCount();
        }
        assertTrue(report.reportCount() <= 31);
        for (int i = 0; i < report.reportCount(); i++) {
            report.reportSsrc(i);
            report.fractionLost(i);
            report.cumulativeLost(i);
            report.extendedHighestSequence(i);
            report.interarrivalJitter(i);
            report.lastSr(i);
            report.delaySinceLastSr(i);
        }
    }

    private void walkSdes(byte[] b, int at, int length) {
        int status = sdes.wrap(b, at, length);
        checkStatus(status);
        if (status != ParseStatus.OK) {
            return;
        }
        int chunks = 0;
        while (sdes.nextChunk()) {
            assertTrue(++chunks <= sdes.chunkCount());
            sdes.chunkSsrc();
            int items = 0;
            while (sdes.nextItem()) {
                assertTrue(++items <= length / 2, "more SDES items than the packet can hold");
                sdes.itemType();
                assertTrue(sdes.itemOffset() >= at && sdes.itemOffset() + sdes.itemLength() <= at + length,
                    "SDES item outside the packet");
                sdes.itemText();
            }
        }
        assertEquals(sdes.chunkCount(), chunks);
    }

    private void walkBye(byte[] b, int at, int length) {
        int status = bye.wrap(b, at, length);
        checkStatus(status);
        if (status != ParseStatus.OK) {
            return;
        }
        for (int i = 0; i < bye.ssrcCount(); i++) {
            bye.ssrc(i);
        }
        if (bye.reasonOffset() >= 0) {
            assertTrue(bye.reasonOffset() >= at && bye.reasonOffset() + bye.reasonLength() <= at + length,
                "BYE reason outside the packet");
        }
    }

    private void walkApp(byte[] b, int at, int length) {
        int status = app.wrap(b, at, length);
        checkStatus(status);
        if (status != ParseStatus.OK) {
            return;
        }
        app.subtype();
        app.ssrc();
        app.name();
        assertTrue(app.dataOffset() >= at && app.dataOffset() + app.dataLength() <= at + length,
            "APP data outside the packet");
    }

    private void walkNack(byte[] b, int at, int length) {
        int status = nack.wrap(b, at, length);
        checkStatus(status);
        if (status != ParseStatus.OK) {
            return;
        }
        nack.senderSsrc();
        nack.mediaSsrc();
        assertTrue(nack.entryCount() >= 1 && nack.entryCount() <= length / 4);
        for (int i = 0; i < nack.entryCount(); i++) {
            nack.packetId(i);
            nack.lostBitmask(i);
        }
    }

    private void walkPli(byte[] b, int at, int length) {
        int status = pli.wrap(b, at, length);
        checkStatus(status);
        if (status == ParseStatus.OK) {
            pli.senderSsrc();
            pli.mediaSsrc();
        }
    }

    private void walkFir(byte[] b, int at, int length) {
        int status = fir.wrap(b, at, length);
        checkStatus(status);
        if (status != ParseStatus.OK) {
            return;
        }
        fir.senderSsrc();
        for (int i = 0; i < fir.entryCount(); i++) {
            fir.ssrc(i);
            fir.commandSequenceNumber(i);
        }
    }

    private void walkTransportCc(byte[] b, int at, int length) {
        int status = transportCc.wrap(b, at, length);
        checkStatus(status);
        if (status != ParseStatus.OK) {
            return;
        }
        transportCc.senderSsrc();
        transportCc.mediaSsrc();
        transportCc.referenceTimeUs();
        transportCc.feedbackPacketCount();
        int count = transportCc.packetStatusCount();
        int received = 0;
        for (int pass = 0; pass < 2; pass++) {
            transportCc.resetCursor();
            int seen = 0;
            received = 0;
            while (transportCc.nextPacket()) {
                assertTrue(++seen <= count, "more statuses than the status count");
                int s = transportCc.packetStatus();
                assertTrue(s == TransportCcFeedbackView.STATUS_NOT_RECEIVED
                    || s == TransportCcFeedbackView.STATUS_SMALL_DELTA
                    || s == TransportCcFeedbackView.STATUS_LARGE_DELTA, "status symbol " + s);
                if (transportCc.packetReceived()) {
                    received++;
                }
                transportCc.packetSequenceNumber();
                transportCc.packetDeltaTicks();
                transportCc.packetArrivalTimeUs();
            }
            assertEquals(count, seen);
        }
        assertEquals(transportCc.receivedPacketCount(), received);
    }
}
