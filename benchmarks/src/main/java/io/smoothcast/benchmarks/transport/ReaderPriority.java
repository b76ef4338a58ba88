package io.smoothcast.benchmarks.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Lowers the scheduling priority of the calling thread (the harness's subscribers' reader), as
 * {@code -Dharness.readerNice=N} asks. Linux gives every thread its own nice value; the JVM has
 * no API for it, so the thread reads its own task id from {@code /proc/thread-self} and is
 * reniced with the {@code renice} command. Threads of one process share one scheduling group, so
 * the nice value orders the reader after the relay's threads without touching other processes.
 */
final class ReaderPriority {

    static final String PROPERTY = "harness.readerNice";

    private ReaderPriority() {
    }

    /**
     * Renices the calling thread to {@code harness.readerNice} if set and non-zero, and says so on
     * stdout; on failure says why on stderr and leaves the priority as it was, so every run's
     * output shows which priority its reader had.
     */
    static void lowerCurrentThread() {
        int nice = Integer.getInteger(PROPERTY, 0);
        if (nice == 0) {
            return;
        }
        String name = Thread.currentThread().getName();
        try {
            Path task = Paths.get("/proc/thread-self").toRealPath();
            String tid = task.getFileName().toString();
            Process renice = new ProcessBuilder("renice", "-n", String.valueOf(nice), "-p", tid)
                    .redirectErrorStream(true).start();
            String output = new String(renice.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (renice.waitFor() != 0) {
                System.err.printf("%s stays at its priority: renice failed: %s%n", name, output);
                return;
            }
            System.out.printf("%s (task %s) at nice %d%n", name, tid, nice);
        } catch (IOException e) {
            System.err.printf("%s stays at its priority: %s%n", name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
