package io.smoothcast.cc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LossBasedControllerTest {

    private static final long MS = 1_000_000L;

    @Test
    void noLoss_limitsNothing() {
        LossBasedController loss = new LossBasedController();
        loss.onReported(100, 0);
        assertEquals(Long.MAX_VALUE, loss.update(1_000_000, 1_000_000, 0, false));
    }

    @Test
    void above10Percent_backsOffByHalfTheLossFraction() {
        LossBasedController loss = new LossBasedController();
        loss.onReported(80, 20);
        assertEquals(900_000, loss.update(1_000_000, 1_000_000, 0, false), "20 % loss: x (1 - 0.1)");
        assertEquals(0.2, loss.lastLossFraction(), 1e-9);
    }

    @Test
    void between2And10Percent_holds() {
        LossBasedController loss = new LossBasedController();
        loss.onReported(95, 5);
        assertEquals(1_000_000, loss.update(1_000_000, 1_500_000, 0, false));
        loss.onReported(95, 5);
        assertEquals(1_000_000, loss.update(1_200_000, 1_500_000, 100 * MS, false), "holds where it was");
    }

    @Test
    void lowLossAfterBackOff_growsAndIsLiftedAtTheDelayBasedEstimate() {
        LossBasedController loss = new LossBasedController();
        loss.onReported(50, 50);
        long limit = loss.update(1_000_000, 1_000_000, 0, false);
        assertEquals(750_000, limit);
        int updates = 0;
        while (limit != Long.MAX_VALUE && updates < 100) {
            loss.onReported(100, 0);
            limit = loss.update(limit, 1_000_000, (updates + 1) * 100 * MS, false);
            updates++;
        }
        assertEquals(Long.MAX_VALUE, limit);
        assertEquals(6, updates, "750k x 1.05^6 > 1M");
    }

    @Test
    void decreases_areSpacedAndNeedEnoughPackets() {
        LossBasedController loss = new LossBasedController();
        loss.onReported(5, 5);
        assertEquals(Long.MAX_VALUE, loss.update(1_000_000, 1_000_000, 0, false), "10 packets are too few to judge");
        loss.onReported(40, 10);
        long first = loss.update(1_000_000, 1_000_000, 0, false);
        loss.onReported(40, 60);
        assertEquals(first, loss.update(first, 1_000_000, 100 * MS, false), "within 300 ms of the last decrease");
    }

    @Test
    void decreases_areAnRttPlus300MsApart_soOneLossEpisodeIsCutOnce() {
        LossBasedController loss = new LossBasedController();
        loss.setRttNs(340 * MS);
        loss.onReported(70, 30);
        long first = loss.update(1_000_000, 1_000_000, 0, false);
        assertEquals(850_000, first, "30 % loss: x (1 - 0.15)");
        // The loss of the same episode, reported after the decrease but before its effect can
        // show (one RTT): 300 ms alone would cut again here.
        loss.onReported(70, 30);
        assertEquals(first, loss.update(first, 1_000_000, 400 * MS, false), "within RTT + 300 ms");
        loss.onReported(70, 30);
        assertEquals(first, loss.update(first, 1_000_000, 639 * MS, false), "still within RTT + 300 ms");
        loss.onReported(70, 30);
        assertEquals(722_500, loss.update(first, 1_000_000, 640 * MS, false), "loss persisting past RTT + 300 ms");
    }

    @Test
    void probeResult_liftsTheLimitUnlessLossIsHigh() {
        LossBasedController loss = new LossBasedController();
        loss.onReported(70, 30);
        long limit = loss.update(1_000_000, 1_000_000, 0, false);
        loss.onProbeResult(900_000);
        assertEquals(limit, loss.limitBps(), "30 % loss at the last update: a probe proves nothing");
        loss.onReported(100, 0);
        loss.update(limit, 1_000_000, 400 * MS, false);
        loss.onProbeResult(900_000);
        assertEquals(900_000, loss.limitBps());
    }

    @Test
    void moderateLossWithoutQueue_isTakenForRandomLossAndTheLimitGrows() {
        LossBasedController loss = new LossBasedController();
        loss.onReported(50, 50);
        long limit = loss.update(1_000_000, 2_000_000, 0, true);
        assertEquals(750_000, limit, "above 10 % it backs off whatever the queue");
        loss.onReported(95, 5);
        assertEquals(788_500, loss.update(limit, 2_000_000, 400 * MS, true));
        loss.onReported(95, 5);
        assertEquals(788_500, loss.update(788_500, 2_000_000, 800 * MS, false), "with a queue: hold");
    }
}
