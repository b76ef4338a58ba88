package io.smoothcast.transport;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The clock of the ITs' synthetic encoders: calls a frame source {@code fps} times a second, from
 * one scheduler thread, until a deadline, and returns when the deadline has passed (or fails the
 * test after 30 s). Stateless.
 */
final class FrameTicker {

    /** Encodes and sends frame {@code index} (0, 1, 2, ...), captured at {@code nowNs}. */
    @FunctionalInterface
    interface FrameSource {
        void send(int index, long nowNs);
    }

    private FrameTicker() {
    }

    /** @param endNs the {@code System.nanoTime()} at which the ticking stops */
    static void runUntil(int fps, long endNs, FrameSource source) throws InterruptedException {
        ScheduledExecutorService encoder = Executors.newSingleThreadScheduledExecutor();
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger index = new AtomicInteger();
        try {
            encoder.scheduleAtFixedRate(() -> {
                long nowNs = System.nanoTime();
                if (nowNs - endNs >= 0) {
                    done.countDown();
                    return;
                }
                source.send(index.getAndIncrement(), nowNs);
            }, 0, 1000 / fps, TimeUnit.MILLISECONDS);
            FrameCollector.await(done, 30, "end of the run");
        } finally {
            encoder.shutdownNow();
        }
    }
}
