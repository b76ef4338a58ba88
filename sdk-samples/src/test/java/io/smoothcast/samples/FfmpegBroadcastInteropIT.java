package io.smoothcast.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.smoothcast.transport.RelayNode;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Real H.264 end to end: {@code broadcast --source ffmpeg} (an ffmpeg child process encoding a
 * test pattern) through a relay to {@code view --output x.h264}; ffprobe decodes the file and
 * counts every frame the viewer wrote. The broadcast starts low, so the congestion controller's
 * target rises and the encoder is restarted at a new bitrate (a rendition change) mid-stream:
 * the file must still decode frame for frame. A second viewer writes a .mkv (muxed by ffmpeg)
 * that must hold every video frame it wrote and the Opus audio (the broadcaster's test tone):
 * ffprobe decodes both streams and counts every frame.
 */
@Tag("interop")
class FfmpegBroadcastInteropIT {

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

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SmoothcastCli.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    @Timeout(90)
    void ffmpegEncodedBroadcast_isWrittenByTheViewer_andEveryFrameDecodes() throws Exception {
        assumeTrue(onPath("ffmpeg") && onPath("ffprobe"), "ffmpeg and ffprobe are needed (apt-get install ffmpeg)");
        Path file = dir.resolve("received.h264");
        try (RelayNode relay = RelayNode.builder().build().start()) {
            String node = "127.0.0.1:" + relay.localAddress().getPort();
            Path mkv = dir.resolve("received.mkv");
            CompletableFuture<String[]> view = CompletableFuture.supplyAsync(
                    () -> run("view", "--node", node, "--stream", "h264", "--duration", "11", "--output", file.toString()));
            CompletableFuture<String[]> mkvView = CompletableFuture.supplyAsync(
                    () -> run("view", "--node", node, "--stream", "h264", "--duration", "11", "--output", mkv.toString()));
            String[] broadcast = run("broadcast", "--node", node, "--stream", "h264", "--source", "ffmpeg",
                    "--start-bitrate", "300000", "--max-bitrate", "2000000", "--duration", "9");
            String[] viewed = view.get(60, TimeUnit.SECONDS);
            assertEquals("0", broadcast[0], broadcast[1] + broadcast[2]);
            assertEquals("0", viewed[0], viewed[1] + viewed[2]);
            Matcher starts = Pattern.compile("\\((\\d+) starts\\)").matcher(broadcast[1]);
            int encoderStarts = 0;
            while (starts.find()) {
                encoderStarts = Integer.parseInt(starts.group(1));
            }
            assertTrue(encoderStarts >= 2, "the encoder should have followed the rising target:\n" + broadcast[1]);
            Matcher wrote = Pattern.compile("wrote (\\d+) video frames").matcher(viewed[1]);
            assertTrue(wrote.find(), viewed[1]);
            long written = Long.parseLong(wrote.group(1));
            assertTrue(written >= 60, "too few frames: " + viewed[1]);
            assertEquals(written, ffprobeFrameCount(file), "ffprobe must decode every written frame");

            String[] mkvViewed = mkvView.get(60, TimeUnit.SECONDS);
            assertEquals("0", mkvViewed[0], mkvViewed[1] + mkvViewed[2]);
            Matcher mkvWrote = Pattern.compile("wrote (\\d+) video frames and (\\d+) audio frames").matcher(mkvViewed[1]);
            assertTrue(mkvWrote.find(), mkvViewed[1]);
            assertEquals(Long.parseLong(mkvWrote.group(1)), ffprobeFrameCount(mkv), "the .mkv must hold every written frame");
            long audioWritten = Long.parseLong(mkvWrote.group(2));
            // 20 ms Opus packets: about 50 a second for the seconds the viewer wrote video.
            assertTrue(audioWritten >= 100, "too little audio: " + mkvViewed[1]);
            assertEquals("opus", ffprobeCodec(mkv, "a:0"));
            assertEquals(audioWritten, ffprobeFrameCount(mkv, "a:0"), "ffprobe must decode every written Opus packet");
            Matcher audioSent = Pattern.compile("audio (\\d+)").matcher(broadcast[1]);
            long lastAudioSent = 0;
            while (audioSent.find()) {
                lastAudioSent = Long.parseLong(audioSent.group(1));
            }
            assertTrue(lastAudioSent >= audioWritten, "the broadcaster sent the audio: " + broadcast[1]);
        }
    }

    private static long ffprobeFrameCount(Path file) throws Exception {
        return ffprobeFrameCount(file, "v:0");
    }

    private static String ffprobeCodec(Path file, String stream) throws Exception {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", stream, "-show_entries",
                "stream=codec_name", "-of", "default=nokey=1:noprint_wrappers=1", file.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ffprobe did not finish");
        return out;
    }

    private static long ffprobeFrameCount(Path file, String stream) throws Exception {
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-count_frames", "-select_streams", stream,
                "-show_entries", "stream=nb_read_frames", "-of", "default=nokey=1:noprint_wrappers=1", file.toString())
                .redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ffprobe did not finish");
        assertEquals(0, p.exitValue(), "ffprobe failed: " + out);
        return Long.parseLong(out);
    }
}
