package io.smoothcast.benchmarks.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Lowers the scheduling priority of one of the harness's own threads (the subscribers' reader),
 * as {@code -Dharness.readerNice=N} asks. Linux gives every thread its own nice value; the JVM has
 * no API for it, so the thread is found by name under {@code /proc/self/task} and reniced with
 * the {@code renice} command. Threads of one process share one scheduling group, so the nice
 * value orders the reader after the relay's threads without touching other processes.
 */
final class ReaderPriority {

    static final String PROPERTY = "harness.readerNice";

    private ReaderPriority() {
    }

    /** Renices {@code thread} to {@code harness.readerNice} if set and non-zero; says what it did. */
    static void lower(Thread thread) throws IOException, InterruptedException {
        int nice = Integer.getInteger(PROPERTY, 0);
        if (nice == 0) {
            return;
        }
        String tid = findTaskId(thread.getName());
        if (tid == null) {
            throw new IllegalStateException("no task named " + thread.getName() + " under /proc/self/task");
        }
        Process renice = new ProcessBuilder("renice", "-n", String.valueOf(nice), "-p", tid)
                .redirectErrorStream(true).start();
        String output = new String(renice.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (renice.waitFor() != 0) {
            throw new IllegalStateException("renice of " + thread.getName() + " failed: " + output);
        }
        System.out.printf("%s (task %s) at nice %d%n", thread.getName(), tid, nice);
    }

    /** The kernel's task id of the live thread called {@code name} (names longer than 15 chars are cut). */
    private static String findTaskId(String name) throws IOException {
        String comm = name.length() > 15 ? name.substring(0, 15) : name;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Paths.get("/proc/self/task"))) {
            for (Path task : tasks) {
                Path commFile = task.resolve("comm");
                if (Files.isReadable(commFile) && Files.readString(commFile).trim().equals(comm)) {
                    return task.getFileName().toString();
                }
            }
        }
        return null;
    }
}
