package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.transport.internal.cc.TransportFeedbackCollector;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The downlink records its copies in the controller in batches ({@link SubscriberDownlink#PENDING_SENDS}):
 * whatever the batch, every decision read from it must be the one a downlink recording each copy at
 * once makes. Two downlinks get the same sends, feedback and ticks over a simulated link whose
 * capacity changes, in virtual time, and are compared at every step.
 */
class SubscriberDownlinkRecordBatchTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long START_BPS = 1_000_000;
    private static final long NEEDED_BPS = 2_500_000;

    /** A one-way link: a bottleneck queue of {@code capacityBps}, 2 ms of propagation, seeded loss. */
    private static final class Link {
        final ArrayDeque<long[]> inFlight = new ArrayDeque<>();
        final TransportFeedbackCollector collector = new TransportFeedbackCollector();
        final SplittableRandom random;
        long capacityBps = 4_000_000;
        long freeAtNs;

        Link(SplittableRandom random) {
            this.random = random;
        }

        void send(int sequence, int bytes, long nowNs) {
            if (random.nextInt(100) < 2) {
                return; // lost
            }
            freeAtNs = Math.max(nowNs, freeAtNs) + bytes * 8L * 1_000_000_000L / capacityBps;
            inFlight.add(new long[] {sequence, freeAtNs + 2 * MS});
        }

        void deliver(long nowNs) {
            while (!inFlight.isEmpty() && inFlight.peek()[1] <= nowNs) {
                long[] packet = inFlight.poll();
                collector.onPacket((int) packet[0], packet[1]);
            }
        }
    }

    private static void assertSame(SubscriberDownlink expected, SubscriberDownlink actual, String where) {
        assertEquals(expected.hasEstimate(), actual.hasEstimate(), where + ": has an estimate");
        assertEquals(expected.estimateBps(), actual.estimateBps(), where + ": estimate");
        assertEquals(expected.lossFraction(), actual.lossFraction(), where + ": loss fraction");
    }

    /** Runs both downlinks side by side for {@code seconds}; returns the reference's lowest and highest estimate. */
    private static long[] runSideBySide(long seed, int batch, int seconds) {
        SplittableRandom random = new SplittableRandom(seed);
        SubscriberDownlink single = new SubscriberDownlink(START_BPS, 1);
        SubscriberDownlink batched = new SubscriberDownlink(START_BPS, batch);
        Link link = new Link(random.split());
        byte[] feedback = new byte[1500];
        long lowest = Long.MAX_VALUE;
        long highest = 0;
        long startNs = TimeUnit.SECONDS.toNanos(10);
        long endNs = startNs + TimeUnit.SECONDS.toNanos(seconds);
        for (long nowNs = startNs; nowNs < endNs; nowNs += MS) {
            String where = "seed " + seed + ", batch " + batch + ", at " + (nowNs - startNs) / MS + " ms";
            long elapsedMs = (nowNs - startNs) / MS;
            link.capacityBps = elapsedMs % 8_000 < 4_000 ? 4_000_000 : 900_000;
            // Media at about 2 Mbps in bursts of a few packets every 11 ms, sizes random.
            if (elapsedMs % 11 == 0) {
                int packets = 1 + random.nextInt(6);
                for (int i = 0; i < packets; i++) {
                    int bytes = 200 + random.nextInt(1_000);
                    int sequence = single.recordSent(bytes, nowNs);
                    assertEquals(sequence, batched.recordSent(bytes, nowNs), where + ": number");
                    link.send(sequence, bytes, nowNs);
                }
            }
            long paddingBytes = single.probePaddingDue(nowNs);
            assertEquals(paddingBytes, batched.probePaddingDue(nowNs), where + ": padding due");
            for (long left = paddingBytes; left > 0; left -= 1_000) {
                int bytes = (int) Math.min(1_000, left);
                int sequence = single.recordSent(bytes, nowNs);
                assertEquals(sequence, batched.recordSent(bytes, nowNs), where + ": padding number");
                link.send(sequence, bytes, nowNs);
            }
            link.deliver(nowNs);
            // Feedback every 25 ms and ticks every 20 ms, out of step, with a short path: most
            // feedback reports packets sent since the last tick, some still in a batch.
            if (elapsedMs % 25 == 0) {
                int length = link.collector.writeFeedback(feedback, 0, 1, 2);
                if (length > 0) {
                    assertEquals(single.onFeedback(feedback, 0, length, nowNs),
                            batched.onFeedback(feedback, 0, length, nowNs), where + ": feedback accepted");
                    assertSame(single, batched, where);
                }
            }
            if (elapsedMs % 20 == 10) {
                single.onTick(nowNs);
                batched.onTick(nowNs);
                assertEquals(single.probeTick(nowNs, NEEDED_BPS), batched.probeTick(nowNs, NEEDED_BPS),
                        where + ": probe decision");
                assertSame(single, batched, where);
                lowest = Math.min(lowest, single.estimateBps());
                highest = Math.max(highest, single.estimateBps());
            }
        }
        return new long[] {lowest, highest};
    }

    @Test
    void batchedRecordsGiveTheSameDecisionsAsSingleOnes() {
        int[] batches = {SubscriberDownlink.PENDING_SENDS, 2, 3, 7, 64};
        for (int run = 0; run < batches.length * 2; run++) {
            long seed = 0x5EED_0000L + run;
            long[] range = runSideBySide(seed, batches[run % batches.length], 20);
            // Not a comparison of two idle controllers: the capacity changes moved the estimate.
            assertTrue(range[1] > 2 * range[0], "seed " + seed + ": estimate stayed in " + range[0] + ".." + range[1]);
        }
    }

    @Test
    void rejectsAnEmptyBatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SubscriberDownlink(START_BPS, 0));
        assertTrue(e.getMessage().contains("recordsPerBatch"), e.getMessage());
    }
}
