package io.smoothcast.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real RTP and RTCP from GStreamer, parsed by us and by tshark, must agree field by field.
 *
 * <p>A GStreamer sender (rtpbin, H.264, transport-wide sequence numbers) and receiver (rtpbin
 * with AVPF, retransmission requests and transport-cc feedback) talk through a relay of plain
 * {@link DatagramSocket}s in this test, which keeps every datagram and drops a few RTP packets so
 * the receiver sends real generic NACKs. The kept datagrams go into a pcap; for every one of them
 * our parser's reading must equal tshark's decoding.
 */
@Tag("interop")
class GStreamerInteropTest {

    private static final String TWCC_URI = RtpHeaderExtensionIds.TRANSPORT_SEQUENCE_NUMBER_URI;
    private static final int TWCC_ID = 5;
    private static final int PCAP_RTP_PORT = 5004;
    private static final int PCAP_RTCP_PORT = 5005;

    @TempDir
    Path dir;

    @BeforeAll
    static void requirePeers() throws Exception {
        Assumptions.assumeTrue(ExternalTool.onPath("tshark"), "tshark is not installed (apt-get install tshark); skipping");
        Assumptions.assumeTrue(ExternalTool.onPath("gst-launch-1.0"),
            "gst-launch-1.0 is not installed (apt-get install gstreamer1.0-tools gstreamer1.0-plugins-good "
                + "gstreamer1.0-plugins-bad); skipping");
        Assumptions.assumeTrue(ExternalTool.onPath("gst-inspect-1.0")
                && ExternalTool.run(20, Path.of("."), "gst-inspect-1.0", "openh264enc").exitCode == 0,
            "GStreamer element openh264enc is missing (apt-get install gstreamer1.0-plugins-bad); skipping");
    }

    /** One datagram seen by the relay. */
    private static final class Captured {
        final long timeUs;
        final int sourcePort;
        final int destinationPort;
        final byte[] bytes;

        Captured(long timeUs, int sourcePort, int destinationPort, byte[] bytes) {
            this.timeUs = timeUs;
            this.sourcePort = sourcePort;
            this.destinationPort = destinationPort;
            this.bytes = bytes;
        }
    }

    /** Forwards datagrams from one socket to a fixed destination, keeping a copy of each. */
    private static final class Relay implements Runnable {
        final DatagramSocket socket;
        final InetSocketAddress target;
        final int pcapSourcePort;
        final int pcapDestinationPort;
        final List<Captured> captured;
        final boolean dropSome;
        volatile boolean running = true;

        Relay(InetSocketAddress target, int pcapSourcePort, int pcapDestinationPort, List<Captured> captured,
              boolean dropSome) throws SocketException {
            this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            this.socket.setSoTimeout(100);
            this.target = target;
            this.pcapSourcePort = pcapSourcePort;
            this.pcapDestinationPort = pcapDestinationPort;
            this.captured = captured;
            this.dropSome = dropSome;
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void run() {
            byte[] buffer = new byte[65536];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            while (running) {
                try {
                    packet.setLength(buffer.length);
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    continue;
                } catch (IOException e) {
                    return; // closed
                }
                byte[] copy = Arrays.copyOf(buffer, packet.getLength());
                synchronized (captured) {
                    captured.add(new Captured(System.currentTimeMillis() * 1000, pcapSourcePort, pcapDestinationPort, copy));
                }
                // Drop every 40th RTP packet (by sequence number) so the receiver asks for it again.
                if (dropSome && copy.length >= 4 && ((((copy[2] & 0xFF) << 8) | (copy[3] & 0xFF)) % 40) == 7) {
                    continue;
                }
                try {
                    socket.send(new DatagramPacket(copy, copy.length, target));
                } catch (IOException e) {
                    // The peer may already be gone at the end of the run; the copy is kept.
                }
            }
        }
    }

