package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.smoothcast.netsim.LinkModel;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standard check: everything a relay, a broadcaster and a viewer put on the wire (RTP, RTX,
 * RTCP feedback: generic NACK, PLI, transport-cc; plus our control messages) is captured on the
 * loopback interface with dumpcap and decoded by tshark without a single malformed packet.
 * Loss between viewer and relay makes the NACK/RTX path run.
 */
@Tag("interop")
class WiresharkInteropIT {

    @TempDir
    Path dir;

    private static boolean onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, name))) {
                return true;
            }
        }
        return false;
    }

    @Test
    @Timeout(90)
    void everyPacketOnTheWire_decodesWithoutMalformedFlags() throws Exception {
        assumeTrue(onPath("dumpcap") && onPath("tshark") && onPath("timeout"), "dumpcap and tshark are needed");
        Path pcap = dir.resolve("smoothcast.pcap");
        int relayPort;
        int broadcasterPort;
        long plisSent;
        try (RelayNode relay = RelayNode.builder().build().start();
                NetworkEmulator lossy = NetworkEmulator.builder().target(relay.localAddress())
                        .toTarget(LinkModel.builder().constantCapacityBps(50_000_000L).randomLoss(0.05).seed(5))
                        .fromTarget(LinkModel.builder().constantCapacityBps(50_000_000L).randomLoss(0.05).seed(6))
                        .build().start()) {
            relayPort = relay.localAddress().getPort();
            Process dumpcap = new ProcessBuilder("timeout", "-s", "INT", "60", "dumpcap", "-i", "lo", "-q",
                    "-f", "udp port " + relayPort, "-w", pcap.toString()).redirectErrorStream(true).start();
            try {
                awaitCapturing(dumpcap);
                FrameCollector collector = new FrameCollector(149);
                int port;
                try (Viewer viewer = Viewer.builder().node(lossy.localAddress()).streamId("it-show")
                        .fixedPlayoutDelayMs(300).listener(collector).build().start()) {
                    FrameCollector.await(collector.connected, 10, "viewer connected");
                    try (Broadcaster broadcaster = BroadcastThroughRelayIT.connectedBroadcaster(relay, new AtomicInteger())) {
                        port = broadcaster.localAddress().getPort();
                        // A viewer joining a live stream makes the relay ask the publisher for a
                        // keyframe: a PLI on the wire whatever the loss pattern repairs or not. It
                        // joins a second into the stream, well after the keyframe request the
                        // publisher got at publish time (the relay spaces them 200 ms apart).
                        CountDownLatch midStream = new CountDownLatch(1);
                        AtomicReference<Throwable> sendFailure = new AtomicReference<>();
                        Thread sender = new Thread(() -> {
                            try {
                                BroadcastThroughRelayIT.sendFrames(broadcaster, 150, i -> {
                                    if (i == 30) {
                                        midStream.countDown();
                                    }
                                });
                            } catch (Throwable t) {
                                sendFailure.set(t);
                            } finally {
                                midStream.countDown();
                            }
                        }, "it-sender");
                        sender.start();
                        FrameCollector.await(midStream, 30, "30 frames sent");
                        FrameCollector lateCollector = new FrameCollector(1);
                        try (Viewer late = Viewer.builder().node(relay.localAddress()).streamId("it-show")
                                .fixedPlayoutDelayMs(300).listener(lateCollector).build().start()) {
                            FrameCollector.await(lateCollector.connected, 10, "late viewer connected");
                            sender.join(TimeUnit.SECONDS.toMillis(40));
                            assertNull(sendFailure.get(), "sending frames");
                            FrameCollector.await(collector.lastFrame, 10, "last frame");
                        }
                    }
                }
                broadcasterPort = port;
            } finally {
                plisSent = relay.stats().keyframeRequestsForwarded();
                stop(dumpcap);
            }
        }
        // Our control messages (first byte 0x0A) have no Wireshark dissector; tshark's heuristics
        // sometimes take them for DNS and then call them malformed, so they are left out.
        String notControl = "!(udp.payload[0:1] == 0a)";
        List<String> malformed = tshark("-Y", "_ws.malformed && " + notControl, "-T", "fields", "-e", "frame.number",
                "-e", "_ws.col.Info");
        List<String> rtp = tshark("-Y", "rtp", "-T", "fields", "-e", "rtp.ssrc");
        List<String> nacks = tshark("-Y", "rtcp.rtpfb.fmt == 1", "-T", "fields", "-e", "rtcp.rtpfb.nack_pid");
        // The heuristic RTCP dissector skips padded packets such as transport-cc feedback: decode
        // what the relay sends to the broadcaster as RTCP explicitly.
        String toBroadcaster = "udp.srcport == " + relayPort + " && udp.dstport == " + broadcasterPort + " && " + notControl;
        List<String> feedbackMalformed = tshark("-d", "udp.port==" + broadcasterPort + ",rtcp",
                "-Y", toBroadcaster + " && _ws.malformed", "-T", "fields", "-e", "frame.number");
        List<String> transportCc = tshark("-d", "udp.port==" + broadcasterPort + ",rtcp",
                "-Y", toBroadcaster + " && rtcp.rtpfb.fmt == 15", "-T", "fields", "-e", "rtcp.rtpfb.transportcc.statuscount");
        // The relay's keyframe request to the publisher is a lone 12-byte PLI, which the heuristic
        // dissector does not pick up either: decode it the same explicit way.
        List<String> plis = tshark("-d", "udp.port==" + broadcasterPort + ",rtcp",
                "-Y", toBroadcaster + " && rtcp.psfb.fmt == 1", "-T", "fields", "-e", "frame.number");
        String detail = rtp.size() + " RTP, " + nacks.size() + " NACK, " + transportCc.size() + " transport-cc, "
                + plis.size() + " PLI packets (relay sent " + plisSent + "); malformed: " + malformed;
        System.out.println("WiresharkInteropIT: " + detail);
        assertEquals(List.of(), malformed, detail);
        assertEquals(List.of(), feedbackMalformed, detail);
        assertTrue(rtp.size() > 300, detail);
        assertTrue(!nacks.isEmpty() && !transportCc.isEmpty() && !plis.isEmpty(), detail);
    }

    /** Waits (bounded) until dumpcap reports that it captures. */
    private static void awaitCapturing(Process dumpcap) throws InterruptedException {
        CountDownLatch capturing = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(dumpcap.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.contains("Capturing on")) {
                        capturing.countDown();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "dumpcap-output");
        reader.setDaemon(true);
        reader.start();
        FrameCollector.await(capturing, 10, "dumpcap to start capturing");
    }

    private static void stop(Process dumpcap) throws InterruptedException {
        dumpcap.toHandle().descendants().forEach(ProcessHandle::destroy); // SIGTERM: dumpcap flushes
        dumpcap.destroy();
        if (!dumpcap.waitFor(10, TimeUnit.SECONDS)) {
            dumpcap.destroyForcibly();
        }
    }

    /** Runs tshark on the capture with RTP/RTCP heuristics on; returns its non-blank lines. */
    private List<String> tshark(String... filter) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("timeout", "-s", "KILL", "60", "tshark", "-n",
                "-r", dir.resolve("smoothcast.pcap").toString(),
                "-o", "rtp.heuristic_rtp:TRUE", "-o", "rtcp.heuristic_rtcp:TRUE"));
        command.addAll(List.of(filter));
        Process tshark = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(tshark.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
        }
        assertTrue(tshark.waitFor(70, TimeUnit.SECONDS), "tshark finished");
        assertEquals(0, tshark.exitValue(), "tshark exit code for " + command);
        return lines;
    }
}
