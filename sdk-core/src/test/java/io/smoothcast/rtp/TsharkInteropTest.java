package io.smoothcast.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packets serialised by our writers, written to a pcap and decoded by tshark: tshark must flag
 * none of them as malformed, and its fields must equal what we wrote.
 */
@Tag("interop")
class TsharkInteropTest {

    private static final int RTP_PORT = 5004;
    private static final int RTCP_PORT = 5005;
    private static final int MEDIA_SSRC = 0x11223344;
    private static final int RECEIVER_SSRC = 0x55667788;
    private static final RtpHeaderExtensionIds IDS = RtpHeaderExtensionIds.defaults();

    @TempDir
    Path dir;

    /** One datagram we wrote, in capture order (frame number = index + 1). */
    private static final class Datagram {
        final int port;
        final byte[] bytes;

        Datagram(int port, byte[] bytes) {
            this.port = port;
            this.bytes = bytes;
        }
    }

    @BeforeAll
    static void requireTshark() {
        Assumptions.assumeTrue(ExternalTool.onPath("tshark"), "tshark is not installed (apt-get install tshark); skipping");
    }

    @Test
    void tshark_decodesOurPackets_withoutMalformed_andWithOurFieldValues() throws Exception {
        List<Datagram> datagrams = new ArrayList<>();
        byte[] buf = new byte[2048];
        RtpPacketWriter rtp = new RtpPacketWriter();
        byte[] payload = new byte[100];
        Arrays.fill(payload, (byte) 0x5A);
        for (int i = 0; i < 5; i++) {
            int length = rtp.reset().payloadType(96).marker(i == 4).sequenceNumber((65533 + i) & 0xFFFF)
                .timestamp(0xFFFFF000 + 3000 * i).ssrc(MEDIA_SSRC)
                .addTransportSequenceNumber(IDS.transportSequenceNumberId(), 1000 + i)
                .addAbsoluteCaptureTime(IDS.absoluteCaptureTimeId(), NtpTime.fromUnixNanos(1_700_000_000_000_000_000L + i * 33_000_000L))
                .write(buf, 0, buf.length, payload, 0, payload.length);
            datagrams.add(new Datagram(RTP_PORT, Arrays.copyOf(buf, length)));
        }
        int twoByteLength = rtp.reset().payloadType(111).sequenceNumber(2).timestamp(12345).ssrc(MEDIA_SSRC)
            .addCsrc(0xC5C5C5C5).addCsrc(0x0A0B0C0D).paddingLength(7).forceTwoByteExtensions(true)
            .addTransportSequenceNumber(IDS.transportSequenceNumberId(), 1005)
            .write(buf, 0, buf.length, payload, 0, 40);
        datagrams.add(new Datagram(RTP_PORT, Arrays.copyOf(buf, twoByteLength)));

        byte[] cname = "smoothcast@test".getBytes(StandardCharsets.UTF_8);
        RtcpReportWriter reports = new RtcpReportWriter();
        // SR + SDES.
        int p = reports.startSenderReport(MEDIA_SSRC, NtpTime.fromUnixNanos(1_700_000_000_500_000_000L), 0x12345678, 5, 500)
            .addReportBlock(RECEIVER_SSRC, 12, 3, 0x10005, 77, 0x11112222, 0x8000).write(buf, 0, buf.length);
        p += RtcpWriter.writeSdesCname(buf, p, buf.length - p, MEDIA_SSRC, cname, 0, cname.length);
        datagrams.add(new Datagram(RTCP_PORT, Arrays.copyOf(buf, p)));
        // RR with two blocks + SDES.
        p = reports.startReceiverReport(RECEIVER_SSRC)
            .addReportBlock(MEDIA_SSRC, 255, -5, 0x2FFFF, 1234, 0, 0)
            .addReportBlock(0x99999999, 0, 8_000_000, 7, 0, 0x01020304, 0x00050000).write(buf, 0, buf.length);
        p += RtcpWriter.writeSdesCname(buf, p, buf.length - p, RECEIVER_SSRC, cname, 0, cname.length);
        datagrams.add(new Datagram(RTCP_PORT, Arrays.copyOf(buf, p)));
        // RR + NACK + PLI.
        p = reports.startReceiverReport(RECEIVER_SSRC).write(buf, 0, buf.length);
        p += NackWriter.writeLost(buf, p, buf.length - p, RECEIVER_SSRC, MEDIA_SSRC, new int[] {100, 101, 103, 140, 65535, 3}, 6);
        p += RtcpWriter.writePli(buf, p, buf.length - p, RECEIVER_SSRC, MEDIA_SSRC);
        datagrams.add(new Datagram(RTCP_PORT, Arrays.copyOf(buf, p)));
        // RR + FIR.
        p = reports.startReceiverReport(RECEIVER_SSRC).write(buf, 0, buf.length);
        p += RtcpWriter.writeFir(buf, p, buf.length - p, RECEIVER_SSRC, new int[] {MEDIA_SSRC}, new int[] {9}, 1);
        datagrams.add(new Datagram(RTCP_PORT, Arrays.copyOf(buf, p)));
        // RR + BYE with reason.
        p = reports.startReceiverReport(RECEIVER_SSRC).write(buf, 0, buf.length);
        byte[] reason = "done".getBytes(StandardCharsets.US_ASCII);
        p += RtcpWriter.writeBye(buf, p, buf.length - p, new int[] {RECEIVER_SSRC}, 1, reason, 0, reason.length);
        datagrams.add(new Datagram(RTCP_PORT, Arrays.copyOf(buf, p)));
        // RR + APP.
        p = reports.startReceiverReport(RECEIVER_SSRC).write(buf, 0, buf.length);
        p += RtcpWriter.writeApp(buf, p, buf.length - p, 3, RECEIVER_SSRC, 0x534D4353, new byte[] {1, 2, 3, 4}, 0, 4);
        datagrams.add(new Datagram(RTCP_PORT, Arrays.copyOf(buf, p)));
        // Transport-cc feedback alone, then inside a compound with an RR and a NACK.
        TransportCcFeedbackWriter feedback = new TransportCcFeedbackWriter(200);
        fillFeedback(feedback, 65530, 3);
        p = feedback.write(buf, 0, buf.length);
        datagrams.add(new Datagram(RTCP_PORT, Arrays.copyOf(buf, p)));
        p = reports.startReceiverReport(RECEIVER_SSRC).write(buf, 0, buf.length);
        fillFeedback(feedback, 40, 4);
        p += feedback.write(buf, p, buf.length - p);
        p += NackWriter.writeLost(buf, p, buf.length - p, RECEIVER_SSRC, MEDIA_SSRC, new int[] {7}, 1);
        datagrams.add(new Datagram(RTCP_PORT, Arrays.copyOf(buf, p)));

        Path pcap = dir.resolve("ours.pcap");
        PcapWriter writer = new PcapWriter();
        long timeUs = 1_700_000_000_000_000L;
        for (Datagram d : datagrams) {
            writer.add(timeUs += 1000, d.port == RTP_PORT ? 40000 : 40001, d.port, d.bytes, 0, d.bytes.length);
        }
        writer.writeTo(pcap);

        assertEquals(List.of(), tshark(pcap, "_ws.malformed || _ws.expert.severity >= error", "frame.number", "_ws.expert"),
            "tshark flags none of our packets as malformed");
        assertEquals(datagrams.size(), tshark(pcap, "rtp || rtcp", "frame.number").size(), "every packet decodes as RTP or RTCP");

        // RTP: header fields, both extensions, CSRCs and padding.
        List<String> expectedRtp = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long ntp = NtpTime.fromUnixNanos(1_700_000_000_000_000_000L + i * 33_000_000L);
            expectedRtp.add(((65533 + i) & 0xFFFF) + "|" + ((0xFFFFF000L + 3000L * i) & 0xFFFFFFFFL) + "|0x11223344|"
                + (i == 4 ? 1 : 0) + "|96|5,6|" + String.format("%04x,%016x", 1000 + i, ntp) + "||");
        }
        expectedRtp.add("2|12345|0x11223344|0|111|5|03ed|0xc5c5c5c5,0x0a0b0c0d|7");
        assertEquals(expectedRtp, tshark(pcap, "rtp", "rtp.seq", "rtp.timestamp", "rtp.ssrc", "rtp.marker", "rtp.p_type",
            "rtp.ext.rfc5285.id", "rtp.ext.rfc5285.data", "rtp.csrc.item", "rtp.padding.count"));

