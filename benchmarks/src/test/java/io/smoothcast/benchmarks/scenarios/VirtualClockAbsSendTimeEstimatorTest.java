package io.smoothcast.benchmarks.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jitsi.impl.neomedia.rtp.remotebitrateestimator.VirtualClockAbsSendTimeEstimator;
import org.junit.jupiter.api.Test;

class VirtualClockAbsSendTimeEstimatorTest {

    @Test
    void absSendTime_is6Dot18FixedPointModulo64Seconds() {
        long base = JitsiRembReceiver.absSendTime24(0);
        assertEquals((base + (1 << 18)) & 0xFF_FFFF, JitsiRembReceiver.absSendTime24(1_000_000_000L));
        assertEquals(base, JitsiRembReceiver.absSendTime24(64_000_000_000L));
    }

    /** 1 Mbps of 1250-byte packets at 50 ms one-way delay, with no queueing. */
    private static long estimateAfter(VirtualClockAbsSendTimeEstimator e, long fromMs, long toMs,
            long queueGrowthPerPacketUs) {
        long queueUs = 0;
        for (long sendMs = fromMs; sendMs < toMs; sendMs += 10) {
            queueUs += queueGrowthPerPacketUs;
            long arrivalMs = sendMs + 50 + queueUs / 1000;
            e.onPacket(arrivalMs + 1_000_000L,
                    JitsiRembReceiver.absSendTime24(sendMs * 1_000_000L), 1250);
        }
        return e.latestEstimateBps();
    }

    @Test
    void steadyFlow_becomesValidInVirtualTime_andGrowingDelayCutsTheEstimate() {
        VirtualClockAbsSendTimeEstimator e = new VirtualClockAbsSendTimeEstimator();
        e.onRttUpdate(100);
        assertEquals(-1, e.latestEstimateBps());
        long steady = estimateAfter(e, 0, 20_000, 0);
        assertTrue(steady >= 900_000, "valid after AIMD initialisation: " + steady);
        long congested = estimateAfter(e, 20_000, 24_000, 2_000);
        assertTrue(congested < steady, "overuse lowers the estimate: " + congested + " < " + steady);
    }
}
