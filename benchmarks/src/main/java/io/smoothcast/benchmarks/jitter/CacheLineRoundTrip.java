package io.smoothcast.benchmarks.jitter;

import java.util.Arrays;

/**
 * Measures how long one cache line takes to go from one core to the other and back: two threads
 * take turns writing a counter, each on its own padded line, and the main thread times windows of
 * {@value #WINDOW} round trips. On this 2-vCPU VM the figure is bimodal and changes every few
 * seconds with the same code: about 65-80 ns or about 370-400 ns per round trip (session 7). The
 * two-thread jitter-buffer runs fall into their slow mode mostly next to slow round trips, so run
 * this before and after {@link JitterBufferSpscWindows} or JMH's {@code spsc} group to tell which
 * state the machine was in. Prints the 5th percentile and the median of the window times per
 * run.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.smoothcast.benchmarks.jitter.CacheLineRoundTrip [runs]
 * </pre>
 *
 * <p>Not thread-safe; a command-line tool.
 */
public final class CacheLineRoundTrip {

    /** Round trips per timed window. */
    static final int WINDOW = 1000;
    private static final int WINDOWS = 400;

    private CacheLineRoundTrip() {
    }

    /** One {@code volatile long} with a cache line of padding on each side. */
    private static final class PaddedCell {
        long p00, p01, p02, p03, p04, p05, p06, p07;
        volatile long value;
        long q00, q01, q02, q03, q04, q05, q06, q07;
    }

    public static void main(String[] args) throws InterruptedException {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        if (runs < 1 || runs > 1000) {
            throw new IllegalArgumentException("runs must be in [1, 1000]: " + runs);
        }
        for (int r = 0; r < runs; r++) {
            long[] windowNs = run();
            Arrays.sort(windowNs);
            System.out.printf("round trip: p5 %d ns, p50 %d ns%n", windowNs[WINDOWS / 20] / WINDOW,
                    windowNs[WINDOWS / 2] / WINDOW);
        }
    }

    /** One run: the time of each window of {@link #WINDOW} round trips, in nanoseconds. */
    private static long[] run() throws InterruptedException {
        PaddedCell ping = new PaddedCell();
        PaddedCell pong = new PaddedCell();
        final long trips = (long) WINDOW * WINDOWS;
        Thread echo = new Thread(() -> {
            for (long i = 1; i <= trips; i++) {
                while (ping.value != i) {
                    Thread.onSpinWait();
                }
                pong.value = i;
            }
        }, "echo");
        echo.start();
        long[] windowNs = new long[WINDOWS];
        long last = System.nanoTime();
        for (long i = 1; i <= trips; i++) {
            ping.value = i;
            while (pong.value != i) {
                Thread.onSpinWait();
            }
            if (i % WINDOW == 0) {
                long now = System.nanoTime();
                windowNs[(int) (i / WINDOW) - 1] = now - last;
                last = now;
            }
        }
        echo.join();
        return windowNs;
    }
}