        // SR and RR with their report blocks, and the SDES CNAME that follows each.
        long srNtp = NtpTime.fromUnixNanos(1_700_000_000_500_000_000L);
        assertEquals(List.of(
                "200,202|0x11223344|" + (srNtp >>> 32) + "|" + (srNtp & 0xFFFFFFFFL) + "|305419896|5|500|12|3|65541|77|286335522|32768|smoothcast@test",
                "201,202|0x55667788||||||255,0|-5,8000000|196607,7|1234,0|0,16909060|0,327680|smoothcast@test"),
            tshark(pcap, "rtcp.sdes.type == 1", "rtcp.pt", "rtcp.senderssrc",
                "rtcp.timestamp.ntp.msw", "rtcp.timestamp.ntp.lsw", "rtcp.timestamp.rtp", "rtcp.sender.packetcount",
                "rtcp.sender.octetcount", "rtcp.ssrc.fraction", "rtcp.ssrc.cum_nr", "rtcp.ssrc.ext_high", "rtcp.ssrc.jitter",
                "rtcp.ssrc.lsr", "rtcp.ssrc.dlsr", "rtcp.sdes.text"));

        // Generic NACK: tshark lists each entry's PID followed by the packets its BLP marks lost
        // (without wrapping at 65536), and each entry's BLP.
        assertEquals(List.of(
                "100,101,103,140,65535,65539|0x0005,0x0000,0x0008",
                "7|0x0000"),
            tshark(pcap, "rtcp.rtpfb.fmt == 1", "rtcp.rtpfb.nack_pid", "rtcp.rtpfb.nack_blp"));

