package io.smoothcast.benchmarks.transport;

import java.io.IOException;
import java.util.List;

/**
 * Gives each of the relay's I/O threads the real-time policy {@code SCHED_FIFO} at priority N,
 * as {@code -Dharness.relayFifo=N} (1-99) asks: what an operator would do with
 * {@code chrt -f -p N <tid>} (root or {@code CAP_SYS_NICE}) on a host that runs the relay next
 * to other work. The JVM has no API for scheduling policies, so the threads are found by name
 * ({@link RelayThreadPinning#relayTasks}) and changed with the {@code chrt} command.
 *
 * <p>A {@code SCHED_FIFO} thread runs as soon as it is runnable, ahead of every normal thread on
 * its CPU, and is not preempted by them; the kernel's real-time throttling
 * ({@code /proc/sys/kernel/sched_rt_runtime_us}, 95 % by default) still leaves the others some
 * CPU if it spins. The reader and the publisher stay normal threads.
 */
final class RelayRealtimePriority {

    static final String PROPERTY = "harness.relayFifo";

    private RelayRealtimePriority() {
    }

    /** Moves the relay threads to SCHED_FIFO if asked and says so on stdout (or why not on stderr). */
    static void applyIfAsked() {
        int priority = Integer.getInteger(PROPERTY, 0);
        if (priority == 0) {
            return;
        }
        try {
            List<Long> relayTasks = RelayThreadPinning.relayTasks();
            for (long task : relayTasks) {
                String failure = TaskCommand.run(List.of("chrt", "-f", "-p", String.valueOf(priority)), task);
                if (failure != null) {
                    System.err.printf("relay thread %d stays a normal thread: chrt failed: %s%n", task, failure);
                    return;
                }
            }
            System.out.printf("relay threads (tasks %s) under SCHED_FIFO priority %d%n", relayTasks, priority);
        } catch (IOException e) {
            System.err.printf("relay threads stay normal threads: %s%n", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
