package io.smoothcast.transport.internal.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransportLossMeterTest {

    private final TransportLossMeter meter = new TransportLossMeter();

    @Test
    void everyPacket_noLoss() {
        for (int s = 0; s < 100; s++) {
            meter.onPacket(s);
        }
        assertEquals(0.0, meter.takeWindowLoss(5));
    }

    @Test
    void gaps_areLoss_perWindow_acrossTheWrap() {
        for (int s = 65_500; s < 65_600; s++) {
            if (s % 10 != 0) {
                meter.onPacket(s & 0xFFFF);
            }
        }
        assertEquals(0.10, meter.takeWindowLoss(5), 0.011);
        for (int s = 65_600; s < 65_700; s++) {
            meter.onPacket(s & 0xFFFF);
        }
        assertEquals(0.0, meter.takeWindowLoss(5), "a new window");
    }

    @Test
    void tooFewPackets_isUnknown_andKeepsAccumulating() {
        meter.onPacket(1);
        meter.onPacket(3);
        assertTrue(Double.isNaN(meter.takeWindowLoss(5)));
        meter.onPacket(4);
        meter.onPacket(5);
        meter.onPacket(6);
        assertEquals(1.0 / 6, meter.takeWindowLoss(5), 1e-9);
    }

    @Test
    void randomLoss_isMeasured_seeded() {
        long seed = 0x5EED;
        SplittableRandom random = new SplittableRandom(seed);
        int lost = 0;
        for (int s = 0; s < 10_000; s++) {
            if (random.nextDouble() < 0.2) {
                lost++;
            } else {
                meter.onPacket(s & 0xFFFF);
            }
        }
        double measured = meter.takeWindowLoss(5);
        assertEquals(lost / 10_000.0, measured, 0.001, "seed " + seed);
    }

    @Test
    void reorderingAndDuplicates_neverGiveNegativeLoss() {
        meter.onPacket(10);
        meter.onPacket(12);
        meter.onPacket(11);
        meter.onPacket(12);
        meter.onPacket(13);
        meter.onPacket(14);
        assertEquals(0.0, meter.takeWindowLoss(3));
    }
}
