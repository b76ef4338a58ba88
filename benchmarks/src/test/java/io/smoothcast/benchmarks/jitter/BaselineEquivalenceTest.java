package io.smoothcast.benchmarks.jitter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smoothcast.benchmarks.jitter.baseline.LockedJitterBuffer;
import io.smoothcast.benchmarks.jitter.baseline.SkipListJitterBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The JMH comparison is only fair if the three buffers do the same work: on the benchmark's
 * in-order and reordered workloads, every implementation delivers every packet, in the same
 * frames, with the same payload checksum.
 */
class BaselineEquivalenceTest {

    private static final int PACKETS = 50_000;

    private static long[] run(BenchmarkJitterBuffer buffer, boolean reorder) {
        byte[] payload = JitterBufferBenchmark.payload(200);
        SplittableRandom random = new SplittableRandom(5);
        long delivered = 0;
        for (long i = 0; i < PACKETS; i++) {
            long nowNs = i * JitterBufferBenchmark.PACKET_INTERVAL_NS;
            if (reorder && i + 1 < PACKETS && random.nextDouble() < 0.05) {
                // Packet i + 1 overtakes packet i.
                JitterBufferBenchmark.offerPacket(buffer, i + 1, payload);
                delivered += buffer.poll(nowNs);
                JitterBufferBenchmark.offerPacket(buffer, i, payload);
                delivered += buffer.poll(nowNs);
                i++;
            } else {
                JitterBufferBenchmark.offerPacket(buffer, i, payload);
                delivered += buffer.poll(nowNs);
            }
        }
        delivered += buffer.poll(JitterBufferBenchmark.FAR_FUTURE_NS);
        return new long[] {delivered, buffer.checksum()};
    }

    @Test
    void allImplementations_deliverTheSamePackets() {
        for (boolean reorder : new boolean[] {false, true}) {
            long[] lockFree = run(JitterBufferBenchmark.create("lockfree"), reorder);
            long[] skipList = run(new SkipListJitterBuffer(JitterBufferBenchmark.CAPACITY, JitterBufferBenchmark.CLOCK_RATE_HZ, 0), reorder);
            long[] locked = run(new LockedJitterBuffer(JitterBufferBenchmark.CAPACITY, JitterBufferBenchmark.CLOCK_RATE_HZ, 0), reorder);
            assertEquals(PACKETS, lockFree[0], "lockfree delivers everything, reorder=" + reorder);
            assertEquals(lockFree[0], skipList[0], "reorder=" + reorder);
            assertEquals(lockFree[0], locked[0], "reorder=" + reorder);
            assertEquals(lockFree[1], skipList[1], "reorder=" + reorder);
            assertEquals(lockFree[1], locked[1], "reorder=" + reorder);
        }
    }
}
