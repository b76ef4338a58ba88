package io.smoothcast.cc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Virtual time: every call takes {@code nowNs} from the test. */
class ProbeControllerTest {

    private static final long S = 1_000_000_000L;

    @Test
    void initialProbes_areNotRecoveryProbes() {
        ProbeController probes = new ProbeController(true, 10_000_000);
        probes.onStart(300_000, 0);
        assertTrue(probes.hasPending());
        assertEquals(900_000, probes.takePending());
        assertEquals(1_800_000, probes.takePending());
        assertFalse(probes.hasPending());
    }

    @Test
    void largeDrop_thenIncreasing_asksForOneRecoveryProbeAt85PercentOfTheRateBefore() {
        ProbeController probes = new ProbeController(false, 10_000_000);
        probes.onStart(300_000, 0);
        probes.onTargetChanged(2_000_000, 600_000, false, 10 * S);
        probes.onTargetChanged(600_000, 620_000, true, 10 * S + S / 2);
        assertFalse(probes.hasPending(), "no recovery probe within the first second");
        probes.onTargetChanged(620_000, 640_000, true, 11 * S + S / 10);
        assertTrue(probes.hasPending());
        assertEquals(1_700_000, probes.takePending());
        assertFalse(probes.hasPending());
    }

    @Test
    void smallDecrease_asksForNoProbe() {
        ProbeController probes = new ProbeController(false, 10_000_000);
        probes.onStart(300_000, 0);
        probes.onTargetChanged(1_000_000, 810_000, false, 10 * S);
        probes.onTargetChanged(810_000, 830_000, true, 12 * S);
        assertFalse(probes.hasPending());
    }
}
