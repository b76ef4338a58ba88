package io.smoothcast.cc;

import static io.smoothcast.cc.SimulatedPath.MS;
import static io.smoothcast.cc.SimulatedPath.S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.netsim.CapacitySchedule;
import io.smoothcast.netsim.PacedMediaSender;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CongestionControllerTest {

    private static CongestionController controller(boolean probing) {
        return CongestionController.builder().startBitrateBps(500_000).initialProbing(probing).build();
    }

    /** Sends 1000-byte packets every 10 ms from {@code fromNs}, each received 40 ms later. */
    private static long sendAndAck(CongestionController cc, TransportFeedback feedback, long firstSeq, long fromNs,
            int packets) {
        feedback.clear();
        for (int i = 0; i < packets; i++) {
            cc.onPacketSent(firstSeq + i, 1000, fromNs + i * 10 * MS, -1);
            feedback.addReceived(firstSeq + i, fromNs + i * 10 * MS + 40 * MS);
        }
        long nowNs = fromNs + packets * 10 * MS + 80 * MS;
        cc.onFeedback(feedback, nowNs);
        return nowNs;
    }

    @Test
    void feedbackForUnknownOrRepeatedPackets_isCountedAndIgnored() {
        CongestionController cc = controller(false);
        TransportFeedback feedback = new TransportFeedback(64);
        sendAndAck(cc, feedback, 0, 0, 10);
        long target = cc.targetBitrateBps();
        cc.onFeedback(feedback, 300 * MS); // the same report again
        assertEquals(10, cc.duplicateFeedbackEntries());
        feedback.clear();
        feedback.addReceived(5_000, 1);
        feedback.addLost(70_000);
        cc.onFeedback(feedback, 310 * MS);
        assertEquals(2, cc.unknownFeedbackEntries());
        assertEquals(target, cc.targetBitrateBps(), "nothing we sent: no change");
        assertEquals(10, cc.reportedReceivedPackets());
        assertEquals(0, cc.reportedLostPackets());
    }

    @Test
    void randomFeedback_neverThrowsAndKeepsTheTargetInBounds() {
        for (long seed = 0; seed < 20; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            CongestionController cc = CongestionController.builder().minBitrateBps(50_000).maxBitrateBps(5_000_000)
                    .startBitrateBps(300_000).build();
            TransportFeedback feedback = new TransportFeedback(256);
            long now = 0;
            long seq = 0;
            for (int round = 0; round < 200; round++) {
                for (int i = 0; i < 20; i++) {
                    cc.onPacketSent(seq++, 1 + random.nextInt(1500), now, random.nextInt(3) - 1);
                }
                feedback.clear();
                for (int i = 0; i < random.nextInt(100); i++) {
                    long s = seq - random.nextInt(400);
                    if (random.nextBoolean()) {
                        feedback.addReceived(Math.max(0, s), random.nextLong());
                    } else {
                        feedback.addLost(Math.max(0, s));
                    }
                }
                now += random.nextInt(100) * MS;
                cc.onFeedback(feedback, now);
                cc.onTick(now);
                long target = cc.targetBitrateBps();
                assertTrue(target >= 50_000 && target <= 5_000_000, "seed " + seed + ": target " + target);
            }
        }
    }

    @Test
    void rttComesFromFeedback() {
        CongestionController cc = controller(false);
        TransportFeedback feedback = new TransportFeedback(64);
        sendAndAck(cc, feedback, 0, 0, 10);
        // The newest packet was sent at 90 ms and the feedback arrived at 180 ms.
        assertEquals(90 * MS, cc.rttNs());
    }

    @Test
    void feedbackTimeout_backsOffWhilePacketsGoUnanswered() {
        CongestionController cc = controller(false);
        TransportFeedback feedback = new TransportFeedback(64);
        long now = sendAndAck(cc, feedback, 0, 0, 10);
        long before = cc.targetBitrateBps();
        long seq = 10;
        for (long t = now; t < now + 3 * S; t += 20 * MS) {
            cc.onPacketSent(seq++, 1000, t, -1);
            cc.onTick(t);
        }
        assertTrue(cc.isFeedbackTimedOut());
        long after = cc.targetBitrateBps();
        // Timeout after 1 s, then 20 % less every 500 ms: 4 cuts in the remaining 2 s.
        assertEquals((long) (before * 0.8 * 0.8 * 0.8 * 0.8), after, before * 0.01);
    }

    @Test
    void feedbackReturningAfterATimeout_probesBackTowardsTheRateBefore() {
        CongestionController cc = controller(false);
        TransportFeedback feedback = new TransportFeedback(64);
        long now = sendAndAck(cc, feedback, 0, 0, 10);
        long before = cc.targetBitrateBps();
        long seq = 10;
        for (long t = now; t < now + 5 * S; t += 20 * MS) {
            cc.onPacketSent(seq++, 1000, t, -1);
            cc.onTick(t);
        }
        assertTrue(cc.targetBitrateBps() < before / 2);
        now += 5 * S;
        ProbeClusterRequest probe = new ProbeClusterRequest();
        boolean probed = false;
        for (int round = 0; round < 30 && !probed; round++) {
            now = sendAndAck(cc, feedback, seq, now, 10);
            seq += 10;
            cc.onTick(now);
            probed = cc.pollProbeCluster(probe);
        }
        assertFalse(cc.isFeedbackTimedOut());
        assertTrue(probed, "a recovery probe after feedback came back");
        assertEquals((long) (0.85 * before), probe.bitrateBps(), 1_000);
    }

    /**
     * After a stall of the receiver's reader, 229 of 250 packets are reported with read times that
     * are not arrival times and 21 are lost (8.4 %). Untimed, they count as received: the loss
     * share is 8.4 %, no cut. Left out (as the transport did before), the same feedback reads as 100 %
     * loss and the loss-based limit halves the rate.
     */
    /**
     * On a 340 ms path the loss reported in the feedback after a loss-based decrease is still the
     * loss from before it: the controller's own RTT spaces the decreases, so one episode costs one
     * cut (every 300 ms, the limit fell to 35-90 kbit/s in PublisherUplinkStallTest).
     */
    @Test
    void lossBasedDecreases_waitForTheControllersRttPlus300Ms() {
        CongestionController cc = controller(false);
        TransportFeedback feedback = new TransportFeedback(64);
        long now = sendWithLoss(cc, feedback, 0, 0);
        assertEquals(340 * MS, cc.rttNs());
        long firstLimit = cc.lossBasedLimitBps();
        assertTrue(firstLimit < Long.MAX_VALUE, "30 % loss cuts");

        long secondStart = now + 10 * MS;
        now = sendWithLoss(cc, feedback, 20, secondStart);
        assertTrue(now - 530 * MS < 340 * MS + 300 * MS);
        assertEquals(firstLimit, cc.lossBasedLimitBps(), "the same episode, reported 540 ms after the cut");

        now = sendWithLoss(cc, feedback, 40, now + 10 * MS);
        assertTrue(cc.lossBasedLimitBps() < firstLimit, "loss lasting past RTT + 300 ms cuts again");
    }

    /** Sends 20 packets 10 ms apart from {@code fromNs}, 3 in 10 lost, the rest 170 ms on the way; feedback 340 ms after the last. */
    private static long sendWithLoss(CongestionController cc, TransportFeedback feedback, long firstSeq, long fromNs) {
        feedback.clear();
        for (int i = 0; i < 20; i++) {
            long sendNs = fromNs + i * 10 * MS;
            cc.onPacketSent(firstSeq + i, 1000, sendNs, -1);
            if (i % 10 < 3) {
                feedback.addLost(firstSeq + i);
            } else {
                feedback.addReceived(firstSeq + i, sendNs + 170 * MS);
            }
        }
        long nowNs = fromNs + 190 * MS + 340 * MS;
        cc.onFeedback(feedback, nowNs);
        return nowNs;
    }

    @Test
    void untimedArrivals_countAsReceivedInTheLossShare_andInNothingTimed() {
        CongestionController untimedCounted = controller(false);
        CongestionController untimedLeftOut = controller(false);
        TransportFeedback feedback = new TransportFeedback(64);
        long now = sendAndAck(untimedCounted, feedback, 0, 0, 30);
        sendAndAck(untimedLeftOut, feedback, 0, 0, 30);
        long ackedBefore = untimedCounted.ackedBitrateBps();
        long rttBefore = untimedCounted.rttNs();
        long targetBefore = untimedCounted.targetBitrateBps();

        TransportFeedback counted = new TransportFeedback(256);
        TransportFeedback leftOut = new TransportFeedback(256);
        for (int i = 0; i < 250; i++) {
            long seq = 30 + i;
            untimedCounted.onPacketSent(seq, 1000, now + i * 10 * MS, -1);
            untimedLeftOut.onPacketSent(seq, 1000, now + i * 10 * MS, -1);
            if (i % 12 == 5) {
                counted.addLost(seq);
                leftOut.addLost(seq);
            } else {
                counted.addReceivedUntimed(seq);
            }
        }
        now += 2600 * MS;
        untimedCounted.onFeedback(counted, now);
        untimedLeftOut.onFeedback(leftOut, now);

        assertEquals(21 / 250.0, untimedCounted.lossFraction(), 1e-9);
        assertEquals(Long.MAX_VALUE, untimedCounted.lossBasedLimitBps(), "8 % loss on a short queue limits nothing");
        assertTrue(untimedCounted.targetBitrateBps() >= targetBefore, "not cut: " + untimedCounted.targetBitrateBps());
        assertEquals(30 + 229, untimedCounted.reportedReceivedPackets());
        assertEquals(21, untimedCounted.reportedLostPackets());
        assertEquals(ackedBefore, untimedCounted.ackedBitrateBps(), "no arrival time, no acknowledged bitrate");
        assertEquals(rttBefore, untimedCounted.rttNs(), "no RTT sample from untimed arrivals");

        assertEquals(1.0, untimedLeftOut.lossFraction(), 1e-9);
        assertTrue(untimedLeftOut.targetBitrateBps() <= targetBefore / 2 + 1, "the old way: "
                + untimedLeftOut.targetBitrateBps());

        untimedCounted.onFeedback(counted, now + 10 * MS);
        assertEquals(250, untimedCounted.duplicateFeedbackEntries(), "untimed entries are marked reported too");
    }

    /** Feedback of untimed arrivals alone is no evidence about the path's delay: the timeout keeps running. */
    @Test
    void untimedArrivalsAlone_touchNothingButTheLossCount() {
        CongestionController cc = controller(false);
        TransportFeedback feedback = new TransportFeedback(64);
        long now = sendAndAck(cc, feedback, 0, 0, 10);
        long seq = 10;
        long before = cc.targetBitrateBps();
        long lastFeedbackNs = cc.lastFeedbackTimeNs();
        TransportFeedback untimed = new TransportFeedback(64);
        for (long t = now; t < now + 3 * S; t += 20 * MS) {
            cc.onPacketSent(seq, 1000, t, -1);
            untimed.clear();
            untimed.addReceivedUntimed(seq++);
            cc.onFeedback(untimed, t + 40 * MS);
            cc.onTick(t);
        }
        assertEquals(lastFeedbackNs, cc.lastFeedbackTimeNs());
        assertTrue(cc.isFeedbackTimedOut(), "as before untimed arrivals were reported, the timeout ran");
        assertTrue(cc.targetBitrateBps() < before);
        assertEquals(seq, cc.reportedReceivedPackets());
    }

    @Test
    void silenceWithoutSending_isNoTimeout() {
        CongestionController cc = controller(false);
        TransportFeedback feedback = new TransportFeedback(64);
        long now = sendAndAck(cc, feedback, 0, 0, 10);
        long before = cc.targetBitrateBps();
        cc.onTick(now + 10 * S);
        assertFalse(cc.isFeedbackTimedOut());
        assertEquals(before, cc.targetBitrateBps());
    }

    @Test
    void initialProbing_asksForTwoClusters() {
        CongestionController cc = controller(true);
        ProbeClusterRequest request = new ProbeClusterRequest();
        assertFalse(cc.pollProbeCluster(request), "nothing before media starts");
        cc.onPacketSent(0, 1000, 0, -1);
        assertTrue(cc.pollProbeCluster(request));
        assertEquals(1_500_000, request.bitrateBps());
        assertTrue(cc.pollProbeCluster(request));
        assertEquals(3_000_000, request.bitrateBps());
        assertEquals(1, request.clusterId());
        assertFalse(cc.pollProbeCluster(request));
    }

    @Test
    void applicationLimitedSender_doesNotInflateTheEstimate() {
        // 10 Mbit/s path, but the encoder never produces more than 200 kbit/s.
        SimulatedPath path = new SimulatedPath(CapacitySchedule.constant(10_000_000), 25 * MS, 300 * MS, 30 * S, 9);
        CongestionController cc = CongestionController.builder().startBitrateBps(300_000).initialProbing(false).build();
        Pacer pacer = Pacer.builder().initialTargetBitrateBps(300_000).build();
        PacedMediaSender sender = new PacedMediaSender(cc, pacer, (target, now) -> Math.min(target, 200_000), 30, 1200,
                false);
        path.addOurs("app-limited", sender, 0);
        path.simulator.runUntil(30 * S);
        assertTrue(cc.targetBitrateBps() <= 1.5 * 200_000 + 10_000 + 1_000, "target " + cc.targetBitrateBps());
    }

    /**
     * A sender limited to 400 kbit/s of media on a path of {@code capacityBps} (FIFO, 20 ms one
     * way), then a requested probe cluster at 2 Mbit/s for 150 ms: what did the probe measure?
     * Returns {target before the probe, probe result, target after}.
     */
    private static long[] probeAtTwoMegabits(long capacityBps) {
        CongestionController cc = CongestionController.builder().startBitrateBps(300_000).initialProbing(false)
                .build();
        TransportFeedback feedback = new TransportFeedback(64);
        long linkFreeNs = 0;
        long seq = 0;
        long nowNs = 0;
        // 5 s of 1000-byte media packets every 20 ms, feedback every 100 ms.
        for (int i = 0; i < 250; i++) {
            nowNs = i * 20 * MS;
            cc.onPacketSent(seq, 1000, nowNs, -1);
            linkFreeNs = Math.max(nowNs, linkFreeNs) + 8_000L * 1_000_000_000L / capacityBps;
            feedback.addReceived(seq++, linkFreeNs + 20 * MS);
            if (i % 5 == 4) {
                cc.onFeedback(feedback, nowNs + 40 * MS);
                feedback.clear();
            }
        }
        long before = cc.targetBitrateBps();
        ProbeClusterRequest probe = new ProbeClusterRequest();
        cc.requestProbeCluster(2_000_000, 150 * MS, probe);
        assertEquals(2_000_000, probe.bitrateBps());
        assertEquals(37_500, probe.minBytes());
        long startNs = nowNs + 20 * MS;
        for (int i = 0; i * 1000 < probe.minBytes(); i++) {
            long sendNs = startNs + i * 4 * MS; // 1000 bytes every 4 ms: 2 Mbit/s
            cc.onPacketSent(seq, 1000, sendNs, probe.clusterId());
            linkFreeNs = Math.max(sendNs, linkFreeNs) + 8_000L * 1_000_000_000L / capacityBps;
            feedback.addReceived(seq++, linkFreeNs + 20 * MS);
            nowNs = sendNs;
        }
        cc.onFeedback(feedback, linkFreeNs + 40 * MS);
        assertEquals(probe.clusterId(), cc.lastProbeResultClusterId());
        return new long[] {before, cc.lastProbeResultBps(), cc.targetBitrateBps()};
    }

    @Test
    void requestedProbeCluster_onAWidePath_measuresItsRateAndLiftsTheEstimate() {
        long[] r = probeAtTwoMegabits(5_000_000);
        assertTrue(r[0] < 700_000, "an app-limited sender's estimate stays near 1.5x its rate: " + r[0]);
        assertTrue(r[1] >= 1_800_000 && r[1] <= 2_100_000, "probe result " + r[1]);
        assertTrue(r[2] >= 1_800_000, "estimate after the probe " + r[2]);
    }

    @Test
    void requestedProbeCluster_onANarrowPath_measuresThePathNotTheProbe() {
        long[] r = probeAtTwoMegabits(700_000);
        assertTrue(r[1] > 0 && r[1] <= 700_000, "probe result " + r[1]);
        assertTrue(r[2] <= 800_000, "estimate after the probe " + r[2]);
    }

    @Test
    void requestedProbeCluster_rejectsBadArgumentsByName() {
        CongestionController cc = controller(false);
        ProbeClusterRequest out = new ProbeClusterRequest();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> cc.requestProbeCluster(0, MS, out))
                .getMessage().contains("bitrateBps"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> cc.requestProbeCluster(1_000_000, 0, out))
                .getMessage().contains("durationNs"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> cc.requestProbeCluster(1_000_000, MS, null))
                .getMessage().contains("out"));
        assertEquals(-1, cc.lastProbeResultBps());
    }

    @Test
    void builder_namesTheOptionItRejects() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CongestionController.builder().startBitrateBps(0))
                .getMessage().startsWith("startBitrateBps"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CongestionController.builder().minBitrateBps(0))
                .getMessage().startsWith("minBitrateBps"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CongestionController.builder().maxBitrateBps(0))
                .getMessage().startsWith("maxBitrateBps"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CongestionController.builder().historyCapacity(100))
                .getMessage().startsWith("historyCapacity"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CongestionController.builder().feedbackTimeoutNs(0))
                .getMessage().startsWith("feedbackTimeoutNs"));
        String range = assertThrows(IllegalArgumentException.class, () -> CongestionController.builder()
                .minBitrateBps(100_000).maxBitrateBps(200_000).startBitrateBps(300_000).build()).getMessage();
        assertTrue(range.contains("[100000, 200000]: 300000"), range);
    }

    @Test
    void badArguments_areRejectedByName() {
        CongestionController cc = controller(false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cc.onPacketSent(-1, 100, 0, -1));
        assertTrue(e.getMessage().contains("transportSequence"));
        assertThrows(IllegalArgumentException.class, () -> cc.onPacketSent(1, 0, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> cc.onFeedback(null, 0));
        assertThrows(IllegalArgumentException.class,
                () -> CongestionController.builder().minBitrateBps(100).maxBitrateBps(50).startBitrateBps(60).build());
        assertThrows(IllegalArgumentException.class, () -> CongestionController.builder().historyCapacity(1000));
    }
}