    @Test
    void gstreamerRtpAndRtcp_parsedByUs_equalTsharksDecoding() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        int receiverRtpPort = freePort();
        int receiverRtcpPort = freePort();
        int senderRtcpPort = freePort();
        List<Captured> captured = new ArrayList<>();
        Relay media = new Relay(new InetSocketAddress(loopback, receiverRtpPort), 40000, PCAP_RTP_PORT, captured, true);
        Relay senderReports = new Relay(new InetSocketAddress(loopback, receiverRtcpPort), 40001, PCAP_RTCP_PORT, captured, false);
        Relay feedback = new Relay(new InetSocketAddress(loopback, senderRtcpPort), 40002, PCAP_RTCP_PORT, captured, false);
        List<Relay> relays = List.of(media, senderReports, feedback);
        List<Thread> threads = new ArrayList<>();
        Process receiver = null;
        Process sender = null;
        int senderExit = -1;
        try {
            for (Relay relay : relays) {
                Thread thread = new Thread(relay, "relay-" + relay.port());
                thread.setDaemon(true);
                thread.start();
                threads.add(thread);
            }
            receiver = ExternalTool.start(8, dir, dir.resolve("receiver.log"),
                "gst-launch-1.0", "-q", "rtpbin", "name=rtpbin", "rtp-profile=avpf", "do-retransmission=true",
                "udpsrc", "address=127.0.0.1", "port=" + receiverRtpPort,
                "caps=application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96,"
                    + "rtcp-fb-nack=(boolean)true,rtcp-fb-transport-cc=(boolean)true,extmap-" + TWCC_ID + "=" + TWCC_URI,
                "!", "rtpbin.recv_rtp_sink_0",
                "rtpbin.", "!", "rtph264depay", "!", "h264parse", "!", "fakesink",
                "udpsrc", "address=127.0.0.1", "port=" + receiverRtcpPort, "!", "rtpbin.recv_rtcp_sink_0",
                "rtpbin.send_rtcp_src_0", "!", "udpsink", "host=127.0.0.1", "port=" + feedback.port(), "sync=false", "async=false");
            sender = ExternalTool.start(12, dir, dir.resolve("sender.log"),
                "gst-launch-1.0", "-q", "rtpbin", "name=rtpbin", "rtp-profile=avpf",
                "videotestsrc", "num-buffers=90", "is-live=true", "!", "video/x-raw,width=320,height=240,framerate=30/1",
                "!", "openh264enc", "gop-size=30", "!", "h264parse", "!", "rtph264pay", "pt=96", "mtu=1200", "config-interval=-1",
                "!", "application/x-rtp,extmap-" + TWCC_ID + "=" + TWCC_URI, "!", "rtpbin.send_rtp_sink_0",
                "rtpbin.send_rtp_src_0", "!", "udpsink", "host=127.0.0.1", "port=" + media.port(),
                "rtpbin.send_rtcp_src_0", "!", "udpsink", "host=127.0.0.1", "port=" + senderReports.port(), "sync=false", "async=false",
                "udpsrc", "address=127.0.0.1", "port=" + senderRtcpPort, "!", "rtpbin.recv_rtcp_sink_0");
            assertTrue(sender.waitFor(20, TimeUnit.SECONDS), "sender did not finish");
            // gst-launch has been seen to exit non-zero on a heavily loaded machine after sending
            // everything (its log then holds only openh264's harmless end-of-stream complaint).
            // What matters is what it sent: the assertions below check every datagram, and fail
            // with this log if too little arrived.
            senderExit = sender.exitValue();
            // The receiver keeps sending feedback until its own timeout ends it.
            assertTrue(receiver.waitFor(20, TimeUnit.SECONDS), "receiver did not finish");
        } finally {
            if (sender != null) {
                sender.destroyForcibly();
            }
            if (receiver != null) {
                receiver.destroyForcibly();
            }
            for (Relay relay : relays) {
                relay.running = false;
                relay.socket.close();
            }
            for (Thread thread : threads) {
                thread.join(5_000);
            }
        }

        List<Captured> datagrams;
        synchronized (captured) {
            datagrams = new ArrayList<>(captured);
        }
        Path pcap = dir.resolve("gstreamer.pcap");
        PcapWriter writer = new PcapWriter();
        for (Captured c : datagrams) {
            writer.add(c.timeUs, c.sourcePort, c.destinationPort, c.bytes, 0, c.bytes.length);
        }
        writer.writeTo(pcap);

