package io.smoothcast.benchmarks.rtp;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A cross-check of {@link RtpCodecBenchmark} for shared, overloaded machines: runs the same
 * benchmark methods and divides the measuring thread's CPU time (not wall time) by the number of
 * operations, so time spent descheduled while other processes run does not count. Every method
 * is called through the same {@link LongSupplier} call site, which adds the same small
 * virtual-call cost to each of them; compare ratios, and prefer JMH's numbers on a quiet machine.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.smoothcast.benchmarks.rtp.RtpCodecCpuTime [payloadBytes]
 * </pre>
 */
public final class RtpCodecCpuTime {

    private static final int ROUNDS = 9;
    private static final int WARMUP_ROUNDS = 4;
    private static final int OPERATIONS = 2_000_000;

    private RtpCodecCpuTime() {
    }

    public static void main(String[] args) {
        RtpCodecBenchmark benchmark = new RtpCodecBenchmark();
        benchmark.payloadBytes = args.length > 0 ? Integer.parseInt(args[0]) : 160;
        benchmark.setUp();
        Map<String, LongSupplier> operations = new LinkedHashMap<>();
        operations.put("parseRtp", benchmark::parseRtp);
        operations.put("parseRtpBaseline", benchmark::parseRtpBaseline);
        operations.put("serializeRtp", benchmark::serializeRtp);
        operations.put("serializeRtpBaseline", () -> benchmark.serializeRtpBaseline());
        operations.put("iterateRtcpWithTransportCc", benchmark::iterateRtcpWithTransportCc);

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, double[]> results = new LinkedHashMap<>();
        long sink = 0;
        for (int round = 0; round < ROUNDS; round++) {
            for (Map.Entry<String, LongSupplier> operation : operations.entrySet()) {
                LongSupplier op = operation.getValue();
                int count = operation.getKey().startsWith("iterate") ? OPERATIONS / 20 : OPERATIONS;
                long startNs = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < count; i++) {
                    sink += op.getAsLong();
                }
                double nsPerOp = (threads.getCurrentThreadCpuTime() - startNs) / (double) count;
                if (round >= WARMUP_ROUNDS) {
                    results.computeIfAbsent(operation.getKey(), k -> new double[ROUNDS - WARMUP_ROUNDS])[round - WARMUP_ROUNDS] = nsPerOp;
                }
            }
        }
        System.out.printf("payloadBytes=%d, CPU ns/op: median (min..max) of %d rounds%n", benchmark.payloadBytes,
            ROUNDS - WARMUP_ROUNDS);
        for (Map.Entry<String, double[]> result : results.entrySet()) {
            double[] values = result.getValue();
            Arrays.sort(values);
            System.out.printf("%-28s %8.1f (%.1f..%.1f)%n", result.getKey(), values[values.length / 2], values[0],
                values[values.length - 1]);
        }
        System.out.println("(checksum " + sink + ")");
    }
}
