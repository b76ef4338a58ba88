package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.transport.internal.relay.DownlinkProber.Action;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The probing decision alone, in virtual time: ticks of 20 ms with a scripted controller. */
class DownlinkProberTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long TICK_NS = 20 * MS;
    private static final long NEEDED_BPS = 920_000;

    private final DownlinkProber prober = new DownlinkProber();
    /**
     * Where the virtual clock starts. The prober must work whatever the origin of {@code System.nanoTime()};
     * a subclass runs every test again from another origin.
     */
    long originNs() {
        return 0;
    }

    private long nowNs = originNs() + 1_000 * MS;
    private int nextClusterId;
    private int resultClusterId = -1;
    private long resultBps = -1;
    /** The transport-wide number of the next packet sent. */
    private long nextSequence;

    private Action tick(long estimateBps, double loss, long neededBps) {
        nowNs += TICK_NS;
        Action action = prober.onTick(nowNs, estimateBps, loss, neededBps, resultClusterId, resultBps);
        if (action == Action.START_PROBE) {
            long minBytes = (long) (prober.probeRateBps() / 8.0 * DownlinkProber.PROBE_DURATION_NS / 1e9);
            prober.started(nextClusterId++, minBytes, nowNs);
        }
        return action;
    }

    /** Ticks a steady estimate until the prober starts a probe; returns when, or -1 within the limit. */
    private long ticksUntilProbe(long estimateBps, long limitNs) {
        long fromNs = nowNs;
        while (nowNs - fromNs < limitNs) {
            if (tick(estimateBps, 0, NEEDED_BPS) == Action.START_PROBE) {
                return nowNs - fromNs;
            }
        }
        return -1;
    }

    /** Sends the cluster's padding every tick (no media) until it has its size; then the result comes. */
    private Action sendClusterAndAnswer(long estimateBps, long measuredBps) {
        Action action = Action.NONE;
        for (int i = 0; i < 50 && prober.sendingClusterId() >= 0; i++) {
            prober.onSent(nextSequence++, (int) prober.paddingBytesDue(nowNs));
            action = tick(estimateBps, 0, NEEDED_BPS);
        }
        assertEquals(Action.NONE, action, "the cluster ends without a verdict before its result");
        resultClusterId = nextClusterId - 1;
        resultBps = measuredBps;
        return tick(estimateBps, 0, NEEDED_BPS);
    }

    /** Sends the cluster's padding every tick (no media) until it has its size; returns its first number. */
    private long sendCluster() {
        long firstOfCluster = nextSequence;
        while (prober.sendingClusterId() >= 0) {
            prober.onSent(nextSequence++, (int) prober.paddingBytesDue(nowNs));
            tick(500_000, 0, NEEDED_BPS);
        }
        return firstOfCluster;
    }

    @Test
    void steadyEstimateShortOfTheLayerAbove_probesAfterTheStableHold_atTheNeededRateWithMargin() {
        long waitedNs = ticksUntilProbe(500_000, 10_000 * MS);
        assertTrue(waitedNs >= DownlinkProber.STABLE_HOLD_NS && waitedNs <= DownlinkProber.STABLE_HOLD_NS + 2 * TICK_NS,
                "probe after " + waitedNs / MS + " ms");
        assertEquals((long) (DownlinkProber.PROBE_OVER_NEEDED * NEEDED_BPS), prober.probeRateBps());
        assertEquals(0, prober.sendingClusterId());
    }

    @Test
    void nothingToClimbTo_orAnEstimateThatAlreadyCarriesIt_neverProbes() {
        for (int i = 0; i < 500; i++) {
            assertEquals(Action.NONE, tick(500_000, 0, 0));
            assertEquals(Action.NONE, tick(1_000_000, 0, NEEDED_BPS));
        }
        assertEquals(0, prober.probes());
    }

    @Test
    void lossOrAFallingEstimate_restartTheStableHold() {
        for (int i = 0; i < 90; i++) {
            assertEquals(Action.NONE, tick(500_000, 0, NEEDED_BPS));
        }
        assertEquals(Action.NONE, tick(500_000, 0.05, NEEDED_BPS)); // 1.8 s in: loss
        long waitedNs = ticksUntilProbe(500_000, 10_000 * MS);
        assertTrue(waitedNs >= DownlinkProber.STABLE_HOLD_NS - TICK_NS, "probe " + waitedNs / MS + " ms after the loss");
        assertEquals(Action.FAILED, tick(400_000, 0, NEEDED_BPS)); // a fall during the probe
        assertEquals(-1, prober.sendingClusterId(), "the probe was cut short");
    }

    @Test
    void failedProbes_backOffExponentially_upToTheCap_andASuccessClimbsAndResets() {
        long[] expectedBackoffNs = {2_000 * MS, 4_000 * MS, 8_000 * MS, 8_000 * MS};
        assertTrue(ticksUntilProbe(500_000, 20_000 * MS) >= 0);
        for (long backoffNs : expectedBackoffNs) {
            assertEquals(Action.FAILED, sendClusterAndAnswer(500_000, 560_000));
            assertEquals(backoffNs, prober.backoffNs());
            long waitedNs = ticksUntilProbe(500_000, 20_000 * MS);
            assertTrue(waitedNs >= backoffNs && waitedNs <= backoffNs + 2 * TICK_NS,
                    "next probe " + waitedNs / MS + " ms after a failure, backoff " + backoffNs / MS + " ms");
        }
        assertEquals(Action.CLIMB, sendClusterAndAnswer(500_000, NEEDED_BPS + 50_000));
        assertEquals(1, prober.climbs());
        for (int i = 0; i < DownlinkProber.CLIMB_VERIFY_NS / TICK_NS; i++) {
            assertEquals(Action.NONE, tick(1_000_000, 0, 0)); // on the new layer, nothing above
        }
        assertEquals(Action.START_PROBE, tick(1_000_000, 0, 2_300_000), "the next layer up may be probed at once");
        assertEquals(0, prober.backoffNs(), "a climb kept for the verify time resets the backoff");
    }

    @Test
    void aClimbTheSubscriberFallsBackFrom_backsOffLikeAFailedProbe() {
        assertTrue(ticksUntilProbe(500_000, 20_000 * MS) >= 0);
        assertEquals(Action.CLIMB, sendClusterAndAnswer(500_000, NEEDED_BPS + 50_000));
        for (int i = 0; i < 50; i++) {
            tick(500_000, 0, 0); // on the new layer for a second
        }
        assertEquals(Action.NONE, tick(500_000, 0, NEEDED_BPS)); // back below it: the same layer above again
        assertEquals(1, prober.climbFailures());
        assertEquals(DownlinkProber.FIRST_BACKOFF_NS, prober.backoffNs());
        long waitedNs = ticksUntilProbe(500_000, 20_000 * MS);
        assertTrue(waitedNs >= DownlinkProber.FIRST_BACKOFF_NS - TICK_NS, "next probe after " + waitedNs / MS + " ms");
    }

    @Test
    void aProbeWhoseResultNeverComes_failsAfterTheTimeout() {
        assertTrue(ticksUntilProbe(500_000, 10_000 * MS) >= 0);
        while (prober.sendingClusterId() >= 0) {
            prober.onSent(nextSequence++, (int) prober.paddingBytesDue(nowNs));
            tick(500_000, 0, NEEDED_BPS);
        }
        Action action = Action.NONE;
        long endedNs = nowNs;
        while (action == Action.NONE) {
            action = tick(500_000, 0, NEEDED_BPS);
        }
        assertEquals(Action.FAILED, action);
        assertTrue(nowNs - endedNs > DownlinkProber.RESULT_TIMEOUT_NS);
    }

    @Test
    void aProbeWhoseArrivalsCameBackUntimed_andNoResult_isNoFailure_theNextWaitsAStableHoldNotABackoff() {
        assertTrue(ticksUntilProbe(500_000, 10_000 * MS) >= 0);
        long firstOfCluster = sendCluster();
        for (long sequence = firstOfCluster; sequence < nextSequence; sequence++) {
            // all of it arrived, one packet during a stall: no result can come
            prober.onArrival(sequence, sequence != firstOfCluster + 1);
        }
        long endedNs = nowNs;
        while (nowNs - endedNs <= DownlinkProber.RESULT_TIMEOUT_NS + TICK_NS) {
            assertEquals(Action.NONE, tick(500_000, 0, NEEDED_BPS));
        }
        assertEquals(1, prober.unanswerable());
        assertEquals(0, prober.backoffNs(), "no backoff for a probe without a verdict");
        assertTrue(ticksUntilProbe(500_000, 20_000 * MS) >= 0);
        long waitedNs = nowNs - endedNs;
        assertTrue(waitedNs <= DownlinkProber.RESULT_TIMEOUT_NS + DownlinkProber.STABLE_HOLD_NS + 3 * TICK_NS,
                "next probe " + waitedNs / MS + " ms after the cluster");
    }

    @Test
    void anUntimedArrivalOutsideTheCluster_doesNotExcuseAProbeWithoutResult() {
        prober.onSent(nextSequence++, 1_000);
        long beforeCluster = nextSequence - 1;
        assertTrue(ticksUntilProbe(500_000, 10_000 * MS) >= 0);
        while (prober.sendingClusterId() >= 0) {
            prober.onSent(nextSequence++, (int) prober.paddingBytesDue(nowNs));
            tick(500_000, 0, NEEDED_BPS);
        }
        prober.onArrival(beforeCluster, false);
        prober.onArrival(nextSequence + 1, false); // a number after the cluster
        Action action = Action.NONE;
        while (action == Action.NONE) {
            action = tick(500_000, 0, NEEDED_BPS);
        }
        assertEquals(Action.FAILED, action);
        assertEquals(0, prober.unanswerable());
        assertEquals(DownlinkProber.FIRST_BACKOFF_NS, prober.backoffNs());
    }

    /**
     * The subscriber's feedback on the cluster came in two datagrams, the one on its first half
     * overtaken by the one on its second: every packet arrived (one during a stall), so the probe
     * had no result only for want of times, whatever order the reports came in.
     */
    @Test
    void aProbeWhoseReportsCameReordered_countsEveryArrival_andIsNoFailure() {
        assertTrue(ticksUntilProbe(500_000, 10_000 * MS) >= 0);
        long firstOfCluster = sendCluster();
        long half = firstOfCluster + (nextSequence - firstOfCluster) / 2;
        assertTrue(half - firstOfCluster >= 2, "a cluster of " + (nextSequence - firstOfCluster) + " packets");
        for (long sequence = half; sequence < nextSequence; sequence++) {
            prober.onArrival(sequence, sequence != half);
        }
        for (long sequence = firstOfCluster; sequence < half; sequence++) {
            prober.onArrival(sequence, true); // the older report, late
        }
        Action action = Action.NONE;
        long endedNs = nowNs;
        while (nowNs - endedNs <= DownlinkProber.RESULT_TIMEOUT_NS + TICK_NS) {
            action = tick(500_000, 0, NEEDED_BPS);
            assertEquals(Action.NONE, action);
        }
        assertEquals(1, prober.unanswerable());
        assertEquals(0, prober.backoffNs());
    }

    /** A cluster of many small packets (more than the arrival bitmap first holds), reported newest first. */
    @Test
    void aClusterOfThousandsOfPackets_reportedBackwards_countsEveryArrival() {
        assertTrue(ticksUntilProbe(500_000, 10_000 * MS) >= 0);
        long firstOfCluster = nextSequence;
        while (prober.sendingClusterId() >= 0) {
            for (long due = prober.paddingBytesDue(nowNs); due > 0; due -= 8) {
                prober.onSent(nextSequence++, 8);
            }
            tick(500_000, 0, NEEDED_BPS);
        }
        assertTrue(nextSequence - firstOfCluster > 2_000, (nextSequence - firstOfCluster) + " packets");
        for (long sequence = nextSequence - 1; sequence >= firstOfCluster; sequence--) {
            prober.onArrival(sequence, sequence != firstOfCluster);
        }
        long endedNs = nowNs;
        while (nowNs - endedNs <= DownlinkProber.RESULT_TIMEOUT_NS + TICK_NS) {
            assertEquals(Action.NONE, tick(500_000, 0, NEEDED_BPS));
        }
        assertEquals(1, prober.unanswerable());
    }

    /** Arrivals reported again (a feedback datagram duplicated) count once: 60 % arrived is 60 %. */
    @Test
    void arrivalsReportedTwice_countOnce_aProbeMostlyLostStillFails() {
        assertTrue(ticksUntilProbe(500_000, 10_000 * MS) >= 0);
        long firstOfCluster = sendCluster();
        long packets = nextSequence - firstOfCluster;
        long arrived = firstOfCluster + packets * 6 / 10;
        for (int report = 0; report < 2; report++) {
            for (long sequence = arrived - 1; sequence >= firstOfCluster; sequence--) {
                prober.onArrival(sequence, sequence != firstOfCluster);
            }
        }
        Action action = Action.NONE;
        while (action == Action.NONE) {
            action = tick(500_000, 0, NEEDED_BPS);
        }
        assertEquals(Action.FAILED, action);
        assertEquals(0, prober.unanswerable());
    }

    /**
     * A path too narrow for the layer above loses half of each probe; the relay stalls now and
     * then, so one of the arrivals comes back untimed. The controller could not have measured
     * the cluster anyway (too little arrived): each probe failed and the waits double, as they
     * do without the stall, instead of a probe every stable hold.
     */
    @Test
    void aProbeMostlyLost_withOneUntimedArrival_failsAndBacksOff() {
        long[] expectedBackoffNs = {2_000 * MS, 4_000 * MS, 8_000 * MS};
        assertTrue(ticksUntilProbe(500_000, 10_000 * MS) >= 0);
        for (long backoffNs : expectedBackoffNs) {
            long firstOfCluster = sendCluster();
            for (long sequence = firstOfCluster; sequence < nextSequence; sequence += 2) {
                prober.onArrival(sequence, sequence != firstOfCluster); // every other one lost
            }
            Action action = Action.NONE;
            while (action == Action.NONE) {
                action = tick(500_000, 0, NEEDED_BPS);
            }
            assertEquals(Action.FAILED, action);
            assertEquals(backoffNs, prober.backoffNs());
            long waitedNs = ticksUntilProbe(500_000, 20_000 * MS);
            assertTrue(waitedNs >= backoffNs, "next probe " + waitedNs / MS + " ms after a failure");
        }
        assertEquals(0, prober.unanswerable());
    }

    @Test
    void padding_fillsTheClusterAtItsRate_countingMedia_withoutBursts() {
        assertTrue(ticksUntilProbe(500_000, 10_000 * MS) >= 0);
        long rateBps = prober.probeRateBps();
        long clusterBytes = (long) (rateBps / 8.0 * DownlinkProber.PROBE_DURATION_NS / 1e9);
        long startNs = nowNs;
        long sent = 0;
        int ticks = 0;
        while (prober.sendingClusterId() >= 0) {
            prober.onSent(nextSequence++, 1_000); // a media packet this tick counts towards the cluster
            sent += 1_000;
            long due = prober.paddingBytesDue(nowNs);
            long elapsedNs = nowNs - startNs + DownlinkProber.TICK_AHEAD_NS;
            assertTrue(sent + due <= rateBps / 8.0 * elapsedNs / 1e9 + 1_000,
                    "ahead of the rate at " + (nowNs - startNs) / MS + " ms");
            prober.onSent(nextSequence++, (int) due);
            sent += due;
            tick(500_000, 0, NEEDED_BPS);
            ticks++;
        }
        assertTrue(sent >= clusterBytes, sent + " of " + clusterBytes + " bytes");
        assertEquals((DownlinkProber.PROBE_DURATION_NS + TICK_NS - 1) / TICK_NS, ticks,
                "the cluster lasts its duration, sent a tick ahead");
        assertEquals(0, prober.paddingBytesDue(nowNs), "no padding once the cluster is complete");
    }
}
