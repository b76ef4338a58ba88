package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FailoverPolicyTest {

    @Test
    void proactiveSwitchingDefaults_areDocumentedConstants() {
        FailoverPolicy p = FailoverPolicy.defaults();
        assertTrue(p.proactiveSwitching());
        assertEquals(FailoverPolicy.DEFAULT_DEGRADED_LOSS_FRACTION, p.degradedLossFraction());
        assertEquals(FailoverPolicy.DEFAULT_DEGRADED_RTT_MS, p.degradedRttMs());
        assertEquals(FailoverPolicy.DEFAULT_SWITCH_MARGIN_MS, p.switchMarginMs());
        assertEquals(FailoverPolicy.DEFAULT_SWITCH_HOLD_MS, p.switchHoldMs());
        assertEquals(FailoverPolicy.DEFAULT_SWITCH_DWELL_MS, p.switchDwellMs());
        assertEquals(FailoverPolicy.DEFAULT_NO_PUBLISHER_TIMEOUT_MS, p.noPublisherTimeoutMs());
        assertEquals(NodeScorer.defaults(), p.scorer());
    }

    @Test
    void badSettings_areRejectedNamingTheArgument() {
        FailoverPolicy.Builder b = FailoverPolicy.builder();
        assertMessage("degradedLossFraction", () -> b.degradedLossFraction(0));
        assertMessage("degradedLossFraction", () -> b.degradedLossFraction(Double.NaN));
        assertMessage("degradedRttMs", () -> b.degradedRttMs(0));
        assertMessage("degradedForMs", () -> b.degradedForMs(-1));
        assertMessage("probeIntervalMs", () -> b.probeIntervalMs(5));
        assertMessage("switchMarginMs", () -> b.switchMarginMs(-1));
        assertMessage("switchHoldMs", () -> b.switchHoldMs(60_001));
        assertMessage("switchDwellMs", () -> b.switchDwellMs(-1));
        assertMessage("noPublisherTimeoutMs", () -> b.noPublisherTimeoutMs(50));
        assertThrows(NullPointerException.class, () -> b.scorer(null));
    }

    @Test
    void backoffBaseAboveBackoffMax_isRejectedNamingBoth() {
        FailoverPolicy.Builder b = FailoverPolicy.builder().backoffBaseMs(5000).backoffMaxMs(4000);
        IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
        assertTrue(e.getMessage().contains("backoffBaseMs (5000)") && e.getMessage().contains("backoffMaxMs (4000)"),
                e.getMessage());
        assertEquals(5000, b.backoffMaxMs(5000).build().backoffMaxMs());
    }

    @Test
    void noPublisherSearch_canBeTurnedOff() {
        assertEquals(0, FailoverPolicy.builder().noPublisherTimeoutMs(0).build().noPublisherTimeoutMs());
    }

    private static void assertMessage(String argument, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(argument), e.getMessage());
    }
}
