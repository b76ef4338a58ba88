package io.smoothcast.transport.internal.netty;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/** An executor for unit tests: queues tasks until the test runs them, on the test's thread. */
public final class ManualExecutor implements Executor {

    private final Queue<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    public int pending() {
        return tasks.size();
    }

    /** Runs the queued tasks in order, including tasks they queue. */
    public void runAll() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }
}
