package io.smoothcast.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test fixture: runs ffmpeg, ffprobe and GStreamer as bounded child processes in a temp directory. */
final class MediaTools {

    private static final int TIMEOUT_SECONDS = 30;

    private final Path dir;

    MediaTools(Path dir) {
        this.dir = dir;
    }

    /** @return true if {@code tool --version}-style probing succeeds (the tool is installed) */
    static boolean available(String... probe) {
        try {
            Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Runs a tool to completion; fails the test if it exits non-zero or takes over 30 s. */
    String run(String... command) throws Exception {
        Path log = Files.createTempFile(dir, "tool", ".out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + output);
        return output;
    }

    /** Two seconds of the lavfi test pattern at 30 fps, 320x240, encoded by ffmpeg. */
    Path encodeTestPattern(String name, String... codecArguments) throws Exception {
        Path file = dir.resolve(name);
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30", "-t", "2"));
        command.addAll(List.of(codecArguments));
        command.add(file.toString());
        run(command.toArray(new String[0]));
        return file;
    }

    /** @return the number of frames ffprobe decodes in the file's first stream */
    int countFrames(Path file) throws Exception {
        String output = run("ffprobe", "-v", "error", "-count_frames", "-show_entries", "stream=nb_read_frames",
                "-of", "default=nokey=1:noprint_wrappers=1", file.toString());
        Matcher m = Pattern.compile("(\\d+)").matcher(output);
        assertTrue(m.find(), "ffprobe printed a frame count: " + output);
        return Integer.parseInt(m.group(1));
    }

    /** @return the MD5 of every picture ffmpeg decodes from the file, in order */
    List<String> frameMd5(Path file) throws Exception {
        String output = run("ffmpeg", "-hide_banner", "-loglevel", "error", "-i", file.toString(),
                "-f", "framemd5", "-");
        List<String> hashes = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                hashes.add(line.substring(line.lastIndexOf(',') + 1).trim());
            }
        }
        return hashes;
    }
}
