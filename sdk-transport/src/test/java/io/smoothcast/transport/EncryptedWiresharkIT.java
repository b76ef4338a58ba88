package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.smoothcast.security.FrameKey;
import io.smoothcast.security.SframeCipherSuite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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
    @Timeout(180) // generous: under a loaded machine's load the JVM and the Wireshark tools start slowly
    void encryptedMedia_isValidRtpWithClearHeaders_andNoPlaintextOnTheWire() throws Exception {
        assumeTrue(LoopbackCapture.available(), "dumpcap and tshark are needed");
        Path pcap = dir.resolve("e2e.pcap");
        List<byte[]> sent = new ArrayList<>();
        LoopbackCapture capture;
        try (RelayNode relay = RelayNode.builder().build().start()) {
            capture = LoopbackCapture.start(pcap, relay.localAddress().getPort());
            try {
                FrameCollector collector = new FrameCollector(FRAMES - 1);
                try (Viewer viewer = Viewer.builder().node(relay.localAddress()).streamId("it-e2e-wire")
                        .frameDecryptionKey(KEY).listener(collector)
                        .failover(StallTolerantFailover.POLICY).build().start()) {
                    FrameCollector.await(collector.connected, 30, "viewer connected");
                    CountDownLatch connected = new CountDownLatch(1);
                    try (Broadcaster broadcaster = Broadcaster.builder().node(relay.localAddress())
                            .streamId("it-e2e-wire").frameEncryption(KEY).listener(new BroadcasterListener() {
                                @Override
                                public void onStateChanged(ConnectionState state, String reason) {
                                    if (state == ConnectionState.CONNECTED) {
                                        connected.countDown();
                                    }
                                }
                            }).failover(StallTolerantFailover.POLICY).build().start()) {
                        FrameCollector.await(connected, 30, "broadcaster connected");
                        for (int i = 0; i < FRAMES; i++) {
                            byte[] frame = SyntheticFrames.frame(SEED, i, 3000);
                            sent.add(frame);
                            assertTrue(broadcaster.sendVideo(frame, 0, frame.length, i * 33_000_000L, i == 0));
                        }
                        FrameCollector.await(collector.lastFrame, 30, "last frame");
                    }
                }
                assertEquals(0, collector.corrupted());
            } finally {
                capture.close();
            }
        }
        List<String> malformed = capture.tshark("-Y", "_ws.malformed && !(udp.payload[0:1] == 0a)",
                "-T", "fields", "-e", "frame.number");
        List<String> payloads = capture.tshark("-Y", "rtp", "-T", "fields", "-e", "rtp.seq",
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
}
