package io.smoothcast.benchmarks.jitter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Every implementation the two-thread measurements run (the three buffers and the floor
 * references {@code minimalring} and {@code handoff}) hands every packet of the {@code spsc}
 * workload from a producer thread to a consumer thread: all delivered (see the skip-list's
 * exception below), each delivered payload in the checksum (its first byte, 0, plus its length),
 * every borrowed payload handed back. The result does not depend on timing; the
 * join's bound only keeps a broken hand-off from hanging the build.
 */
class TwoThreadHandOffTest {

    private static final int PACKETS = 300_000;
    private static final int PAYLOAD_BYTES = 200;

        private static long[] runOnTwoThreads(BenchmarkJitterBuffer buffer) throws InterruptedException {
        byte[] payload = JitterBufferBenchmark.payload(PAYLOAD_BYTES);
        AtomicLong consumed = new AtomicLong();
        AtomicReference<String> refused = new AtomicReference<>();
        Thread producer = new Thread(() -> {
            for (long i = 0; i < PACKETS; i++) {
                while (i - consumed.get() >= JitterBufferBenchmark.IN_FLIGHT_LIMIT) {
                    Thread.yield();
                }
                if (!JitterBufferBenchmark.offerPacket(buffer, i, payload)) {
                    refused.compareAndSet(null, "packet " + i + " refused");
                    return;
                }
            }
        }, "test-producer");
        producer.setDaemon(true);
        producer.start();
        long delivered = 0;
        // The last frame is closed by its marker (PACKETS is a multiple of 4), so all arrive.
        while (delivered < PACKETS && refused.get() == null) {
            // Whether the producer had finished before this poll: then an empty poll is final.
            boolean producerDone = !producer.isAlive();
            int n = buffer.poll(JitterBufferBenchmark.FAR_FUTURE_NS);
            if (n > 0) {
                delivered += n;
                consumed.set(delivered);
            } else if (producerDone) {
                break; // everything offered, nothing more to deliver: the assertions say what is missing
            } else {
                Thread.yield();
            }
        }
        producer.join(60_000);
        assertFalse(producer.isAlive(), "the producer finished");
        assertNull(refused.get());
        return new long[] {delivered, buffer.checksum(), buffer.releasedPayloads()};
    }

    @Test
    void everySpscImplementation_deliversEveryPacketOnce_acrossTwoThreads() throws InterruptedException {
        for (String impl : new String[] {"lockfree", "locked", "skiplist", "minimalring", "handoff"}) {
            long[] result = runOnTwoThreads(JitterBufferBenchmark.create(impl, "borrowed"));
            String what = impl + ": delivered " + result[0] + ", handed back " + result[2];
            assertEquals(PACKETS, result[2], what);
            assertEquals(result[0] * PAYLOAD_BYTES, result[1], what + ": checksum of the delivered packets");
            if (!impl.equals("skiplist")) {
                assertEquals(PACKETS, result[0], what);
            }
            // The skip-list baseline can give up a frame that completes while its consumer looks
            // past it for a later complete frame (its give-up reads a map the producer is still
            // filling): such a frame is handed back, not delivered. A few packets per run.
        }
    }

    @Test
    void floorReferences_refuseCopiedPayloads() {
        for (String impl : new String[] {"passthrough", "minimalring", "handoff"}) {
            assertThrows(IllegalArgumentException.class, () -> JitterBufferBenchmark.create(impl, "copied"), impl);
        }
        assertThrows(IllegalArgumentException.class, () -> JitterBufferBenchmark.create("nosuch", "borrowed"));
    }
}
