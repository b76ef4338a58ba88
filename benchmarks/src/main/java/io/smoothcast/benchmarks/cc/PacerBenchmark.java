package io.smoothcast.benchmarks.cc;

import io.smoothcast.cc.Pacer;
import io.smoothcast.cc.PacketPriority;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pacer enqueue + dequeue of a frame's worth of packets in mixed priority classes (1 audio,
 * 1 interactive, 28 video, 2 retransmissions), then polled out with the clock moving at the
 * pacing rate. The cost is per packet (one enqueue and one poll) and should allocate nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PacerBenchmark {

    private static final int PACKETS = 32;

    private Pacer pacer;
    private long clockNs;
    private long handle;

    @Setup
    public void setUp() {
        pacer = Pacer.builder().initialTargetBitrateBps(4_000_000).build();
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long enqueueThenPollAll() {
        pacer.enqueue(PacketPriority.AUDIO, handle++, 120, clockNs);
        pacer.enqueue(PacketPriority.INTERACTIVE, handle++, 200, clockNs);
        for (int i = 0; i < PACKETS - 4; i++) {
            pacer.enqueue(PacketPriority.VIDEO, handle++, 1200, clockNs);
        }
        pacer.enqueue(PacketPriority.RETRANSMISSION, handle++, 1200, clockNs);
        pacer.enqueue(PacketPriority.RETRANSMISSION, handle++, 1200, clockNs);
        long sum = 0;
        int sent = 0;
        while (sent < PACKETS) {
            long next = pacer.poll(clockNs);
            if (next >= 0) {
                sum += next;
                sent++;
            } else {
                clockNs = pacer.nextSendTimeNs(clockNs);
            }
        }
        return sum;
    }
}