        ExternalTool.Result tshark = ExternalTool.run(30, dir, "tshark", "-n", "-r", pcap.toString(),
            "-d", "udp.port==" + PCAP_RTP_PORT + ",rtp", "-d", "udp.port==" + PCAP_RTCP_PORT + ",rtcp",
            "-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,",
            "-e", "frame.number", "-e", "_ws.malformed",
            "-e", "rtp.seq", "-e", "rtp.timestamp", "-e", "rtp.ssrc", "-e", "rtp.marker", "-e", "rtp.p_type",
            "-e", "rtp.ext.rfc5285.id", "-e", "rtp.ext.rfc5285.data",
            "-e", "rtcp.pt", "-e", "rtcp.rtpfb.fmt", "-e", "rtcp.psfb.fmt",
            "-e", "rtcp.rtpfb.transportcc.baseseq", "-e", "rtcp.rtpfb.transportcc.statuscount",
            "-e", "rtcp.rtpfb.transportcc.reftime", "-e", "rtcp.rtpfb.transportcc.pktcount",
            "-e", "rtcp.rtpfb.transportcc.recv_delta", "-e", "rtcp.rtpfb.nack_pid", "-e", "rtcp.rtpfb.nack_blp");
        assertEquals(0, tshark.exitCode, "tshark failed: " + tshark.stderr);
        List<String> rows = new ArrayList<>();
        for (String line : tshark.stdout.split("\n", -1)) {
            if (!line.isEmpty()) {
                rows.add(line);
            }
        }
        assertEquals(datagrams.size(), rows.size(), "tshark prints one row per datagram");

        Counts counts = new Counts();
        for (int i = 0; i < datagrams.size(); i++) {
            Captured c = datagrams.get(i);
            String where = "frame " + (i + 1);
            String ours = c.destinationPort == PCAP_RTP_PORT ? describeRtp(c.bytes, where, counts) : describeRtcp(c.bytes, where, counts);
            assertEquals(theirs(rows.get(i), c.destinationPort == PCAP_RTP_PORT), ours, where);
        }
        // The run must have exercised every kind of packet this test is about.
        final int exit = senderExit;
        assertTrue(counts.rtp >= 100, () -> "RTP packets: " + counts.rtp + ", sender exit " + exit + ": " + readLog("sender.log"));
        assertTrue(counts.senderReports >= 1, "sender reports: " + counts.senderReports);
        assertTrue(counts.receiverReports >= 1, "receiver reports: " + counts.receiverReports);
        assertTrue(counts.transportCc >= 10, "transport-cc feedback packets: " + counts.transportCc);
        assertTrue(counts.nacks >= 1, "generic NACKs: " + counts.nacks);
    }

    private static final class Counts {
        int rtp;
        int senderReports;
        int receiverReports;
        int transportCc;
        int nacks;
    }

    /** tshark's row reduced to the fields both sides report, in our format. */
    private static String theirs(String row, boolean rtp) {
        String[] f = row.split("\\|", -1);
        assertEquals("", f[1], "tshark marks frame " + f[0] + " malformed");
        if (rtp) {
            String twSeq = "";
            String[] ids = f[7].split(",");
            String[] data = f[8].split(",");
            for (int i = 0; i < ids.length; i++) {
                if (ids[i].equals(Integer.toString(TWCC_ID))) {
                    twSeq = Integer.toString(Integer.parseInt(data[i], 16));
                }
            }
            return "rtp seq=" + f[2] + " ts=" + f[3] + " ssrc=" + f[4] + " marker=" + f[5] + " pt=" + f[6] + " twseq=" + twSeq;
        }
        StringJoiner knownTypes = new StringJoiner(",");
        for (String type : f[9].split(",")) {
            if (!type.isEmpty() && RtcpPacketType.isKnown(Integer.parseInt(type))) {
                knownTypes.add(type);
            }
        }
        return "rtcp types=" + knownTypes + " rtpfb=" + f[10] + " psfb=" + f[11]
            + " twcc base=" + f[12] + " count=" + f[13] + " ref=" + f[14] + " fb=" + f[15] + " deltas=" + f[16]
            + " nack pid=" + f[17] + " blp=" + f[18];
    }

    private static String describeRtp(byte[] bytes, String where, Counts counts) {
        RtpPacketView view = new RtpPacketView();
        assertEquals(ParseStatus.OK, view.wrap(bytes, 0, bytes.length), where);
        counts.rtp++;
        int twSeq = view.transportSequenceNumber(TWCC_ID);
        return "rtp seq=" + view.sequenceNumber() + " ts=" + (view.timestamp() & 0xFFFFFFFFL)
            + " ssrc=" + String.format("0x%08x", view.ssrc()) + " marker=" + (view.marker() ? 1 : 0)
            + " pt=" + view.payloadType() + " twseq=" + (twSeq == RtpPacketView.NOT_FOUND ? "" : Integer.toString(twSeq));
    }

