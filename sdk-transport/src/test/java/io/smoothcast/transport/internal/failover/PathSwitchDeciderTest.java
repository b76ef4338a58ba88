package io.smoothcast.transport.internal.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.transport.FailoverPolicy;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The switching rule in virtual time: degraded long enough, a margin held long enough, dwell between switches. */
class PathSwitchDeciderTest {

    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 7002);
    private static final InetSocketAddress C = new InetSocketAddress("127.0.0.1", 7003);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Scores of a clean alternative: 5 ms RTT, no loss. */
    private static final double CLEAN = 5;

    private final FailoverPolicy policy = FailoverPolicy.builder().degradedLossFraction(0.05).degradedRttMs(300)
            .degradedForMs(1000).switchMarginMs(30).switchHoldMs(1500).switchDwellMs(20_000).build();
    private final PathSwitchDecider decider = new PathSwitchDecider(policy);
    private long nowNs = 1_000_000 * MS;

    /** Feeds one 250 ms evaluation of the current path and asks for a decision about {@code best}. */
    private InetSocketAddress step(double loss, double rttMs, InetSocketAddress best, double bestScore) {
        nowNs += 250 * MS;
        decider.onCurrentPath(nowNs, loss, rttMs, 0);
        return decider.decide(nowNs, best, bestScore);
    }

    /** Steps until the decider says to move, at most {@code maxSteps}; returns the steps taken or -1. */
    private int stepsUntilSwitch(double loss, double rttMs, InetSocketAddress best, double bestScore, int maxSteps) {
        for (int i = 1; i <= maxSteps; i++) {
            if (step(loss, rttMs, best, bestScore) != null) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void healthyPath_neverProbes_neverSwitches_evenIfAnotherNodeIsFaster() {
        for (int i = 0; i < 200; i++) {
            assertNull(step(0.01, 40, B, 1));
            assertFalse(decider.wantsProbes(nowNs));
        }
    }

    @Test
    void lossyPath_probesAfterTheDegradedTime_andSwitchesAfterTheHoldTime() {
        // 20 % loss = 200 score points: far beyond the 30 point margin over the clean node.
        assertNull(step(0.20, 5, null, 0));
        assertTrue(decider.isDegraded());
        assertFalse(decider.wantsProbes(nowNs), "not before the path stayed degraded for 1 s");
        for (int i = 0; i < 4; i++) {
            assertNull(step(0.20, 5, null, 0));
        }
        assertTrue(decider.wantsProbes(nowNs), "degraded for 1 s: probe");
        // The hold starts with the first decision that sees the advantage: 1.5 s = 6 steps.
        assertEquals(7, stepsUntilSwitch(0.20, 5, B, CLEAN, 20));
    }

    @Test
    void slowPath_countsAsDegradedByRtt() {
        assertEquals(-1, stepsUntilSwitch(0, 250, B, CLEAN, 40), "250 ms is below the RTT threshold");
        int steps = stepsUntilSwitch(0, 400, B, CLEAN, 40);
        assertTrue(steps > 0 && steps <= 12, "steps " + steps);
    }

    @Test
    void advantageBelowTheMargin_neverSwitches() {
        // 6 % loss scores 65; an alternative at 40 is better by only 25 < 30.
        assertEquals(-1, stepsUntilSwitch(0.06, 5, B, 40, 100));
    }

    @Test
    void advantageThatDips_restartsTheHold() {
        for (int i = 0; i < 4; i++) {
            step(0.20, 5, null, 0);
        }
        for (int i = 0; i < 5; i++) {
            assertNull(step(0.20, 5, B, CLEAN));
        }
        assertNull(step(0.20, 5, B, 190), "B got worse for one measurement: the hold restarts");
        assertEquals(7, stepsUntilSwitch(0.20, 5, B, CLEAN, 20));
    }

    @Test
    void aDifferentLeader_restartsTheHold() {
        for (int i = 0; i < 4; i++) {
            step(0.20, 5, null, 0);
        }
        for (int i = 0; i < 5; i++) {
            assertNull(step(0.20, 5, B, CLEAN));
        }
        assertNull(step(0.20, 5, C, 1), "C leads now: its own hold starts");
        assertEquals(6, stepsUntilSwitch(0.20, 5, C, 1, 20));
        assertEquals(C, decider.decide(nowNs, C, 1));
    }

    @Test
    void pathThatRecovers_stopsProbing() {
        for (int i = 0; i < 5; i++) {
            step(0.20, 5, null, 0);
        }
        assertTrue(decider.wantsProbes(nowNs));
        assertNull(step(0.01, 5, B, CLEAN));
        assertFalse(decider.wantsProbes(nowNs));
    }

    @Test
    void afterAProactiveSwitch_theNextWaitsTheDwellTime() {
        assertTrue(stepsUntilSwitch(0.20, 5, B, CLEAN, 20) > 0);
        long switchedNs = nowNs;
        decider.onSwitched(nowNs, true);
        // The new path is bad too: no second switch before 20 s have passed.
        int steps = stepsUntilSwitch(0.20, 5, C, CLEAN, 200);
        assertTrue(nowNs - switchedNs >= 20_000 * MS, "switched again after " + (nowNs - switchedNs) / MS + " ms");
        assertTrue(steps > 0);
    }

    @Test
    void aFailover_doesNotStartTheDwell() {
        decider.onSwitched(nowNs, false);
        assertEquals(11, stepsUntilSwitch(0.20, 5, B, CLEAN, 20));
    }

    @Test
    void unknownLoss_isNotDegradation() {
        assertEquals(-1, stepsUntilSwitch(Double.NaN, 5, B, CLEAN, 40));
    }
}
