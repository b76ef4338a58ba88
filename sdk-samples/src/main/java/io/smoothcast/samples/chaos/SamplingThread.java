package io.smoothcast.samples.chaos;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The background thread of a chaos diagnostic: a daemon (it never holds the JVM open) that runs
 * a sampling loop until {@link #close()}. The loop is given a "still running" test to ask
 * between samples; closing also interrupts it out of its sleep and waits up to a second for it.
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread.
 */
final class SamplingThread implements AutoCloseable {

    private static final long JOIN_MS = 1000;

    private final Thread thread;
    private volatile boolean running = true;

    /**
     * Starts the loop.
     *
     * @param name the thread's name
     * @param loop samples until its argument answers false, or until interrupted in a sleep
     */
    SamplingThread(String name, Consumer<BooleanSupplier> loop) {
        thread = new Thread(() -> loop.accept(() -> running), name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(JOIN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
