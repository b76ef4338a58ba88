package io.smoothcast.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opus RTP (RFC 7587) against GStreamer: rtpopuspay's timestamps must advance by exactly the
 * duration our parser reads from each packet, and RTP we write from libopus packets must be
 * accepted by rtpopusdepay and decode to the full length of audio.
 */
@Tag("interop")
class GStreamerOpusInteropTest {

    @TempDir
    Path dir;

    private MediaTools tools;

    @BeforeEach
    void setUp() {
        assumeTrue(MediaTools.available("gst-launch-1.0", "--version"),
                "GStreamer not installed (apt-get install gstreamer1.0-tools gstreamer1.0-plugins-good); skipped");
        for (String element : new String[] {"audiotestsrc", "opusenc", "opusdec", "rtpopuspay", "rtpopusdepay",
                "rtpstreampay", "rtpstreamdepay", "wavenc"}) {
            assumeTrue(MediaTools.available("gst-inspect-1.0", element),
                    "GStreamer element " + element + " missing; Opus interop skipped");
        }
        tools = new MediaTools(dir);
    }

    @Test
    void rtpopuspayTimestamps_advanceByTheDurationWeParse() throws Exception {
        // 2.5 ms is left out: GStreamer 1.22 wrote a misframed RFC 4571 stream for it here.
        for (String frameSizeMs : new String[] {"5", "10", "20", "60"}) {
            Path rtp = dir.resolve("gst-" + frameSizeMs + ".rtpstream");
            tools.run("timeout", "30", "gst-launch-1.0", "-q", "audiotestsrc", "num-buffers=50",
                    "samplesperbuffer=960", "!", "audio/x-raw,rate=48000,channels=2", "!", "opusenc",
                    "frame-size=" + frameSizeMs, "!", "rtpopuspay", "pt=111", "!", "rtpstreampay", "!", "filesink",
                    "location=" + rtp);
            List<RtpStreamFile.Packet> packets = RtpStreamFile.parse(Files.readAllBytes(rtp));
            assertTrue(packets.size() > 10, frameSizeMs + " ms: " + packets.size() + " packets");
            OpusDepacketizer depacketizer = new OpusDepacketizer();
            byte[] out = new byte[4000];
            int previousSamples = -1;
            for (int i = 0; i < packets.size(); i++) {
                RtpStreamFile.Packet p = packets.get(i);
                String context = frameSizeMs + " ms, packet " + i;
                int n = depacketizer.depacketize(p.payload(), 0, p.payload().length, out, 0);
                assertEquals(p.payload().length, n, context + ": " + PayloadErrors.name(n));
                // The first steps also absorb the encoder's 312-sample pre-skip: compare the steady second half.
                if (i >= packets.size() / 2) {
                    int step = p.timestamp() - packets.get(i - 1).timestamp();
                    assertEquals(previousSamples, step, context + ": RTP timestamp step");
                }
                previousSamples = depacketizer.lastPacketSamples();
            }
            int expected = (int) Math.round(Double.parseDouble(frameSizeMs) * 48);
            assertEquals(expected, previousSamples, frameSizeMs + " ms frames");
        }
    }

    @Test
    void ourOpusRtp_isDecodedByGstreamerToTheFullLength() throws Exception {
        assumeTrue(MediaTools.available("ffmpeg", "-version") && MediaTools.available("ffprobe", "-version"),
                "ffmpeg/ffprobe not installed; Opus interop skipped");
        assumeTrue(tools.run("ffmpeg", "-hide_banner", "-encoders").contains("libopus"),
                "this ffmpeg has no libopus encoder; Opus interop skipped");
        Path ogg = dir.resolve("src.ogg");
        tools.run("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                "-i", "sine=frequency=440:sample_rate=48000", "-t", "2", "-c:a", "libopus", "-b:a", "64k",
                "-frame_duration", "20", "-f", "ogg", ogg.toString());
        List<byte[]> opus = OggPackets.read(Files.readAllBytes(ogg));
        OpusPacketizer packetizer = new OpusPacketizer();
        RtpStreamFile file = new RtpStreamFile();
        byte[] payload = new byte[OpusPacketizer.DEFAULT_MAX_PAYLOAD_BYTES];
        int timestamp = 123_456;
        int samples = 0;
        int sequence = 7;
        for (byte[] packet : opus.subList(2, opus.size())) {
            int n = packetizer.packetize(packet, 0, packet.length, payload, 0);
            assertTrue(n > 0, PayloadErrors.name(n));
            file.add(111, sequence++, timestamp, false, payload, 0, n);
            timestamp += packetizer.lastPacketSamples();
            samples += packetizer.lastPacketSamples();
        }
        Path rtp = dir.resolve("ours.rtpstream");
        Files.write(rtp, file.toByteArray());
        Path wav = dir.resolve("decoded.wav");
        tools.run("timeout", "30", "gst-launch-1.0", "-q", "filesrc", "location=" + rtp, "!",
                "application/x-rtp-stream,media=audio,clock-rate=48000,encoding-name=OPUS,payload=111", "!",
                "rtpstreamdepay", "!", "rtpopusdepay", "!", "opusdec", "!", "audio/x-raw,rate=48000", "!", "wavenc",
                "!", "filesink", "location=" + wav);

        String probe = tools.run("ffprobe", "-v", "error", "-show_entries", "stream=duration_ts,sample_rate",
                "-of", "default=noprint_wrappers=1", wav.toString());
        Matcher m = Pattern.compile("duration_ts=(\\d+)").matcher(probe);
        assertTrue(m.find(), "ffprobe reported the decoded length: " + probe);
        long decoded = Long.parseLong(m.group(1));
        // Every packet decodes to its full duration (the encoder's pre-skip is not trimmed here).
        assertEquals(samples, decoded, "decoded samples at 48 kHz; we sent " + (opus.size() - 2) + " packets");
    }
}
