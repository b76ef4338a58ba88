package io.smoothcast.benchmarks.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a Linux scheduling command ({@code renice}, {@code chrt}, {@code taskset}) on one kernel
 * task (thread): the JVM has no API for a thread's nice value, policy or CPU affinity.
 */
final class TaskCommand {

    private TaskCommand() {
    }

    /**
     * Runs {@code command} with {@code task} appended and waits for it.
     *
     * @param command the command and its options, e.g. {@code chrt -f -p 10}
     * @param task the kernel task id
     * @return {@code null} if it succeeded, otherwise its output (standard output and error)
     * @throws IOException if the command cannot be started
     * @throws InterruptedException if interrupted while waiting for it
     */
    static String run(List<String> command, long task) throws IOException, InterruptedException {
        List<String> withTask = new ArrayList<>(command);
        withTask.add(String.valueOf(task));
        Process process = new ProcessBuilder(withTask).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return process.waitFor() == 0 ? null : output;
    }
}
