package io.smoothcast.cc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PacerTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    @Test
    void higherClassesLeaveFirst_fifoWithinAClass() {
        Pacer pacer = Pacer.builder().initialTargetBitrateBps(100_000_000).build();
        pacer.enqueue(PacketPriority.PADDING, 1, 100, 0);
        pacer.enqueue(PacketPriority.RETRANSMISSION, 2, 100, 0);
        pacer.enqueue(PacketPriority.VIDEO, 3, 100, 0);
        pacer.enqueue(PacketPriority.VIDEO, 4, 100, 0);
        pacer.enqueue(PacketPriority.INTERACTIVE, 5, 100, 0);
        pacer.enqueue(PacketPriority.AUDIO, 6, 100, 0);
        long[] order = new long[6];
        for (int i = 0; i < 6; i++) {
            order[i] = pacer.poll(0);
        }
        assertEquals("[6, 5, 3, 4, 2, 1]", java.util.Arrays.toString(order));
        assertEquals(Pacer.NO_PACKET, pacer.poll(0));
        assertEquals(Long.MAX_VALUE, pacer.nextSendTimeNs(0));
    }

    @Test
    void steadyFlow_leavesAtPacingFactorTimesTarget() {
        // 400 kbit/s x 2.5 = 1 Mbit/s: a 1250-byte packet every 10 ms once the burst is spent.
        Pacer pacer = Pacer.builder().initialTargetBitrateBps(400_000).pacingFactor(2.5).burstNs(0).build();
        for (int i = 0; i < 100; i++) {
            assertTrue(pacer.enqueue(PacketPriority.VIDEO, i, 1250, 0));
        }
        long now = 0;
        int sent = 0;
        while (now <= S) {
            long handle = pacer.poll(now);
            if (handle >= 0) {
                sent++;
                continue;
            }
            now = pacer.nextSendTimeNs(now);
        }
        // One packet of initial bucket, then 1 Mbit/s for one second.
        assertEquals(101, sent, 1);
    }

    @Test
    void refundLast_packetsDroppedByTheCallerCostNoBudget() {
        // 1 Mbit/s without burst: the bucket holds one 1500-byte packet's worth.
        Pacer pacer = Pacer.builder().initialTargetBitrateBps(400_000).pacingFactor(2.5).burstNs(0).build();
        for (int i = 0; i < 4; i++) {
            assertTrue(pacer.enqueue(PacketPriority.VIDEO, i, 1250, 0));
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(i, pacer.poll(0));
            pacer.refundLast(); // dropped, not sent
        }
        assertEquals(3, pacer.poll(0));
        assertEquals(Pacer.NO_PACKET, pacer.poll(0), "only what was sent used the budget");
    }

    @Test
    void withoutRefund_theSameBudgetLetsTwoOut() {
        Pacer pacer = Pacer.builder().initialTargetBitrateBps(400_000).pacingFactor(2.5).burstNs(0).build();
        for (int i = 0; i < 4; i++) {
            assertTrue(pacer.enqueue(PacketPriority.VIDEO, i, 1250, 0));
        }
        assertEquals(0, pacer.poll(0));
        assertEquals(1, pacer.poll(0));
        assertEquals(Pacer.NO_PACKET, pacer.poll(0));
    }

    @Test
    void burstLimit_letsThatMuchOutAtOnce() {
        Pacer pacer = Pacer.builder().initialTargetBitrateBps(4_000_000).pacingFactor(1).burstNs(30 * MS).build();
        for (int i = 0; i < 50; i++) {
            pacer.enqueue(PacketPriority.VIDEO, i, 1000, 0);
        }
        int atOnce = 0;
        while (pacer.poll(0) >= 0) {
            atOnce++;
        }
        // 30 ms at 4 Mbit/s = 15 000 bytes; the last packet may overdraw the bucket.
        assertEquals(15, atOnce);
        // The bucket is empty, not in debt: the next packet may go as soon as a bit has accrued,
        // and the one after it once its 1000 bytes are paid back at 4 Mbit/s.
        long next = pacer.nextSendTimeNs(0);
        assertTrue(next > 0 && next <= 1_000, "next at " + next + " ns");
        assertTrue(pacer.poll(next) >= 0);
        assertEquals(next + 2 * MS, pacer.nextSendTimeNs(next), 1_000);
    }

    @Test
    void fullRing_refusesWithoutGrowing() {
        Pacer pacer = Pacer.builder().queueCapacityPerClass(4).build();
        for (int i = 0; i < 4; i++) {
            assertEquals(4 - i, pacer.room(PacketPriority.VIDEO));
            assertTrue(pacer.enqueue(PacketPriority.VIDEO, i, 100, 0));
        }
        assertEquals(0, pacer.room(PacketPriority.VIDEO));
        assertEquals(4, pacer.room(PacketPriority.AUDIO));
        assertFalse(pacer.enqueue(PacketPriority.VIDEO, 9, 100, 0));
        assertTrue(pacer.enqueue(PacketPriority.AUDIO, 10, 100, 0), "other classes have their own ring");
        assertEquals(1, pacer.rejectedPackets());
        assertEquals(5, pacer.queuedPackets());
        assertEquals(4, pacer.queuedPackets(PacketPriority.VIDEO));
    }

    @Test
    void probeCluster_withNothingQueued_sendsPaddingAtTheProbeRate() {
        Pacer pacer = Pacer.builder().initialTargetBitrateBps(300_000).paddingPacketBytes(1000).build();
        ProbeClusterRequest cluster = new ProbeClusterRequest().set(4, 1_600_000, 5, 3000);
        assertTrue(pacer.startProbeCluster(cluster, 0));
        long now = 0;
        long firstNs = -1;
        long lastNs = -1;
        int sent = 0;
        while (pacer.isProbing()) {
            long handle = pacer.poll(now);
            if (handle == Pacer.NO_PACKET) {
                now = pacer.nextSendTimeNs(now);
                continue;
            }
            assertEquals(Pacer.PADDING, handle);
            assertEquals(4, pacer.lastProbeClusterId());
            assertEquals(1000, pacer.lastSizeBytes());
            firstNs = firstNs < 0 ? now : firstNs;
            lastNs = now;
            sent++;
        }
        assertEquals(5, sent);
        // 1000 bytes at 1.6 Mbit/s = 5 ms apart.
        assertEquals(20 * MS, lastNs - firstNs);
    }

    @Test
    void probeCluster_usesQueuedMediaFirst_thenNormalPacingResumes() {
        Pacer pacer = Pacer.builder().initialTargetBitrateBps(300_000).build();
        pacer.enqueue(PacketPriority.VIDEO, 42, 1200, 0);
        pacer.startProbeCluster(new ProbeClusterRequest().set(0, 1_000_000, 2, 100), 0);
        assertEquals(42, pacer.poll(0));
        assertEquals(0, pacer.lastProbeClusterId());
        assertEquals(PacketPriority.VIDEO, pacer.lastPriority());
        assertEquals(Pacer.NO_PACKET, pacer.poll(0), "the next probe packet is due 9.6 ms later");
        assertEquals(Pacer.PADDING, pacer.poll(pacer.nextSendTimeNs(0)));
        assertFalse(pacer.isProbing());
        pacer.enqueue(PacketPriority.VIDEO, 43, 1200, 20 * MS);
        assertEquals(43, pacer.poll(40 * MS));
        assertEquals(-1, pacer.lastProbeClusterId());
    }

    @Test
    void refundLast_duringAProbe_theDroppedPacketIsNotProbeTraffic_andTheNextTakesItsSlot() {
        Pacer pacer = Pacer.builder().initialTargetBitrateBps(300_000).build();
        for (int i = 0; i < 10; i++) {
            pacer.enqueue(PacketPriority.VIDEO, i, 1000, 0);
        }
        // 3 packets, 3000 bytes at 1.6 Mbit/s: 5 ms apart.
        pacer.startProbeCluster(new ProbeClusterRequest().set(7, 1_600_000, 3, 3000), 0);
        assertEquals(0, pacer.poll(0));
        pacer.refundLast(); // too old: dropped
        assertEquals(1, pacer.poll(0), "the next packet leaves in the dropped one's slot");
        assertEquals(7, pacer.lastProbeClusterId());
        pacer.refundLast(); // dropped as well, just as the cluster started
        long now = 0;
        int probePackets = 0;
        while (pacer.isProbing()) {
            long handle = pacer.poll(now);
            if (handle == Pacer.NO_PACKET) {
                now = pacer.nextSendTimeNs(now);
                continue;
            }
            assertEquals(7, pacer.lastProbeClusterId());
            probePackets++;
        }
        assertEquals(3, probePackets, "the cluster is made of the packets sent");
        assertEquals(10 * MS, now, "sent 5 ms apart from the first sent one");
    }

    @Test
    void longQueue_raisesTheRateToDrainWithinTheLimit() {
        Pacer pacer = Pacer.builder().initialTargetBitrateBps(100_000).pacingFactor(1).burstNs(0)
                .maxQueueTimeNs(S).build();
        // 250 000 bytes = 2 Mbit: 20 s at 100 kbit/s, but the oldest may wait only 1 s.
        for (int i = 0; i < 250; i++) {
            pacer.enqueue(PacketPriority.VIDEO, i, 1000, 0);
        }
        long now = 0;
        while (pacer.queuedPackets() > 0 && now < 10 * S) {
            if (pacer.poll(now) == Pacer.NO_PACKET) {
                now = pacer.nextSendTimeNs(now);
            }
        }
        assertTrue(now <= S + 10 * MS, "drained at " + now / MS + " ms");
    }

    @Test
    void longQueue_withoutTheSpeedUp_leavesAtThePacingRate() {
        Pacer pacer = Pacer.builder().initialTargetBitrateBps(100_000).pacingFactor(1).burstNs(0)
                .maxQueueTimeNs(S).build();
        pacer.setQueueDrainSpeedUp(false); // the caller drops what waits too long
        for (int i = 0; i < 250; i++) {
            pacer.enqueue(PacketPriority.VIDEO, i, 1000, 0);
        }
        long now = 0;
        int sent = 0;
        while (now <= 2 * S) {
            if (pacer.poll(now) == Pacer.NO_PACKET) {
                now = pacer.nextSendTimeNs(now);
            } else {
                sent++;
            }
        }
        // 100 kbit/s for 2 s = 25 000 bytes, plus the first packet's bucket.
        assertEquals(26, sent, 1);
    }

    @Test
    void badArguments_areRejectedByName() {
        Pacer pacer = Pacer.builder().build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pacer.enqueue(PacketPriority.VIDEO, -1, 100, 0));
        assertTrue(e.getMessage().contains("handle"));
        assertThrows(IllegalArgumentException.class, () -> pacer.enqueue(PacketPriority.VIDEO, 1, 0, 0));
        assertThrows(NullPointerException.class, () -> pacer.enqueue(null, 1, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> pacer.setTargetBitrateBps(0));
        assertThrows(IllegalArgumentException.class, () -> Pacer.builder().pacingFactor(0.5));
        assertThrows(IllegalArgumentException.class, () -> Pacer.builder().queueCapacityPerClass(100));
        assertThrows(IllegalArgumentException.class, () -> pacer.startProbeCluster(new ProbeClusterRequest(), 0));
    }

    @Test
    void builder_namesTheOptionItRejects() {
        assertBuilderMessage("pacingFactor", () -> Pacer.builder().pacingFactor(0.5));
        assertBuilderMessage("maxQueueTimeNs", () -> Pacer.builder().maxQueueTimeNs(0));
        assertBuilderMessage("queueCapacityPerClass", () -> Pacer.builder().queueCapacityPerClass(3));
        assertBuilderMessage("paddingPacketBytes", () -> Pacer.builder().paddingPacketBytes(8));
        assertBuilderMessage("initialTargetBitrateBps", () -> Pacer.builder().initialTargetBitrateBps(0));
    }

    private static void assertBuilderMessage(String option, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(option), e.getMessage());
    }
}
