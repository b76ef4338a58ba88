package io.smoothcast.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.time.ManualNanoClock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReceiveStatsSamplerTest {

    @Test
    void firstSample_hasCountersButUnknownRates() {
        ReceiveStatsSampler sampler = new ReceiveStatsSampler();
        ReceiveStreamStats s = sampler.sample(ReceiveStreamStats.builder("live").bytesReceived(1_000)
                .packetsReceived(10).jitterMs(3.5), 42);
        assertEquals(42, s.timestampNs());
        assertEquals(1_000, s.bytesReceived());
        assertEquals(3.5, s.jitterMs());
        assertTrue(Double.isNaN(s.bitrateInBps()));
        assertTrue(Double.isNaN(s.lossFractionBeforeRecovery()));
        assertTrue(Double.isNaN(s.stallRate()));
    }

    @Test
    void secondSample_derivesIntervalRatesFromCounters() {
        ManualNanoClock clock = new ManualNanoClock(1_000);
        ReceiveStatsSampler sampler = new ReceiveStatsSampler();
        ReceiveStreamStats.Builder b = ReceiveStreamStats.builder("live");
        sampler.sample(b, clock.nanoTime());

        clock.advance(2, TimeUnit.SECONDS);
        b.bytesReceived(250_000).packetsReceived(180).packetsLost(20).packetsLostAfterRecovery(2)
                .framesDecoded(60).freezeCount(1).totalFreezesDurationMs(100);
        ReceiveStreamStats s = sampler.sample(b, clock.nanoTime());

        assertEquals(1_000_000.0, s.bitrateInBps(), 1e-6);
        assertEquals(0.10, s.lossFractionBeforeRecovery(), 1e-12);
        assertEquals(0.01, s.lossFractionAfterRecovery(), 1e-12);
        assertEquals(30.0, s.framesPerSecond(), 1e-9);
        assertEquals(0.05, s.stallRate(), 1e-12);
    }

    @Test
    void intervalWithoutPackets_hasUnknownLossAndZeroBitrate() {
        ReceiveStatsSampler sampler = new ReceiveStatsSampler();
        ReceiveStreamStats.Builder b = ReceiveStreamStats.builder("live").packetsReceived(5).bytesReceived(500);
        sampler.sample(b, 0);
        ReceiveStreamStats s = sampler.sample(b, 2_000_000_000L);
        assertTrue(Double.isNaN(s.lossFractionBeforeRecovery()));
        assertEquals(0.0, s.bitrateInBps());
    }

    @Test
    void frozenLongerThanInterval_stallRateIsCappedAtOne() {
        ReceiveStatsSampler sampler = new ReceiveStatsSampler();
        ReceiveStreamStats.Builder b = ReceiveStreamStats.builder("live");
        sampler.sample(b, 0);
        ReceiveStreamStats s = sampler.sample(b.totalFreezesDurationMs(2_500), 2_000_000_000L);
        assertEquals(1.0, s.stallRate());
    }

    @Test
    void isDue_followsTheInterval() {
        ReceiveStatsSampler sampler = new ReceiveStatsSampler(1_000);
        assertTrue(sampler.isDue(0));
        sampler.sample(ReceiveStreamStats.builder("s"), 0);
        assertFalse(sampler.isDue(999));
        assertTrue(sampler.isDue(1_000));
    }

    @Test
    void badArguments_areRejectedWithTheirNames() {
        assertThrows(IllegalArgumentException.class, () -> new ReceiveStatsSampler(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ReceiveStatsSampler().sample(null, 0));
        assertTrue(e.getMessage().contains("counters"));
    }

    @Test
    void sendSampler_derivesBitrateOutAndFrameRate() {
        SendStatsSampler sampler = new SendStatsSampler();
        SendStreamStats.Builder b = SendStreamStats.builder("live").targetBitrateBps(2e6);
        SendStreamStats first = sampler.sample(b, 0);
        assertTrue(Double.isNaN(first.bitrateOutBps()));
        SendStreamStats s = sampler.sample(b.bytesSent(500_000).framesEncoded(60), 2_000_000_000L);
        assertEquals(2_000_000.0, s.bitrateOutBps(), 1e-6);
        assertEquals(30.0, s.framesPerSecond(), 1e-9);
        assertEquals(2e6, s.targetBitrateBps());
        assertEquals(Direction.SEND, s.direction());
    }
}
