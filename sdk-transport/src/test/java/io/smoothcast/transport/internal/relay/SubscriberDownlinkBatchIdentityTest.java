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
 * {@link SubscriberDownlink} records its copies in batches and hands them to the stall guard,
 * the controller and the prober only when something reads them. This drives a batched downlink
 * and a reference that hands every copy over at once (batch of 1, the calls main made per copy)
 * side by side over one simulated link: capacity changes, random and queue loss, probes with
 * their padding, relay stalls, the subscriber's untimed-arrival reports, and feedback out of step
 * with the 20 ms ticks (which run late at random) over one-way delays shorter than a tick. Every number and every decision must be the same, step by step.
 */
class SubscriberDownlinkBatchIdentityTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    /** One-way delays shorter than a tick, so feedback can report copies no tick handed over yet. */
    private static final long[] ONE_WAY_NS = {MS / 2, 3 * MS, 20 * MS};
    private static final long MAX_QUEUE_NS = 250 * MS;
    private static final long[] CAPACITIES_BPS = {800_000, 2_000_000, 4_000_000, 9_000_000};
    private static final long[] LAYERS_ABOVE_BPS = {0, 1_200_000, 2_500_000, 5_000_000};

    /** What one run saw, so the test can check the scenario reached every path. */
    private static final class Seen {
        int probes;
        int probeEnds;
        int climbs;
        int paddingPackets;
        int feedbacks;
        int stalls;
        int lost;
        long lowestEstimateBps = Long.MAX_VALUE;
        long highestEstimateBps;
    }

    @Test
    void batchedDownlinkDecidesExactlyAsOneByOne() {
        for (long seed = 1; seed <= 12; seed++) {
            for (int batch : new int[] {SubscriberDownlink.RECORD_BATCH, 5}) {
                Seen seen = run(seed, batch);
                String where = "seed " + seed + ", batch " + batch;
                assertTrue(seen.feedbacks > 100, where + ": feedbacks " + seen.feedbacks);
                assertTrue(seen.stalls > 0, where + ": no relay stall");
                assertTrue(seen.lost > 0, where + ": no loss");
                assertTrue(seen.highestEstimateBps > 2 * seen.lowestEstimateBps,
                        where + ": the estimate hardly moved");
            }
        }
        // Over all seeds: the probes and their padding happened too (each run has few).
        int probes = 0;
        int ends = 0;
        int padding = 0;
        int climbs = 0;
        for (long seed = 1; seed <= 12; seed++) {
            Seen seen = run(seed, SubscriberDownlink.RECORD_BATCH);
            probes += seen.probes;
            ends += seen.probeEnds;
            padding += seen.paddingPackets;
            climbs += seen.climbs;
        }
        assertTrue(probes > 5 && ends > 5 && climbs > 0 && padding > 50, "probes " + probes + ", results " + ends
                + ", climbs " + climbs + ", padding packets " + padding);
    }

    @Test
    void rejectsAnEmptyBatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SubscriberDownlink(1_000_000, 0));
        assertTrue(e.getMessage().contains("recordBatch"), e.getMessage());
    }

    /** 40 s of virtual time in 1 ms steps; asserts identity at every read and returns what happened. */
    private static Seen run(long seed, int batch) {
        SplittableRandom random = new SplittableRandom(seed);
        String where = "seed " + seed + ", batch " + batch;
        SubscriberDownlink batched = new SubscriberDownlink(2_000_000, batch);
        SubscriberDownlink reference = new SubscriberDownlink(2_000_000, 1);
        TransportFeedbackCollector collector = new TransportFeedbackCollector();
        ArrayDeque<long[]> inFlight = new ArrayDeque<>(); // {16-bit number, arrival ns}
        byte[] feedback = new byte[1500];
        Seen seen = new Seen();
        long capacityBps = CAPACITIES_BPS[1];
        long layerAboveBps = 0;
        long oneWayNs = ONE_WAY_NS[0];
        double lossRate = 0;
        long linkFreeNs = 0;
        long nextTickNs = 0;
        long nextFeedbackNs = 30 * MS;
        long mediaBps = 1_000_000;
        double mediaBytesOwed = 0;
        for (long nowNs = 0; nowNs < 40_000 * MS; nowNs += MS) {
            if (nowNs % (3_000 * MS) == 0) { // a new phase of the link and of the layers
                capacityBps = CAPACITIES_BPS[random.nextInt(CAPACITIES_BPS.length)];
                layerAboveBps = LAYERS_ABOVE_BPS[random.nextInt(LAYERS_ABOVE_BPS.length)];
                lossRate = random.nextInt(4) == 0 ? 0.03 : 0.002;
                oneWayNs = ONE_WAY_NS[random.nextInt(ONE_WAY_NS.length)];
            }
            // Media: the layer the estimate allows, in packets of 200-1200 bytes.
            mediaBytesOwed += Math.min(mediaBps, 6_000_000) / 8.0 / 1000;
            while (mediaBytesOwed >= 1200) {
                int bytes = 200 + random.nextInt(1001);
                mediaBytesOwed -= bytes;
                linkFreeNs = send(batched, reference, bytes, nowNs, linkFreeNs, capacityBps, lossRate,
                        oneWayNs, random, inFlight, seen, where);
            }
            while (!inFlight.isEmpty() && inFlight.peekFirst()[1] <= nowNs) {
                long[] arrival = inFlight.pollFirst();
                collector.onPacket((int) arrival[0], arrival[1]);
            }
            if (random.nextInt(2_000) == 0) { // the subscriber reports numbers it read late
                int first = random.nextInt(1 << 16);
                int count = 1 + random.nextInt(40);
                batched.onUntimedArrivals(first, count);
                reference.onUntimedArrivals(first, count);
            }
            if (nowNs >= nextFeedbackNs) { // the subscriber's own timer, not the relay's tick
                int length;
                while ((length = collector.writeFeedback(feedback, 0, 1, 2)) > 0) {
                    assertEquals(reference.onFeedback(feedback, 0, length, nowNs),
                            batched.onFeedback(feedback, 0, length, nowNs), where + ": feedback at " + nowNs);
                    seen.feedbacks++;
                }
                nextFeedbackNs = nowNs + (17 + random.nextInt(90)) * MS;
            }
            if (nowNs >= nextTickNs) {
                nextTickNs = nowNs + (20 + random.nextInt(12)) * MS; // a busy relay's tick runs late
                batched.onTick(nowNs);
                reference.onTick(nowNs);
                assertEquals(reference.hasEstimate(), batched.hasEstimate(), where + ": has estimate at " + nowNs);
                long estimateBps = reference.estimateBps();
                assertEquals(estimateBps, batched.estimateBps(), where + ": estimate at " + nowNs);
                assertEquals(reference.lossFraction(), batched.lossFraction(), where + ": loss at " + nowNs);
                seen.lowestEstimateBps = Math.min(seen.lowestEstimateBps, estimateBps);
                seen.highestEstimateBps = Math.max(seen.highestEstimateBps, estimateBps);
                mediaBps = reference.hasEstimate() ? estimateBps : mediaBps;
                if (reference.hasEstimate()) {
                    DownlinkProber.Action action = reference.probeTick(nowNs, layerAboveBps);
                    assertEquals(action, batched.probeTick(nowNs, layerAboveBps), where + ": probe at " + nowNs);
                    seen.probes += action == DownlinkProber.Action.START_PROBE ? 1 : 0;
                    seen.climbs += action == DownlinkProber.Action.CLIMB ? 1 : 0;
                    seen.probeEnds += action == DownlinkProber.Action.CLIMB
                            || action == DownlinkProber.Action.FAILED ? 1 : 0;
                    long dueBytes = reference.probePaddingDue(nowNs);
                    assertEquals(dueBytes, batched.probePaddingDue(nowNs), where + ": padding at " + nowNs);
                    while (dueBytes > 0) {
                        int bytes = 300 + random.nextInt(900);
                        dueBytes -= bytes;
                        seen.paddingPackets++;
                        linkFreeNs = send(batched, reference, bytes, nowNs, linkFreeNs, capacityBps, lossRate,
                                oneWayNs, random, inFlight, seen, where);
                    }
                }
                if (random.nextInt(400) == 0) { // the relay's thread was off the CPU
                    long stallNs = (30 + random.nextInt(400)) * MS;
                    nowNs += stallNs;
                    nextTickNs = nowNs + 20 * MS;
                    batched.onRelayStall(nowNs, stallNs);
                    reference.onRelayStall(nowNs, stallNs);
                    seen.stalls++;
                }
            }
        }
        return seen;
    }

    /** One copy to both downlinks, then into the link; returns when the link is free again. */
    private static long send(SubscriberDownlink batched, SubscriberDownlink reference, int bytes, long nowNs,
            long linkFreeNs, long capacityBps, double lossRate, long oneWayNs, SplittableRandom random,
            ArrayDeque<long[]> inFlight,
            Seen seen, String where) {
        int number = reference.recordSent(bytes, nowNs);
        assertEquals(number, batched.recordSent(bytes, nowNs), where + ": number at " + nowNs);
        if (linkFreeNs - nowNs > MAX_QUEUE_NS || random.nextDouble() < lossRate) {
            seen.lost++;
            return linkFreeNs;
        }
        long doneNs = Math.max(nowNs, linkFreeNs) + bytes * 8L * 1_000_000_000L / capacityBps;
        inFlight.addLast(new long[] {number, doneNs + oneWayNs});
        return doneNs;
    }
}
