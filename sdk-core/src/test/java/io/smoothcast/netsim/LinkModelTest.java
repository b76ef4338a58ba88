package io.smoothcast.netsim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LinkModelTest {

    private static final long MS = 1_000_000L;

    @Test
    void idleLink_arrivalIsSerializationPlusPropagation() {
        LinkModel link = LinkModel.builder().constantCapacityBps(1_000_000).propagationDelayNs(50 * MS).build();
        assertEquals(LinkModel.DELIVERED, link.offer(1250, 0));
        assertEquals(60 * MS, link.lastArrivalTimeNs());
        assertEquals(0, link.lastQueueDelayNs());
    }

    @Test
    void backToBackPackets_queueBehindEachOther() {
        LinkModel link = LinkModel.builder().constantCapacityBps(1_000_000).build();
        link.offer(1250, 0);
        link.offer(1250, 0);
        assertEquals(20 * MS, link.lastArrivalTimeNs());
        assertEquals(10 * MS, link.lastQueueDelayNs());
        assertEquals(10 * MS, link.backlogNs(10 * MS));
        assertEquals(0, link.backlogNs(25 * MS));
    }

    @Test
    void timeLimitedQueue_dropsWhatWouldWaitTooLong() {
        LinkModel link = LinkModel.builder().constantCapacityBps(1_000_000).queueLimitNs(25 * MS).build();
        int delivered = 0;
        for (int i = 0; i < 10; i++) {
            if (link.offer(1250, 0) == LinkModel.DELIVERED) {
                delivered++;
            }
        }
        // Waits of 0, 10, 20 ms fit; 30 ms does not.
        assertEquals(3, delivered);
        assertEquals(7, link.queueDrops());
    }

    @Test
    void byteLimitedQueue_dropsBeyondTheLimitAndDrains() {
        LinkModel link = LinkModel.builder().constantCapacityBps(1_000_000).queueLimitBytes(3000).build();
        assertEquals(LinkModel.DELIVERED, link.offer(1000, 0));
        assertEquals(LinkModel.DELIVERED, link.offer(1000, 0));
        assertEquals(LinkModel.DELIVERED, link.offer(1000, 0));
        assertEquals(LinkModel.DROPPED_QUEUE_FULL, link.offer(1000, 0));
        // The first packet is out after 8 ms.
        assertEquals(LinkModel.DELIVERED, link.offer(1000, 8 * MS));
    }

    @Test
    void randomLoss_matchesConfiguredRate() {
        LinkModel link = LinkModel.builder().constantCapacityBps(1_000_000_000L).randomLoss(0.05).seed(7).build();
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            link.offer(100, i * MS);
        }
        assertEquals(0.05, link.lossDrops() / (double) n, 0.005, "seed 7");
    }

    @Test
    void gilbertElliott_lossesComeInBursts() {
        // Mean burst length 1 / 0.25 = 4 packets; stationary bad share 0.01 / 0.26.
        LinkModel link = LinkModel.builder().constantCapacityBps(1_000_000_000L).gilbertElliottLoss(0.01, 0.25, 0, 1)
                .seed(11).build();
        int n = 200_000;
        int losses = 0;
        int bursts = 0;
        boolean previousLost = false;
        for (int i = 0; i < n; i++) {
            boolean lost = link.offer(100, i * MS) != LinkModel.DELIVERED;
            if (lost) {
                losses++;
                if (!previousLost) {
                    bursts++;
                }
            }
            previousLost = lost;
        }
        assertEquals(0.01 / 0.26, losses / (double) n, 0.005, "seed 11");
        assertEquals(4.0, losses / (double) bursts, 0.4, "mean burst length, seed 11");
    }

    @Test
    void jitterWithoutReordering_keepsArrivalsInOrder() {
        LinkModel link = LinkModel.builder().constantCapacityBps(100_000_000).propagationDelayNs(20 * MS)
                .jitterNs(30 * MS).seed(3).build();
        long previous = Long.MIN_VALUE;
        long maxExtra = 0;
        for (int i = 0; i < 10_000; i++) {
            long now = i * MS;
            assertEquals(LinkModel.DELIVERED, link.offer(200, now));
            long arrival = link.lastArrivalTimeNs();
            assertTrue(arrival >= previous, "reordered at " + i);
            maxExtra = Math.max(maxExtra, arrival - now - 20 * MS);
            previous = arrival;
        }
        assertTrue(maxExtra > 25 * MS && maxExtra <= 31 * MS, "jitter bound used: " + maxExtra);
    }

    @Test
    void jitterWithReordering_reorders() {
        LinkModel link = LinkModel.builder().constantCapacityBps(100_000_000).jitterNs(30 * MS)
                .reorderingAllowed(true).seed(3).build();
        long previous = Long.MIN_VALUE;
        int reordered = 0;
        for (int i = 0; i < 1000; i++) {
            link.offer(200, i * MS);
            if (link.lastArrivalTimeNs() < previous) {
                reordered++;
            }
            previous = link.lastArrivalTimeNs();
        }
        assertTrue(reordered > 100, "reordered " + reordered);
    }

    @Test
    void sameSeed_sameAnswers() {
        for (long seed = 0; seed < 5; seed++) {
            LinkModel a = lossyJitteryLink(seed);
            LinkModel b = lossyJitteryLink(seed);
            for (int i = 0; i < 2000; i++) {
                assertEquals(a.offer(1200, i * 3 * MS), b.offer(1200, i * 3 * MS), "seed " + seed);
                assertEquals(a.lastArrivalTimeNs(), b.lastArrivalTimeNs(), "seed " + seed);
            }
        }
    }

    @Test
    void badArguments_areRejectedByName() {
        LinkModel link = LinkModel.builder().build();
        assertThrows(IllegalArgumentException.class, () -> link.offer(0, 0));
        assertThrows(IllegalArgumentException.class, () -> link.offer(70_000, 0));
        link.offer(100, 5 * MS);
        IllegalArgumentException backwards = assertThrows(IllegalArgumentException.class, () -> link.offer(100, MS));
        assertTrue(backwards.getMessage().contains("nowNs"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinkModel.builder().randomLoss(1.5));
        assertTrue(e.getMessage().startsWith("randomLoss must be in [0, 1]"), e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LinkModel.builder().propagationDelayNs(-1))
                .getMessage().startsWith("propagationDelayNs"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LinkModel.builder().queueLimitBytes(0))
                .getMessage().startsWith("queueLimitBytes"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LinkModel.builder().queueLimitNs(-1))
                .getMessage().startsWith("queueLimitNs"));
    }

    private static LinkModel lossyJitteryLink(long seed) {
        return LinkModel.builder().constantCapacityBps(2_000_000).propagationDelayNs(40 * MS).jitterNs(5 * MS)
                .randomLoss(0.02).gilbertElliottLoss(0.01, 0.3, 0, 0.5).queueLimitNs(100 * MS).seed(seed).build();
    }
}
