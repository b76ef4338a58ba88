package io.smoothcast.benchmarks.jitter;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * A cross-check of the single-thread cases of {@link JitterBufferBenchmark} for shared,
 * overloaded machines: runs the same benchmark methods and divides the measuring thread's CPU
 * time (not wall time) by the number of packets, so time spent descheduled while other processes
 * run does not count. Compare ratios measured in one run; prefer JMH on a quiet machine.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.smoothcast.benchmarks.jitter.JitterBufferCpuTime [impl] [payloadBytes] [borrowed|copied]
 * </pre>
 */
public final class JitterBufferCpuTime {

    private static final int ROUNDS = 9;
    private static final int WARMUP_ROUNDS = 4;
    private static final int PACKETS = 2_000_000;

    private JitterBufferCpuTime() {
    }

    public static void main(String[] args) {
        JitterBufferBenchmark benchmark = new JitterBufferBenchmark();
        benchmark.impl = args.length > 0 ? args[0] : "lockfree";
        benchmark.payloadBytes = args.length > 1 ? Integer.parseInt(args[1]) : 1200;
        benchmark.payload = args.length > 2 ? args[2] : "borrowed";
        JitterBufferBenchmark.SingleThread inOrder = new JitterBufferBenchmark.SingleThread();
        inOrder.setUp(benchmark);
        JitterBufferBenchmark.SingleThread reordered = new JitterBufferBenchmark.SingleThread();
        reordered.setUp(benchmark);

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] inOrderNs = new double[ROUNDS - WARMUP_ROUNDS];
        double[] reorderedNs = new double[ROUNDS - WARMUP_ROUNDS];
        long sink = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long startNs = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < PACKETS; i++) {
                sink += benchmark.singleThreadInOrder(inOrder);
            }
            long middleNs = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < PACKETS; i++) {
                sink += benchmark.singleThreadReordered(reordered);
            }
            long endNs = threads.getCurrentThreadCpuTime();
            if (round >= WARMUP_ROUNDS) {
                inOrderNs[round - WARMUP_ROUNDS] = (middleNs - startNs) / (double) PACKETS;
                reorderedNs[round - WARMUP_ROUNDS] = (endNs - middleNs) / (double) PACKETS;
            }
        }
        System.out.printf("impl=%s payloadBytes=%d payload=%s, CPU ns/packet: median (min..max) of %d rounds%n",
                benchmark.impl, benchmark.payloadBytes, benchmark.payload, ROUNDS - WARMUP_ROUNDS);
        print("singleThreadInOrder", inOrderNs);
        print("singleThreadReordered", reorderedNs);
        System.out.println("(checksum " + sink + ", " + inOrder.buffer.checksum() + ", " + reordered.buffer.checksum() + ")");
    }

    private static void print(String name, double[] values) {
        Arrays.sort(values);
        System.out.printf("%-24s %8.1f (%.1f..%.1f)%n", name, values[values.length / 2], values[0],
                values[values.length - 1]);
    }
}
