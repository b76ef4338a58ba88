package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.smoothcast.security.FrameKey;
import io.smoothcast.security.SframeCipherSuite;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With end-to-end encryption on, what crosses the wire is still standard RTP to Wireshark (the
 * headers are in clear, nothing is malformed), while no frame's plaintext appears in any RTP
 * payload: dumpcap captures a broadcast through a relay on the loopback interface, tshark decodes
 * it, and every payload is searched for a slice of every frame sent.
 */
@Tag("interop")
class EncryptedWiresharkIT {

    private static final int FRAMES = 60;
    private static final long SEED = 7714L;
    private static final FrameKey KEY = FrameKey.of(SframeCipherSuite.AES_256_GCM_SHA512_128, 1,
            "0123456789abcdef0123456789abcdef".getBytes());

    @TempDir
    Path dir;

    @Test
    @Timeout(90)
    void encryptedMedia_isValidRtpWithClearHeaders_andNoPlaintextOnTheWire() throws Exception {
        assumeTrue(onPath("dumpcap") && onPath("tshark") && onPath("timeout"), "dumpcap and tshark are needed");
        Path pcap = dir.resolve("e2e.pcap");
        List<byte[]> sent = new ArrayList<>();
        try (RelayNode relay = RelayNode.builder().build().start()) {
            Process dumpcap = new ProcessBuilder("timeout", "-s", "INT", "60", "dumpcap", "-i", "lo", "-q",
                    "-f", "udp port " + relay.localAddress().getPort(), "-w", pcap.toString())
                    .redirectErrorStream(true).start();
            try {
                awaitCapturing(dumpcap);
                FrameCollector collector = new FrameCollector(FRAMES - 1);
                try (Viewer viewer = Viewer.builder().node(relay.localAddress()).streamId("it-e2e-wire")
                        .frameDecryptionKey(KEY).listener(collector).build().start()) {
                    FrameCollector.await(collector.connected, 10, "viewer connected");
                    CountDownLatch connected = new CountDownLatch(1);
                    try (Broadcaster broadcaster = Broadcaster.builder().node(relay.localAddress())
                            .streamId("it-e2e-wire").frameEncryption(KEY).listener(new BroadcasterListener() {
                                @Override
                                public void onStateChanged(ConnectionState state, String reason) {
                                    if (state == ConnectionState.CONNECTED) {
                                        connected.countDown();
                                    }
                                }
                            }).build().start()) {
                        FrameCollector.await(connected, 10, "broadcaster connected");
                        for (int i = 0; i < FRAMES; i++) {
                            byte[] frame = SyntheticFrames.frame(SEED, i, 3000);
                            sent.add(frame);
                            assertTrue(broadcaster.sendVideo(frame, 0, frame.length, i * 33_000_000L, i == 0));
                        }
                        FrameCollector.await(collector.lastFrame, 15, "last frame");
                    }
                }
                assertEquals(0, collector.corrupted());
            } finally {
                stop(dumpcap);
            }
        }
        List<String> malformed = tshark(pcap, "-Y", "_ws.malformed && !(udp.payload[0:1] == 0a)",
                "-T", "fields", "-e", "frame.number");
        List<String> payloads = tshark(pcap, "-Y", "rtp", "-T", "fields", "-e", "rtp.seq",
                "-e", "rtp.payload");
        assertEquals(List.of(), malformed);
        assertTrue(payloads.size() >= 2 * FRAMES, "RTP packets decoded by tshark: " + payloads.size());
        String wire = String.join("\n", payloads).replace(":", "");
        int searched = 0;
        for (byte[] frame : sent) {
            if (frame.length < SyntheticFrames.HEADER_BYTES + 24) {
                continue;
            }
            // 24 bytes from the middle of the frame body (random, so a match is no coincidence).
            int at = SyntheticFrames.HEADER_BYTES + (frame.length - SyntheticFrames.HEADER_BYTES - 24) / 2;
            String slice = HexFormat.of().formatHex(frame, at, at + 24);
            assertTrue(!wire.contains(slice), "plaintext of a frame found on the wire");
            searched++;
        }
        assertTrue(searched > FRAMES / 2, "frames searched for: " + searched);
    }

    private static boolean onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, name))) {
                return true;
            }
        }
        return false;
    }

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

    private static List<String> tshark(Path pcap, String... filter) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("timeout", "-s", "KILL", "60", "tshark", "-n",
                "-r", pcap.toString(), "-o", "rtp.heuristic_rtp:TRUE", "-o", "rtcp.heuristic_rtcp:TRUE"));
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
