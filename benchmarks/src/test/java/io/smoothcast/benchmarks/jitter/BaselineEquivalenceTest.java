package io.smoothcast.benchmarks.jitter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The JMH comparison is only fair if the three buffers do the same work: on the benchmark's
 * in-order and reordered workloads, every implementation delivers every packet, in the same
 * frames, with the same payload checksum, and with borrowed payloads hands every one back.
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
        return new long[] {delivered, buffer.checksum(), buffer.releasedPayloads()};
    }

    @Test
    void allImplementations_deliverTheSamePackets() {
        for (String payload : new String[] {"borrowed", "copied"}) {
            for (boolean reorder : new boolean[] {false, true}) {
                String what = "payload=" + payload + ", reorder=" + reorder;
                long[] lockFree = run(JitterBufferBenchmark.create("lockfree", payload), reorder);
                long[] skipList = run(JitterBufferBenchmark.create("skiplist", payload), reorder);
                long[] locked = run(JitterBufferBenchmark.create("locked", payload), reorder);
                assertEquals(PACKETS, lockFree[0], "lockfree delivers everything, " + what);
                assertEquals(lockFree[0], skipList[0], what);
                assertEquals(lockFree[0], locked[0], what);
                assertEquals(lockFree[1], skipList[1], what);
                assertEquals(lockFree[1], locked[1], what);
                long expectedReleases = payload.equals("borrowed") ? PACKETS : 0;
                assertEquals(expectedReleases, lockFree[2], what);
                assertEquals(expectedReleases, skipList[2], what);
                assertEquals(expectedReleases, locked[2], what);
            }
        }
    }
}
