package io.smoothcast.samples.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The clock of the sample commands' synthetic sources: runs a task once per frame interval on
 * its own daemon thread until closed. Frame n is due at start + n intervals, so a late frame
 * (a slow task, a descheduled thread) is caught up at once instead of shifting every later one.
 *
 * <p>Thread-safe: {@link #start} and {@link #close} may be called from any thread; the task runs
 * only on the pacer's thread, so state it alone touches needs no synchronisation.
 */
public final class FramePacer implements AutoCloseable {

    private static final long JOIN_TIMEOUT_MS = 2000;

    private final String threadName;
    private final long intervalNs;
    private final Runnable frameDue;
    private volatile boolean running;
    private Thread thread;

    /**
     * @param threadName the name of the pacer's thread
     * @param framesPerSecond frame rate, 1-120
     * @param frameDue called once per frame on the pacer's thread; should return well within a
     *     frame interval
     * @throws IllegalArgumentException naming the bad argument
     */
    public FramePacer(String threadName, int framesPerSecond, Runnable frameDue) {
        if (threadName == null || threadName.isEmpty()) {
            throw new IllegalArgumentException("threadName must not be empty");
        }
        if (framesPerSecond < 1 || framesPerSecond > 120) {
            throw new IllegalArgumentException("framesPerSecond must be 1-120: " + framesPerSecond);
        }
        if (frameDue == null) {
            throw new IllegalArgumentException("frameDue must not be null");
        }
        this.threadName = threadName;
        this.intervalNs = TimeUnit.SECONDS.toNanos(1) / framesPerSecond;
        this.frameDue = frameDue;
    }

    /**
     * Starts the pacer's thread; the first frame is due at once.
     *
     * @throws IllegalStateException if already started
     */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long nextNs = System.nanoTime();
        while (running) {
            long waitNs = nextNs - System.nanoTime();
            if (waitNs > 0) {
                LockSupport.parkNanos(waitNs);
                continue;
            }
            nextNs += intervalNs;
            frameDue.run();
        }
    }

    /** Stops the pacer and waits (up to 2 s) for a frame in progress to finish. Idempotent. */
    @Override
    public void close() {
        running = false;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(JOIN_TIMEOUT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
