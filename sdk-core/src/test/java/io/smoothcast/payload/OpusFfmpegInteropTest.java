package io.smoothcast.payload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Opus packets from ffmpeg's libopus, at every frame duration from 2.5 ms to 120 ms and in
 * both SILK/hybrid (low bitrate, voip) and CELT (music bitrate) modes: each one must pass our
 * RFC 6716 checks, report the duration it was encoded with, and survive packetization unchanged.
 */
@Tag("interop")
class OpusFfmpegInteropTest {

    @TempDir
    Path dir;

    @Test
    void libopusPackets_passValidationWithTheirEncodedDuration() throws Exception {
        assumeTrue(MediaTools.available("ffmpeg", "-version"),
                "ffmpeg not installed (apt-get install ffmpeg); Opus interop skipped");
        MediaTools tools = new MediaTools(dir);
        String encoders = tools.run("ffmpeg", "-hide_banner", "-encoders");
        assumeTrue(encoders.contains("libopus"), "this ffmpeg has no libopus encoder; Opus interop skipped");

        OpusPacketizer packetizer = new OpusPacketizer(8000);
        OpusDepacketizer depacketizer = new OpusDepacketizer();
        byte[] rtp = new byte[8000];
        byte[] decoded = new byte[8000];
        TreeSet<Integer> codesSeen = new TreeSet<>();
        TreeSet<Integer> configsSeen = new TreeSet<>();
        String[][] modes = {{"12k", "voip"}, {"96k", "audio"}};
        String[] durationsMs = {"2.5", "5", "10", "20", "40", "60", "120"};
        for (String[] mode : modes) {
            for (String durationMs : durationsMs) {
                String context = "bitrate " + mode[0] + ", " + mode[1] + ", " + durationMs + " ms";
                Path ogg = dir.resolve("a-" + mode[0] + "-" + durationMs + ".ogg");
                tools.run("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                        "-i", "sine=frequency=440:sample_rate=48000", "-t", "1", "-c:a", "libopus", "-b:a", mode[0],
                        "-application", mode[1], "-frame_duration", durationMs, "-f", "ogg", ogg.toString());
                List<byte[]> packets = OggPackets.read(Files.readAllBytes(ogg));
                assertTrue(packets.size() > 3, context + ": OpusHead, OpusTags and audio");
                int expectedSamples = (int) Math.round(Double.parseDouble(durationMs) * 48);
                for (byte[] opus : packets.subList(2, packets.size())) {
                    int n = packetizer.packetize(opus, 0, opus.length, rtp, 0);
                    assertEquals(opus.length, n, context + ": " + PayloadErrors.name(n));
                    assertEquals(expectedSamples, packetizer.lastPacketSamples(), context);
                    assertEquals(opus.length, depacketizer.depacketize(rtp, 0, n, decoded, 0), context);
                    assertEquals(expectedSamples, depacketizer.lastPacketSamples(), context);
                    assertArrayEquals(opus, Arrays.copyOf(decoded, opus.length), context);
                    codesSeen.add(opus[0] & 3);
                    configsSeen.add((opus[0] & 0xFF) >>> 3);
                }
            }
        }
        assertTrue(codesSeen.contains(0) && codesSeen.contains(3), "single and multi-frame packets: " + codesSeen);
        assertTrue(configsSeen.first() < 16 && configsSeen.last() >= 16, "SILK/hybrid and CELT: " + configsSeen);
    }
}