        // PLI (in a compound after a NACK: both name the media SSRC) and FIR (media SSRC unused: 0).
        assertEquals(List.of("1|0x11223344,0x11223344", "4|0x00000000"),
            tshark(pcap, "rtcp.psfb.fmt", "rtcp.psfb.fmt", "rtcp.mediassrc"));
        assertEquals(List.of("0x11223344|9"), tshark(pcap, "rtcp.psfb.fmt == 4", "rtcp.psfb.fir.fci.ssrc", "rtcp.psfb.fir.fci.csn"));
        // BYE with its reason, APP with its name.
        assertEquals(List.of("0x55667788|done"), tshark(pcap, "rtcp.pt == 203", "rtcp.ssrc.identifier", "rtcp.sdes.text"));
        assertEquals(List.of("SMCS|3"), tshark(pcap, "rtcp.pt == 204", "rtcp.app.name", "rtcp.app.subtype"));

        // Transport-cc: base sequence, status count, reference time, feedback count, and every receive delta.
        List<String> feedbackRows = tshark(pcap, "rtcp.rtpfb.fmt == 15", "rtcp.rtpfb.transportcc.baseseq",
            "rtcp.rtpfb.transportcc.statuscount", "rtcp.rtpfb.transportcc.reftime", "rtcp.rtpfb.transportcc.pktcount",
            "rtcp.rtpfb.transportcc.recv_delta", "rtcp.rtpfb.transportcc.pktchunk");
        assertEquals(2, feedbackRows.size());
        long[] arrivals = fillFeedback(feedback, 0, 0);
        String[] first = feedbackRows.get(0).split("\\|");
        String[] second = feedbackRows.get(1).split("\\|");
        assertEquals(List.of("65530", "69", Long.toString(Math.floorDiv(arrivals[0], 64_000)), "3"), Arrays.asList(first).subList(0, 4));
        assertEquals(List.of("40", "69", Long.toString(Math.floorDiv(arrivals[0], 64_000)), "4"), Arrays.asList(second).subList(0, 4));
        List<Integer> expectedDeltas = expectedDeltaTicks(arrivals);
        assertEquals(expectedDeltas, parseDeltas(first[4]));
        assertEquals(expectedDeltas, parseDeltas(second[4]));
        // Chunk kinds: a run of 20 small deltas, a one-bit vector, a two-bit vector, a run of losses, a run of 1 large delta.
        assertEquals("8212,38229,59456,27,16385", first[5]);
    }

    /** Receive deltas in 250 us ticks as the draft defines them, from arrival times (lost: Long.MIN_VALUE). */
    private static List<Integer> expectedDeltaTicks(long[] arrivalsUs) {
        List<Integer> deltas = new ArrayList<>();
        long previous = Long.MIN_VALUE;
        for (long arrival : arrivalsUs) {
            if (arrival == Long.MIN_VALUE) {
                continue;
            }
            long ticks = Math.floorDiv(arrival, 250);
            if (previous == Long.MIN_VALUE) {
                previous = Math.floorDiv(arrival, 64_000) * 256;
            }
            deltas.add((int) (ticks - previous));
            previous = ticks;
        }
        return deltas;
    }

    /** tshark prints a small delta as 2 hex digits and a large one as 4 (two's complement). */
    private static List<Integer> parseDeltas(String field) {
        List<Integer> deltas = new ArrayList<>();
        for (String hex : field.split(",")) {
            int raw = Integer.parseInt(hex.substring(2), 16);
            deltas.add(hex.length() == 6 ? (int) (short) raw : raw);
        }
        return deltas;
    }

    /** 20 small deltas (a run), alternating loss (one-bit vector), large and negative deltas (two-bit vector), 30 lost (a run), a final packet. */
    private static long[] fillFeedback(TransportCcFeedbackWriter feedback, int base, int feedbackCount) {
        List<Long> arrivals = new ArrayList<>();
        long t = 5_000_000_123L;
        for (int i = 0; i < 20; i++) {
            arrivals.add(t += 1_000);
        }
        for (int i = 0; i < 14; i++) {
            arrivals.add(i % 2 == 0 ? Long.MIN_VALUE : (t += 2_750));
        }
        arrivals.add(t += 100_000);
        arrivals.add(t -= 20_000);
        arrivals.add(Long.MIN_VALUE);
        arrivals.add(t += 500);
        for (int i = 0; i < 30; i++) {
            arrivals.add(Long.MIN_VALUE);
        }
        arrivals.add(t + 70_000);
        feedback.reset(RECEIVER_SSRC, MEDIA_SSRC, base, feedbackCount);
        long[] result = new long[arrivals.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = arrivals.get(i);
            boolean added = result[i] == Long.MIN_VALUE ? feedback.addLost() : feedback.addReceived(result[i]);
            assertTrue(added);
        }
        return result;
    }

    private List<String> tshark(Path pcap, String filter, String... fields) throws Exception {
        List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString(),
            "-d", "udp.port==" + RTP_PORT + ",rtp", "-d", "udp.port==" + RTCP_PORT + ",rtcp",
            "-Y", filter, "-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,"));
        for (String field : fields) {
            command.add("-e");
            command.add(field);
        }
        ExternalTool.Result result = ExternalTool.run(30, dir, command.toArray(new String[0]));
        assertEquals(0, result.exitCode, "tshark failed: " + result.stderr);
        return result.lines();
    }
}
