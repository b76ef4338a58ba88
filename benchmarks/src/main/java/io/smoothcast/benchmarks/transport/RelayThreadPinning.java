package io.smoothcast.benchmarks.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Pins each of the relay's I/O threads to its own CPU, as {@code -Dharness.pinRelayThreads=true}
 * asks (Linux; the JVM has no affinity API, so the threads are found by name in
 * {@code /proc/self/task} and pinned with the {@code taskset} command).
 *
 * <p>Why: on a 2-core machine whose other core is busy (the harness's reader, or anything else),
 * the scheduler wakes a second fan-out thread on the CPU of the thread that woke it, the owner,
 * and it waits there until the owner has sent its own share (BENCHMARKS.md, "Relay fan-out,
 * session 5"). A relay deployed with several fan-out threads on a machine with cores to spare
 * does not meet this; pinning is how an operator would rule it out, and how the harness measures
 * what the threads do when each has a core. Relay thread k (in order of creation) goes to CPU
 * {@code k mod cores}; the reader and the publisher stay unpinned.
 */
final class RelayThreadPinning {

    static final String PROPERTY = "harness.pinRelayThreads";
    private static final String THREAD_NAME_PREFIX = "smoothcast-rela"; // the kernel keeps 15 characters

    private RelayThreadPinning() {
    }

    /**
     * The kernel task ids of the relay's I/O threads, in order of creation.
     *
     * @return task ids, ascending
     * @throws IOException if {@code /proc/self/task} cannot be read
     */
    static List<Long> relayTasks() throws IOException {
        List<Long> relayTasks = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).trim();
                if (name.startsWith(THREAD_NAME_PREFIX)) {
                    relayTasks.add(Long.parseLong(task.getFileName().toString()));
                }
            }
        }
        relayTasks.sort(null);
        return relayTasks;
    }

    /** Pins the relay threads if asked and says so on stdout (or why not on stderr). */
    static void pinIfAsked() {
        if (!Boolean.getBoolean(PROPERTY)) {
            return;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        try {
            List<Long> relayTasks = relayTasks();
            for (int k = 0; k < relayTasks.size(); k++) {
                int cpu = k % cores;
                String failure = TaskCommand.run(List.of("taskset", "-pc", String.valueOf(cpu)), relayTasks.get(k));
                if (failure != null) {
                    System.err.printf("relay thread %d not pinned: %s%n", relayTasks.get(k), failure);
                    return;
                }
            }
            System.out.printf("relay threads (tasks %s) pinned to CPUs 0..%d in that order%n", relayTasks,
                    Math.min(relayTasks.size(), cores) - 1);
        } catch (IOException e) {
            System.err.printf("relay threads not pinned: %s%n", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
