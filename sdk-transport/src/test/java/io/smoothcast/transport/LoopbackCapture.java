package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/**
 * A dumpcap capture of one UDP port on the loopback interface, for the tests that let Wireshark
 * judge what we put on the wire, and tshark runs over the capture file (RTP and RTCP heuristics
 * on). Closing stops dumpcap so that it flushes the file; {@link #tshark} reads it afterwards.
 */
final class LoopbackCapture implements AutoCloseable {

    /**
     * Longest capture, in seconds: longer than a capturing test's own timeout. It was 60 s, which
     * a test slowed by a loaded machine can outlast, and the capture then misses the end.
     */
    static final int MAX_CAPTURE_SECONDS = 200;

    private final Process dumpcap;
    private final Path pcap;

    private LoopbackCapture(Process dumpcap, Path pcap) {
        this.dumpcap = dumpcap;
        this.pcap = pcap;
    }

    /** @return whether dumpcap, tshark and timeout are on the PATH */
    static boolean available() {
        return onPath("dumpcap") && onPath("tshark") && onPath("timeout");
    }

    /**
     * Starts capturing {@code udpPort} on lo into {@code pcap} and waits until dumpcap says it
     * captures. dumpcap is bounded to {@link #MAX_CAPTURE_SECONDS} (so that it cannot outlive a
     * JVM that died); a test must close the capture before that.
     */
    static LoopbackCapture start(Path pcap, int udpPort) throws IOException, InterruptedException {
        Process dumpcap = new ProcessBuilder("timeout", "-s", "INT", String.valueOf(MAX_CAPTURE_SECONDS), "dumpcap",
                "-i", "lo", "-q",
                "-f", "udp port " + udpPort, "-w", pcap.toString()).redirectErrorStream(true).start();
        LoopbackCapture capture = new LoopbackCapture(dumpcap, pcap);
        try {
            capture.awaitCapturing();
        } catch (InterruptedException | RuntimeException | Error e) {
            capture.close();
            throw e;
        }
        return capture;
    }

    private static boolean onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, name))) {
                return true;
            }
        }
        return false;
    }

    private void awaitCapturing() throws InterruptedException {
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
        FrameCollector.await(capturing, 30, "dumpcap to start capturing");
    }

    /** Stops dumpcap (SIGTERM, so that it flushes the file), bounded. */
    @Override
    public void close() throws InterruptedException {
        dumpcap.toHandle().descendants().forEach(ProcessHandle::destroy);
        dumpcap.destroy();
        if (!dumpcap.waitFor(10, TimeUnit.SECONDS)) {
            dumpcap.destroyForcibly();
        }
    }

    /** Runs tshark on the capture with {@code arguments} appended; returns its non-blank output lines. */
    List<String> tshark(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("timeout", "-s", "KILL", "60", "tshark", "-n",
                "-r", pcap.toString(), "-o", "rtp.heuristic_rtp:TRUE", "-o", "rtcp.heuristic_rtcp:TRUE"));
        command.addAll(List.of(arguments));
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
