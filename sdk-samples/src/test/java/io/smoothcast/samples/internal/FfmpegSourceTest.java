package io.smoothcast.samples.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FfmpegSourceTest {

    @Test
    void command_encodesTheTestPatternAtTheGivenBitrateToAnnexBOnStdout() {
        FfmpegSource source = new FfmpegSource("ffmpeg", null, 25, 1_000_000, 3_000_000);
        List<String> cmd = source.command(800_000, 5004);
        assertEquals("ffmpeg", cmd.get(0));
        assertTrue(cmd.contains("testsrc2=size=640x360:rate=25"), cmd.toString());
        int b = cmd.indexOf("-b:v");
        assertEquals("800k", cmd.get(b + 1));
        assertEquals(List.of("-f", "h264", "-"), cmd.subList(cmd.size() - 3, cmd.size()));
    }

    @Test
    void command_encodesATestToneToOpusRtpOnTheAudioPort() {
        List<String> cmd = new FfmpegSource("ffmpeg", null, 25, 1_000_000, 3_000_000).command(800_000, 5004);
        assertTrue(cmd.contains("sine=frequency=440:sample_rate=48000"), cmd.toString());
        assertEquals("libopus", cmd.get(cmd.indexOf("-c:a") + 1));
        assertEquals("32k", cmd.get(cmd.indexOf("-b:a") + 1));
        assertEquals("rtp", cmd.get(cmd.indexOf("rtp://127.0.0.1:5004") - 3));
    }

    @Test
    void audioPlusVideo_stayWithinTheTarget_forEveryTargetTheSamplesAllow() {
        for (long target = 100_000; target <= 20_000_000; target += 7_919) {
            long video = FfmpegSource.videoBitrateBps(target);
            assertTrue(video >= FfmpegSource.MIN_VIDEO_BITRATE_BPS, "target " + target + ": video " + video);
            assertTrue(video + FfmpegSource.AUDIO_BITRATE_BPS <= target, "target " + target + ": video " + video);
        }
        assertEquals(768_000, FfmpegSource.videoBitrateBps(1_000_000));
    }

    @Test
    void command_loopsAFileWhenGivenOne() {
        List<String> cmd = new FfmpegSource("/usr/bin/ffmpeg", "clip.mp4", 30, 1_000_000, 3_000_000).command(2_000_000, 5004);
        int i = cmd.indexOf("-i");
        assertEquals("clip.mp4", cmd.get(i + 1));
        assertEquals("-1", cmd.get(cmd.indexOf("-stream_loop") + 1));
    }
}
