package io.smoothcast.cc;

import static io.smoothcast.cc.SimulatedPath.MS;
import static io.smoothcast.cc.SimulatedPath.S;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.netsim.CapacitySchedule;
import io.smoothcast.netsim.CapacitySchedule.AfterEnd;
import io.smoothcast.netsim.PacedMediaSender;
import org.junit.jupiter.api.Test;

/**
 * A short capacity dip, as cellular links have them (deterministic simulator, virtual time):
 * after the dip the recovery probe (at 85 % of the rate before the drop) measures that the path
 * carries that rate again, and the estimate takes the result whole. Capped at 1.5 times the
 * acknowledged bitrate, which still shows the dip, the probe lifted the estimate only part of
 * the way and additive increase (about 100 kbit/s per second here) had to climb the rest.
 */
class RecoveryProbeTest {

    @Test
    void shortDip_recoveryProbeBringsTheRateBackAtOnce() {
        CapacitySchedule schedule = CapacitySchedule.steps(new long[] {0, 20 * S, 22 * S},
                new long[] {2_000_000, 400_000, 2_000_000}, 40 * S, AfterEnd.HOLD);
        SimulatedPath path = new SimulatedPath(schedule, 50 * MS, 300 * MS, 30 * S, 5);
        PacedMediaSender sender = PacedMediaSender.withDefaults(300_000);
        path.addOurs("ours", sender, 0);
        path.simulator.runUntil(24 * S);
        long twoSecondsAfterBps = sender.controller().targetBitrateBps();
        path.simulator.runUntil(30 * S);
        // Measured: 1.46 Mbit/s with the result taken whole, 0.42 Mbit/s with it capped.
        assertTrue(twoSecondsAfterBps >= 1_200_000, "target 2 s after the capacity came back: "
                + twoSecondsAfterBps);
        long worstQueueNs = path.maxQueueDelayNs(23 * S, 30 * S);
        assertTrue(worstQueueNs < 100 * MS, "queue delay after the recovery: " + worstQueueNs / MS + " ms");
    }
}
