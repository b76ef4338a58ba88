package io.smoothcast.benchmarks.jitter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The two-thread case of {@link JitterBufferBenchmark} ({@code spsc} group) for a shared,
 * overloaded machine. There, JMH's one-second iterations mix periods in which the producer and the
 * consumer run at the same time with periods in which one of them waits for a core, so the same
 * jar scores anything from 0.3 M to 20 M delivered packets per second. This harness runs the same
 * workload (same packets, same in-flight limit of 512, the same yields) and has the consumer
 * stamp the wall time after every {@value #WINDOW_PACKETS} delivered packets. Windows in which
 * both threads kept running are the fastest ones, so the fast end of the window distribution
 * (the 2nd, 5th and 10th percentile of time per window, printed as delivered packets per second)
 * estimates what a quiet machine gives; the median and the window count show how disturbed the
 * run was (at load 10 on 2 cores, often fewer than one window in ten is undisturbed). Compare
 * implementations and jars by runs alternated in the same minutes. Per window it also records what
 * each thread did and how much CPU time it got, and prints those sums for the undisturbed windows
 * of the slow and the fast mode ({@link WindowCounts}). The optional {@code spin} makes the
 * consumer spin instead of yielding after an empty poll: a diagnostic, not the benchmark's
 * workload.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.smoothcast.benchmarks.jitter.JitterBufferSpscWindows [impl] [borrowed|copied] [seconds] [yield|spin]
 * </pre>
 *
 * <p>Not thread-safe; a command-line tool.
 */
public final class JitterBufferSpscWindows {

    /** Delivered packets per timed window (about 0.2 ms at 20 M packets/s). */
    static final int WINDOW_PACKETS = 4096;
    private static final int WARMUP_SECONDS = 3;
    private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);
    /** Index of each count in its padded array (128 bytes on each side). */
    private static final int CELL = 16;

    private JitterBufferSpscWindows() {
    }

    public static void main(String[] args) throws InterruptedException {
        String impl = args.length > 0 ? args[0] : "lockfree";
        String payloadMode = args.length > 1 ? args[1] : "borrowed";
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        // Diagnostic only (not the benchmark's workload): "spin" makes the consumer spin instead
        // of yielding after an empty poll, so it stays right behind the producer.
        String wait = args.length > 3 ? args[3] : "yield";
        if (!wait.equals("yield") && !wait.equals("spin")) {
            throw new IllegalArgumentException("the consumer's wait must be yield or spin: " + wait);
        }
        boolean consumerSpins = wait.equals("spin");
        if (seconds < 1 || seconds > 600) {
            throw new IllegalArgumentException("seconds must be in [1, 600]: " + seconds);
        }
        if (impl.equals("passthrough")) {
            // It keeps one packet in plain fields: single-thread only. The two-thread floor is handoff.
            throw new IllegalArgumentException("passthrough is single-thread only; use handoff: " + impl);
        }
        BenchmarkJitterBuffer buffer = JitterBufferBenchmark.create(impl, payloadMode);
        byte[] payload = JitterBufferBenchmark.payload(1200);
        long[] consumed = new long[2 * CELL + 1];
        long[] stop = new long[2 * CELL + 1];
        long deadlineNs = System.nanoTime() + (WARMUP_SECONDS + seconds) * 1_000_000_000L;
        long measureFromNs = System.nanoTime() + WARMUP_SECONDS * 1_000_000_000L;
        // Room for 160 M packets/s (the floor references run far faster than the buffers); the
        // run stops early if it fills.
        int maxWindows = (int) (seconds * 160_000_000L / WINDOW_PACKETS) + 1;
        long[] windowNs = new long[maxWindows];
        // The producer's waits so far, at CELL: written (opaque) only when it waits, so the
        // consumer can read it at the end of each window.
        long[] producerWaits = new long[2 * CELL + 1];

        Thread producer = new Thread(() -> {
            long offered = 0;
            long consumedSeen = 0;
            long waits = 0;
            while ((long) CELLS.getOpaque(stop, CELL) == 0) {
                if (offered - consumedSeen >= JitterBufferBenchmark.IN_FLIGHT_LIMIT) {
                    consumedSeen = (long) CELLS.getAcquire(consumed, CELL);
                    if (offered - consumedSeen >= JitterBufferBenchmark.IN_FLIGHT_LIMIT) {
                        waits++;
                        CELLS.setOpaque(producerWaits, CELL, waits);
                        Thread.yield();
                        continue;
                    }
                }
                JitterBufferBenchmark.offerPacket(buffer, offered, payload);
                offered++;
            }
        }, "producer");
        producer.start();

        int windows = 0;
        long delivered = 0;
        long nextStamp = WINDOW_PACKETS;
        boolean measuring = false;
        long emptyPolls = 0;
        long deliveringPolls = 0;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long producerId = producer.getId();
        // Per window: what each thread did and how much CPU time it got (see WindowCounts).
        WindowCounts counts = new WindowCounts(maxWindows);
        long[] last = new long[WindowCounts.FIELDS];
        long[] now = new long[WindowCounts.FIELDS];
        while (true) {
            int n = buffer.poll(JitterBufferBenchmark.FAR_FUTURE_NS);
            if (n > 0) {
                deliveringPolls++;
                delivered += n;
                CELLS.setRelease(consumed, CELL, delivered);
                if (delivered >= nextStamp) {
                    nextStamp += WINDOW_PACKETS;
                    long nowNs = System.nanoTime();
                    if (nowNs >= deadlineNs || windows == maxWindows) {
                        break;
                    }
                    now[WindowCounts.WALL_NS] = nowNs;
                    now[WindowCounts.DELIVERED] = delivered;
                    now[WindowCounts.DELIVERING_POLLS] = deliveringPolls;
                    now[WindowCounts.EMPTY_POLLS] = emptyPolls;
                    now[WindowCounts.PRODUCER_WAITS] = (long) CELLS.getOpaque(producerWaits, CELL);
                    now[WindowCounts.PRODUCER_CPU_NS] = threads.getThreadCpuTime(producerId);
                    now[WindowCounts.CONSUMER_CPU_NS] = threads.getCurrentThreadCpuTime();
                    if (measuring) {
                        windowNs[windows] = nowNs - last[WindowCounts.WALL_NS];
                        counts.record(windows++, last, now);
                    } else if (nowNs >= measureFromNs) {
                        measuring = true;
                    }
                    long[] swap = last;
                    last = now;
                    now = swap;
                }
            } else {
                emptyPolls++;
                if (consumerSpins) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }
        CELLS.setRelease(stop, CELL, 1L);
        producer.join();

        long[] sorted = Arrays.copyOf(windowNs, windows);
        Arrays.sort(sorted);
        System.out.printf("impl=%s payload=%s: %d windows of %d delivered packets; packets/s at the window"
                + " time percentiles p2 %.2f M, p5 %.2f M, p10 %.2f M, p50 %.2f M (checksum %d)%n",
                impl, payloadMode, windows, WINDOW_PACKETS, rate(sorted, 0.02), rate(sorted, 0.05), rate(sorted, 0.10),
                rate(sorted, 0.50), buffer.checksum());
        counts.print(windows);
    }

    /** Delivered packets per second, in millions, at quantile {@code q} of the window times. */
    private static double rate(long[] sortedWindowNs, double q) {
        if (sortedWindowNs.length == 0) {
            return 0;
        }
        long ns = sortedWindowNs[(int) (q * (sortedWindowNs.length - 1))];
        return WINDOW_PACKETS * 1e3 / ns;
    }
}
