package io.smoothcast.transport.internal.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A peer process (gst-launch, ffprobe) of the direct-RTP interop ITs, its output written to a log
 * file, and the one-shot runs around it: finding the tools, choosing a free UDP port, counting the
 * frames ffprobe decodes. Every wait is bounded; closing stops the process (SIGTERM, then SIGKILL).
 *
 * <p>Not thread-safe: used from the test's thread.
 */
final class InteropProcess implements AutoCloseable {

    /** What ffprobe made of a video file: the codec and the number of frames it decoded (-1 if unreadable). */
    record DecodedVideo(String codec, int frames, String probeOutput) {
    }

    private final Process process;
    private final Path log;

    private InteropProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** @return whether every one of {@code executables} is on the PATH */
    static boolean available(String... executables) {
        for (String name : executables) {
            boolean found = false;
            for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                found |= !d.isEmpty() && Files.isExecutable(Path.of(d, name));
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    /** @return a UDP port on loopback that was free a moment ago, for a peer to bind */
    static int freeUdpPort() throws IOException {
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
    }

    /**
     * Starts {@code command} in the background, its standard output and error into {@code log}.
     *
     * @param environment variables added to the process's environment
     */
    static InteropProcess start(Path log, Map<String, String> environment, List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return new InteropProcess(builder.start(), log);
    }

    /**
     * Runs {@code command} under {@code timeout} to its end and fails the test unless it exits 0.
     *
     * @param dir where its log file is written
     * @return its standard output and error
     */
    static String run(Path dir, int timeoutSeconds, List<String> command) throws IOException, InterruptedException {
        List<String> bounded = new ArrayList<>(List.of("timeout", String.valueOf(timeoutSeconds)));
        bounded.addAll(command);
        try (InteropProcess p = start(dir.resolve("cmd-" + System.nanoTime() + ".log"), Map.of(), bounded)) {
            assertTrue(p.process.waitFor(timeoutSeconds + 5L, TimeUnit.SECONDS), "command did not end: " + command);
            String out = p.log();
            assertEquals(0, p.process.exitValue(), "command failed: " + command + "\n" + out);
            return out;
        }
    }

    /** Decodes {@code video} with ffprobe (bounded to 30 s) and counts its frames. */
    static DecodedVideo ffprobe(Path dir, Path video) throws IOException, InterruptedException {
        String out = run(dir, 30, List.of("ffprobe", "-v", "error", "-count_frames", "-show_entries",
                "stream=codec_name,nb_read_frames", "-of", "compact=p=0:nk=1", video.toString()));
        String[] fields = out.trim().split("\\|");
        int frames = -1;
        if (fields.length == 2) {
            try {
                frames = Integer.parseInt(fields[1].trim());
            } catch (NumberFormatException notACount) {
                // stays -1: the caller's assertion shows probeOutput
            }
        }
        return new DecodedVideo(fields[0], frames, out);
    }

    /** @return the process's output so far (bytes that are not UTF-8 cannot make this fail) */
    String log() throws IOException {
        return Files.readString(log, StandardCharsets.ISO_8859_1);
    }

    /** @return whether the process has not exited yet */
    boolean isRunning() {
        return process.isAlive();
    }

    /** Polls the log until it contains {@code text}; fails if the process exits first or the time runs out. */
    void awaitLog(String text, int timeoutSeconds) throws IOException {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!log().contains(text)) {
            assertTrue(process.isAlive(), "the process exited before logging '" + text + "':\n" + log());
            assertTrue(System.nanoTime() - deadlineNs < 0, "no '" + text + "' in " + timeoutSeconds + " s:\n" + log());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** Sends SIGINT (gst-launch -e answers with an end of stream) and waits up to 15 s for the exit. */
    void interruptAndAwaitExit() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
        assertTrue(process.waitFor(15, TimeUnit.SECONDS), "the process did not stop on SIGINT:\n" + log());
    }

    /** Stops the process if it still runs: SIGTERM, up to 10 s, then SIGKILL. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
