package io.smoothcast.benchmarks.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.abr.EncoderMode;
import io.smoothcast.netsim.CapacitySchedule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The baselines behave as documented, in the simulator (virtual time, fixed seed). */
class BaselineControllersTest {

    private static double[] targets(ControllerKind kind, double loss, double durationS) {
        ScenarioSpec spec = new ScenarioSpec("baseline-check",
                CapacitySchedule.constant(20_000_000), CapacitySchedule.constant(10_000_000), 25,
                300, loss, durationS, List.of(FlowSpec.media(0)));
        RunData data = ScenarioRunner.run(spec, kind, EncoderMode.CONTINUOUS, 5);
        return data.flows().get(0).targetBps();
    }

    @Test
    void lossOnly_withoutLoss_growsAbout8PercentPerSecond() {
        double[] target = targets(ControllerKind.LOSS_ONLY, 0, 12);
        double growth = target[109] / target[9]; // from 1 s to 11 s
        assertEquals(Math.pow(1.08, 10), growth, 0.15, "growth over 10 s: " + growth);
    }

    @Test
    void lossOnly_above10PercentLoss_backsOff() {
        double[] target = targets(ControllerKind.LOSS_ONLY, 0.2, 10);
        assertTrue(target[target.length - 1] < LossBasedController.START_BITRATE_BPS / 2.0,
                "20 % loss halves the rate at least: " + target[target.length - 1]);
    }

    @Test
    void lossOnly_between2And10PercentLoss_holds() {
        double[] target = targets(ControllerKind.LOSS_ONLY, 0.05, 10);
        assertEquals(LossBasedController.START_BITRATE_BPS, target[target.length - 1],
                LossBasedController.START_BITRATE_BPS * 0.25);
    }

    @Test
    void fixed_ignoresTheNetwork() {
        double[] target = targets(ControllerKind.FIXED, 0.2, 5);
        for (double t : target) {
            assertEquals(ControllerKind.FIXED_BITRATE_BPS, t, 0.0);
        }
    }
}