    private static String describeRtcp(byte[] bytes, String where, Counts counts) {
        RtcpCompoundReader reader = new RtcpCompoundReader();
        TransportCcFeedbackView twcc = new TransportCcFeedbackView();
        RtcpNackView nack = new RtcpNackView();
        RtcpReportView report = new RtcpReportView();
        StringJoiner types = new StringJoiner(",");
        StringJoiner rtpfb = new StringJoiner(",");
        StringJoiner psfb = new StringJoiner(",");
        StringJoiner base = new StringJoiner(",");
        StringJoiner statusCount = new StringJoiner(",");
        StringJoiner reference = new StringJoiner(",");
        StringJoiner feedbackCount = new StringJoiner(",");
        StringJoiner deltas = new StringJoiner(",");
        StringJoiner pids = new StringJoiner(",");
        StringJoiner blps = new StringJoiner(",");
        assertEquals(ParseStatus.OK, reader.wrap(bytes, 0, bytes.length), where);
        while (reader.next()) {
            int type = reader.packetType();
            types.add(Integer.toString(type));
            if (type == RtcpPacketType.SENDER_REPORT || type == RtcpPacketType.RECEIVER_REPORT) {
                assertEquals(ParseStatus.OK, report.wrap(reader.buffer(), reader.packetOffset(), reader.packetLength()), where);
                if (report.isSenderReport()) {
                    counts.senderReports++;
                } else {
                    counts.receiverReports++;
                }
            } else if (type == RtcpPacketType.TRANSPORT_FEEDBACK) {
                rtpfb.add(Integer.toString(reader.format()));
                if (reader.format() == RtcpPacketType.FMT_TRANSPORT_CC) {
                    assertEquals(ParseStatus.OK, twcc.wrap(reader.buffer(), reader.packetOffset(), reader.packetLength()), where);
                    counts.transportCc++;
                    base.add(Integer.toString(twcc.baseSequenceNumber()));
                    statusCount.add(Integer.toString(twcc.packetStatusCount()));
                    reference.add(Integer.toString((twcc.referenceTime() << 8) >> 8)); // tshark shows it signed
                    feedbackCount.add(Integer.toString(twcc.feedbackPacketCount()));
                    while (twcc.nextPacket()) {
                        if (twcc.packetStatus() == TransportCcFeedbackView.STATUS_SMALL_DELTA) {
                            deltas.add(String.format("0x%02x", twcc.packetDeltaTicks()));
                        } else if (twcc.packetStatus() == TransportCcFeedbackView.STATUS_LARGE_DELTA) {
                            deltas.add(String.format("0x%04x", twcc.packetDeltaTicks() & 0xFFFF));
                        }
                    }
                } else if (reader.format() == RtcpPacketType.FMT_GENERIC_NACK) {
                    assertEquals(ParseStatus.OK, nack.wrap(reader.buffer(), reader.packetOffset(), reader.packetLength()), where);
                    counts.nacks++;
                    for (int e = 0; e < nack.entryCount(); e++) {
                        int pid = nack.packetId(e);
                        int blp = nack.lostBitmask(e);
                        // tshark lists the PID, then each packet the BLP marks lost (without wrapping).
                        pids.add(Integer.toString(pid));
                        for (int bit = 0; bit < 16; bit++) {
                            if ((blp & (1 << bit)) != 0) {
                                pids.add(Integer.toString(pid + bit + 1));
                            }
                        }
                        blps.add(String.format("0x%04x", blp));
                    }
                }
            } else if (type == RtcpPacketType.PAYLOAD_FEEDBACK) {
                psfb.add(Integer.toString(reader.format()));
            }
        }
        assertEquals(ParseStatus.OK, reader.status(), where);
        return "rtcp types=" + types + " rtpfb=" + rtpfb + " psfb=" + psfb
            + " twcc base=" + base + " count=" + statusCount + " ref=" + reference + " fb=" + feedbackCount + " deltas=" + deltas
            + " nack pid=" + pids + " blp=" + blps;
    }

    private String readLog(String name) {
        try {
            return Files.readString(dir.resolve(name));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freePort() throws SocketException {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return probe.getLocalPort();
        }
    }
}
