package io.smoothcast.rtp;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random bytes, and random truncations and corruptions of valid packets, fed to every parser:
 * no parser may throw, and every cursor must stop within a bound derived from the input length.
 * The class timeout only guards against a hang (an infinite loop would otherwise stall the
 * build); it asserts nothing about speed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileBytesTest {

    private static final long SEED = 0xBAD_B17E5L;
    private static final int CASES = 40_000;

    private final RtpPacketView rtp = new RtpPacketView();
    private final RtcpCompoundReader reader = new RtcpCompoundReader();
    private final RtcpReportView report = new RtcpReportView();
    private final RtcpSdesView sdes = new RtcpSdesView();
    private final RtcpByeView bye = new RtcpByeView();
    private final RtcpAppView app = new RtcpAppView();
    private final RtcpNackView nack = new RtcpNackView();
    private final RtcpPliView pli = new RtcpPliView();
    private final RtcpFirView fir = new RtcpFirView();
    private final TransportCcFeedbackView feedback = new TransportCcFeedbackView();

    @Test
    void randomBytes_neverThrowNorLoop() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int c = 0; c < CASES; c++) {
            byte[] bytes = new byte[random.nextInt(1500)];
            random.nextBytes(bytes);
            if (bytes.length > 1 && random.nextBoolean()) {
                bytes[0] = (byte) (0x80 | (bytes[0] & 0x3F)); // version 2 reaches deeper code
                if (random.nextBoolean()) {
                    bytes[1] = (byte) (200 + random.nextInt(8));
                }
            }
            parseEverything(bytes, "random bytes, seed " + SEED + " case " + c);
        }
    }

    @Test
    void truncatedAndCorruptedValidPackets_neverThrowNorLoop() {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        byte[] valid = new byte[8192];
        RtpPacketWriter rtpWriter = new RtpPacketWriter();
        RtcpReportWriter reportWriter = new RtcpReportWriter();
        TransportCcFeedbackWriter feedbackWriter = new TransportCcFeedbackWriter(400);
        for (int c = 0; c < CASES; c++) {
            int length;
            if (random.nextBoolean()) {
                rtpWriter.reset().sequenceNumber(random.nextInt(65536)).ssrc(random.nextInt())
                    .paddingLength(random.nextInt(3) == 0 ? 1 + random.nextInt(40) : 0)
                    .forceTwoByteExtensions(random.nextBoolean())
                    .addTransportSequenceNumber(5, random.nextInt(65536))
                    .addAbsoluteCaptureTime(6, random.nextLong());
                for (int i = random.nextInt(4); i > 0; i--) {
                    rtpWriter.addCsrc(random.nextInt());
                }
                byte[] payload = new byte[random.nextInt(200)];
                length = rtpWriter.write(valid, 0, valid.length, payload, 0, payload.length);
            } else {
                length = reportWriter.startSenderReport(1, 2, 3, 4, 5).addReportBlock(1, 2, 3, 4, 5, 6, 7)
                    .write(valid, 0, valid.length);
                length += RtcpWriter.writeSdesCname(valid, length, valid.length - length, 1, new byte[] {65, 66}, 0, 2);
                length += NackWriter.writeLost(valid, length, valid.length - length, 1, 2, new int[] {1, 3, 40}, 3);
                feedbackWriter.reset(1, 2, random.nextInt(65536), 0);
                for (int i = random.nextInt(1, 400); i > 0; i--) {
                    if (random.nextInt(3) == 0) {
                        feedbackWriter.addLost();
                    } else {
                        feedbackWriter.addReceived(i * (long) random.nextInt(1, 100_000));
                    }
                }
                length += feedbackWriter.write(valid, length, valid.length - length);
                length += RtcpWriter.writeFir(valid, length, valid.length - length, 1, new int[] {9}, new int[] {1}, 1);
            }
            byte[] hostile = Arrays.copyOf(valid, random.nextInt(length + 1));
            for (int flips = random.nextInt(4); flips > 0 && hostile.length > 0; flips--) {
                hostile[random.nextInt(hostile.length)] = (byte) random.nextInt(256);
            }
            parseEverything(hostile, "corrupted packet, seed " + (SEED + 1) + " case " + c);
        }
    }

    private void parseEverything(byte[] bytes, String where) {
        try {
            if (rtp.wrap(bytes, 0, bytes.length) == ParseStatus.OK) {
                for (int id = 1; id < 16; id++) {
                    int at = rtp.extensionOffset(id);
                    assertTrue(at == RtpPacketView.NOT_FOUND || at + rtp.extensionLength(id) <= bytes.length, where);
                    rtp.transportSequenceNumber(id);
                    rtp.absoluteCaptureTimeNtp(id);
                }
                for (int i = 0; i < rtp.csrcCount(); i++) {
                    rtp.csrc(i);
                }
                assertTrue(rtp.payloadOffset() + rtp.payloadLength() <= bytes.length, where);
                assertTrue(rtp.payloadLength() >= 0, where);
            }
            reader.wrap(bytes, 0, bytes.length);
            int packets = 0;
            while (reader.next()) {
                assertTrue(++packets <= bytes.length / 4, where);
                parsePacket(reader.buffer(), reader.packetOffset(), reader.packetLength(), where);
            }
            // Every view on the raw datagram too, as a caller might do without the reader.
            parsePacket(bytes, 0, bytes.length, where);
        } catch (RuntimeException | StackOverflowError e) {
            fail(where + ": " + e, e);
        }
    }

    private void parsePacket(byte[] b, int offset, int length, String where) {
        if (report.wrap(b, offset, length) == ParseStatus.OK) {
            for (int i = 0; i < report.reportCount(); i++) {
                report.reportSsrc(i);
                report.delaySinceLastSr(i);
            }
            if (report.isSenderReport()) {
                report.senderOctetCount();
            }
        }
        if (sdes.wrap(b, offset, length) == ParseStatus.OK) {
            int items = 0;
            while (sdes.nextChunk()) {
                while (sdes.nextItem()) {
                    assertTrue(++items <= length, where);
                    assertTrue(sdes.itemOffset() + sdes.itemLength() <= offset + length, where);
                }
            }
        }
        if (bye.wrap(b, offset, length) == ParseStatus.OK) {
            for (int i = 0; i < bye.ssrcCount(); i++) {
                bye.ssrc(i);
            }
            assertTrue(bye.reasonOffset() + bye.reasonLength() <= offset + length, where);
        }
        if (app.wrap(b, offset, length) == ParseStatus.OK) {
            assertTrue(app.dataOffset() + app.dataLength() <= offset + length, where);
        }
        if (nack.wrap(b, offset, length) == ParseStatus.OK) {
            for (int i = 0; i < nack.entryCount(); i++) {
                nack.packetId(i);
                nack.lostBitmask(i);
            }
        }
        if (pli.wrap(b, offset, length) == ParseStatus.OK) {
            pli.mediaSsrc();
        }
        if (fir.wrap(b, offset, length) == ParseStatus.OK) {
            for (int i = 0; i < fir.entryCount(); i++) {
                fir.commandSequenceNumber(i);
            }
        }
        if (feedback.wrap(b, offset, length) == ParseStatus.OK) {
            int walked = 0;
            while (feedback.nextPacket()) {
                walked++;
                feedback.packetArrivalTimeUs();
            }
            assertTrue(walked == feedback.packetStatusCount(), where);
        }
    }
}
