package io.smoothcast.rtp;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs real peers (tshark, gst-launch-1.0) for interop tests, always under {@code timeout}. Test code only. */
final class ExternalTool {

    private ExternalTool() {
    }

    /** @return whether an executable named {@code name} is on the PATH */
    static boolean onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    /** The exit code and output of a finished command. */
    static final class Result {
        final int exitCode;
        final String stdout;
        final String stderr;

        Result(int exitCode, String stdout, String stderr) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        List<String> lines() {
            List<String> lines = new ArrayList<>();
            for (String line : stdout.split("\n")) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
            return lines;
        }
    }

    /**
     * Runs a command under {@code timeout -s KILL seconds} and waits for it (a little longer than
     * the timeout as a last resort); the process is destroyed in any case.
     */
    static Result run(int timeoutSeconds, Path workDir, String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("timeout", "-s", "KILL", Integer.toString(timeoutSeconds)));
        full.addAll(Arrays.asList(command));
        Path stdout = Files.createTempFile("smoothcast-tool-out", ".txt");
        Path stderr = Files.createTempFile("smoothcast-tool-err", ".txt");
        Process process = null;
        try {
            process = new ProcessBuilder(full).directory(workDir.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            if (!process.waitFor(timeoutSeconds + 5L, TimeUnit.SECONDS)) {
                throw new IllegalStateException("did not finish in " + timeoutSeconds + " s: " + full);
            }
            return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    /** Starts a long-running command under {@code timeout}; the caller destroys it in a finally block. */
    static Process start(int timeoutSeconds, Path workDir, Path log, String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("timeout", "-s", "INT", "-k", "5", Integer.toString(timeoutSeconds)));
        full.addAll(Arrays.asList(command));
        return new ProcessBuilder(full).directory(workDir.toFile()).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start();
    }
}
