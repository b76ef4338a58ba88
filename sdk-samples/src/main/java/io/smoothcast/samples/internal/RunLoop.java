package io.smoothcast.samples.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Runs a command's status loop: calls {@code tick} every period until the duration is over or
 * the JVM is asked to stop (Ctrl-C), whichever comes first.
 *
 * <p>Not thread-safe; one loop per command run.
 */
public final class RunLoop {

    private RunLoop() {
    }

    /**
     * @param durationS seconds to run, or 0 to run until Ctrl-C
     * @param periodMs milliseconds between ticks
     * @param tick called with the elapsed time in ns since the loop began
     * @return true if the loop ran its whole duration, false if it was interrupted
     */
    public static boolean run(double durationS, long periodMs, LongConsumer tick) {
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(stop::countDown, "smoothcast-stop");
        boolean hookAdded = false;
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            hookAdded = true;
        } catch (IllegalStateException alreadyStopping) {
            return false;
        }
        long startNs = System.nanoTime();
        long endNs = durationS <= 0 ? Long.MAX_VALUE : startNs + (long) (durationS * 1e9);
        try {
            long next = startNs;
            while (true) {
                next += TimeUnit.MILLISECONDS.toNanos(periodMs);
                long now = System.nanoTime();
                long waitNs = Math.min(next, endNs) - now;
                if (waitNs > 0 && stop.await(waitNs, TimeUnit.NANOSECONDS)) {
                    return false;
                }
                now = System.nanoTime();
                tick.accept(now - startNs);
                if (now >= endNs) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            if (hookAdded) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException stopping) {
                    // the JVM is shutting down: the hook runs anyway
                }
            }
        }
    }
}
