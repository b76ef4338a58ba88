package io.smoothcast.benchmarks.transport;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * Lowers the scheduling priority of the calling thread (the harness's subscribers' reader), as
 * {@code -Dharness.readerNice=N} or {@code -Dharness.readerIdle=true} asks. Linux gives every
 * thread its own policy and nice value; the JVM has no API for either, so the thread reads its
 * own task id from {@code /proc/thread-self} and is changed with the {@code renice} or
 * {@code chrt} command.
 *
 * <p>Nice 19 still gives the reader a weight (15 against the relay's 1024) and lets it take its
 * share of a busy CPU. {@code SCHED_IDLE} ({@code chrt --idle 0}) gives it CPU only when no
 * normal thread of the machine wants it: closer to a deployment, where the subscribers are
 * other machines and take no CPU from the relay, as long as the machine has CPU to spare. On a
 * machine shared with other work the reader then loses a quarter to three quarters of the
 * copies, so nice stays the default (BENCHMARKS.md, "Relay fan-out, session 6").
 * The loopback receive itself (skb to socket, the reader's wake-up) is kernel work in the
 * sender's softirq and stays on the sender's CPU either way.
 */
final class ReaderPriority {

    static final String PROPERTY = "harness.readerNice";
    static final String IDLE_PROPERTY = "harness.readerIdle";

    private ReaderPriority() {
    }

    /**
     * Renices the calling thread to {@code harness.readerNice} if set and non-zero, and moves it
     * to {@code SCHED_IDLE} if {@code harness.readerIdle} is true; says so on stdout, or on
     * failure why on stderr (the priority then stays as it was), so every run's output shows
     * which priority its reader had.
     */
    static void lowerCurrentThread() {
        int nice = Integer.getInteger(PROPERTY, 0);
        if (nice != 0) {
            run(List.of("renice", "-n", String.valueOf(nice), "-p"), "at nice " + nice);
        }
        if (Boolean.getBoolean(IDLE_PROPERTY)) {
            run(List.of("chrt", "--idle", "-p", "0"), "under SCHED_IDLE");
        }
    }

    /** Runs {@code command} with the calling thread's task id appended; reports on stdout/stderr. */
    private static void run(List<String> command, String done) {
        String name = Thread.currentThread().getName();
        try {
            Path task = Paths.get("/proc/thread-self").toRealPath();
            String tid = task.getFileName().toString();
            String failure = TaskCommand.run(command, Long.parseLong(tid));
            if (failure != null) {
                System.err.printf("%s stays at its priority: %s failed: %s%n", name, command.get(0), failure);
                return;
            }
            System.out.printf("%s (task %s) %s%n", name, tid, done);
        } catch (IOException e) {
            System.err.printf("%s stays at its priority: %s%n", name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
