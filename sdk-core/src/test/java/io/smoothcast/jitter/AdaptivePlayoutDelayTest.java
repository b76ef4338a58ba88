package io.smoothcast.jitter;

import static io.smoothcast.jitter.Packets.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Adaptive and fixed playout delay, driven by seeded arrival patterns in virtual time. */
class AdaptivePlayoutDelayTest {

    private static final long T0 = 10_000 * MS;
    private static final long FRAME_NS = 20 * MS;

    /** Offers 20 ms frames for {@code seconds}, each delayed by base + jitter(k); returns stats. */
    private static JitterBufferStats run(SpscJitterBuffer buffer, int seconds, long seed, long jitterMaxMs,
            long[] playoutDelayEverySecond) {
        SplittableRandom random = new SplittableRandom(seed);
        int frames = seconds * 50;
        for (int k = 0; k < frames; k++) {
            long jitterNs = jitterMaxMs == 0 ? 0 : random.nextLong(jitterMaxMs * MS);
            long arrival = T0 + k * FRAME_NS + 30 * MS + jitterNs;
            byte[] p = Packets.payloadFor(k);
            buffer.offer(Packets.SSRC, k & 0xFFFF, k * 20, true, arrival, p, 0, p.length);
            buffer.poll(arrival, f -> { });
            if (playoutDelayEverySecond != null && k % 50 == 49) {
                playoutDelayEverySecond[k / 50] = buffer.readStats(new JitterBufferStats()).playoutDelayNs();
            }
        }
        buffer.poll(T0 + (frames + 100) * FRAME_NS, f -> { });
        return buffer.readStats(new JitterBufferStats());
    }

    private static SpscJitterBuffer.Builder adaptive() {
        return SpscJitterBuffer.builder().adaptive().clockRateHz(1000).capacityPackets(1024).maxPayloadBytes(16)
                .nackEnabled(false);
    }

    @Test
    void steadyArrivals_delayFallsToFloorAtBoundedRate() {
        SpscJitterBuffer buffer = adaptive().initialDelayMs(200).minDelayMs(10).build();
        long[] perSecond = new long[10];
        JitterBufferStats s = run(buffer, 10, 1, 0, perSecond);
        assertEquals(10 * MS, s.targetDelayNs(), "no jitter: target is the floor");
        assertEquals(0.0, s.jitterSeconds(), 1e-12);
        // 200 ms -> 10 ms at 100 ms/s takes about 1.9 s; it must never step faster.
        assertTrue(perSecond[0] >= 100 * MS - 2 * MS, "after 1 s at most ~100 ms lower: " + perSecond[0]);
        assertEquals(10 * MS, perSecond[9]);
        assertEquals(0, s.packetsDiscardedLate());
    }

    @Test
    void restartDelayEstimate_theNextPathStartsAtTheInitialDelay_notAtTheOldPathsLearnedOne() {
        SpscJitterBuffer buffer = adaptive().initialDelayMs(50).build();
        run(buffer, 20, 5, 600, null); // a path with up to 600 ms of jitter
        long learnedNs = buffer.readStats(new JitterBufferStats()).targetDelayNs();
        assertTrue(learnedNs > 400 * MS, "learned on the jittery path: " + learnedNs / MS + " ms");
        buffer.restartDelayEstimate();
        // The stream carries on, numbering and timestamps continuing, over a steady path.
        for (int k = 1200; k < 1220; k++) {
            long arrival = T0 + k * FRAME_NS + 5 * MS;
            byte[] p = Packets.payloadFor(k);
            buffer.offer(Packets.SSRC, k & 0xFFFF, k * 20, true, arrival, p, 0, p.length);
            buffer.poll(arrival, f -> { });
        }
        JitterBufferStats s = buffer.readStats(new JitterBufferStats());
        assertEquals(50 * MS, s.targetDelayNs(), "the initial delay until the new path has history");
        assertEquals(50 * MS, s.playoutDelayNs(), "applied at once, not faded from the old path's");
    }

    @Test
    void restartDelayEstimate_aReorderedOrRetransmittedPacketDoesNotStartTheNewTimeline() {
        SpscJitterBuffer buffer = adaptive().initialDelayMs(50).build();
        // Frames 0-49 over a 30 ms path, 47 lost; nothing played yet, so 47 still fits.
        for (int k = 0; k < 50; k++) {
            if (k != 47) {
                byte[] p = Packets.payloadFor(k);
                buffer.offer(Packets.SSRC, k, k * 20, true, T0 + k * FRAME_NS + 30 * MS, p, 0, p.length);
            }
        }
        buffer.restartDelayEstimate();
        // The new path delivers 47's retransmission first (60 ms after it was sent), then the
        // stream's next frames over a 5 ms path.
        byte[] retransmission = Packets.payloadFor(47);
        buffer.offer(Packets.SSRC, 47, 47 * 20, true, T0 + 47 * FRAME_NS + 60 * MS, retransmission, 0,
                retransmission.length);
        for (int k = 50; k < 60; k++) {
            byte[] p = Packets.payloadFor(k);
            buffer.offer(Packets.SSRC, k, k * 20, true, T0 + k * FRAME_NS + 5 * MS, p, 0, p.length);
        }
        JitterBufferStats s = buffer.readStats(new JitterBufferStats());
        // Started on frame 50: the initial 50 ms above its 5 ms transit. Started on the
        // retransmission, the timeline would lie at 60 + 50 ms and fade towards 55 at 100 ms/s.
        assertEquals(50 * MS, s.playoutDelayNs(), "delay above the base: " + s.playoutDelayNs() / MS + " ms");
    }

    @Test
    void jitteryArrivals_targetCoversTheSpread_fewLatePackets() {
        SpscJitterBuffer buffer = adaptive().initialDelayMs(0).build();
        JitterBufferStats s = run(buffer, 60, 7, 80, null);
        long targetMs = s.targetDelayNs() / MS;
        assertTrue(targetMs >= 76 && targetMs <= 84, "uniform 0..80 ms jitter, q=0.98: " + targetMs);
        assertTrue(s.jitterSeconds() > 0.015 && s.jitterSeconds() < 0.040, "RFC 3550 jitter: " + s.jitterSeconds());
        double late = (double) (s.packetsDiscardedLate() + s.packetsDroppedIncomplete() + s.packetsLost()) / s.packetsReceived();
        assertTrue(late < 0.02, "late fraction " + late + " " + s);
    }

    @Test
    void jitterIncrease_delayRisesNoFasterThanConfiguredRate() {
        SpscJitterBuffer buffer = adaptive().initialDelayMs(0).maxDelayChangeMsPerSecond(50).build();
        run(buffer, 5, 3, 0, null);
        long before = buffer.readStats(new JitterBufferStats()).playoutDelayNs();
        SplittableRandom random = new SplittableRandom(4);
        long maxStep = 0;
        long previous = before;
        for (int k = 250; k < 500; k++) {
            long arrival = T0 + k * FRAME_NS + 30 * MS + random.nextLong(300 * MS);
            byte[] p = Packets.payloadFor(k);
            buffer.offer(Packets.SSRC, k, k * 20, true, arrival, p, 0, p.length);
            long now = buffer.readStats(new JitterBufferStats()).playoutDelayNs();
            maxStep = Math.max(maxStep, now - previous);
            previous = now;
        }
        // Arrivals are at least 0 and at most 320 ms apart: 50 ms/s allows at most 16 ms per step.
        assertTrue(maxStep <= 16 * MS, "largest single change " + maxStep);
        assertTrue(previous - before >= 150 * MS, "delay did rise: " + (previous - before));
    }

    @Test
    void nackOn_targetIncludesOneRoundTrip() {
        SpscJitterBuffer withNack = adaptive().nackEnabled(true).initialDelayMs(0).minDelayMs(0).build();
        withNack.rttNs(120 * MS);
        JitterBufferStats s = run(withNack, 10, 5, 0, null);
        // One RTT of headroom above the jitter quantile, which rounds up to one 2 ms bucket.
        assertEquals(122 * MS, s.targetDelayNs());
    }

    @Test
    void targetClampedToMax() {
        SpscJitterBuffer buffer = adaptive().initialDelayMs(0).maxDelayMs(50).build();
        JitterBufferStats s = run(buffer, 20, 9, 200, null);
        assertEquals(50 * MS, s.targetDelayNs());
    }

    @Test
    void fixedMode_constantWindowWhateverTheJitter() {
        SpscJitterBuffer buffer = SpscJitterBuffer.builder().fixedDelayMs(120).clockRateHz(1000).maxPayloadBytes(16)
                .nackEnabled(false).build();
        JitterBufferStats s = run(buffer, 20, 11, 60, null);
        assertEquals(120 * MS, s.targetDelayNs());
        assertEquals(0, s.packetsDiscardedLate(), "60 ms of jitter fits in 120 ms");
        assertEquals(1000, s.framesReceived());
    }

    /**
     * A queue on the path (a relay starved of CPU under a flood, AbuseIT) grows by 800 ms per
     * second for 5 s and then stays 4 s long: far faster than the delay may follow (100 ms/s). When
     * the base windows roll over onto the long queue, the base rises above the playout timeline;
     * the timeline must not stay seconds below it (every frame late, nothing repairable).
     */
    @Test
    void queueGrowingFasterThanTheDelayMayFollow_delayNeverNegative() {
        SpscJitterBuffer buffer = adaptive().build();
        long lowestDelayNs = Long.MAX_VALUE;
        long lastDelayNs = 0;
        int frames = 15 * 50;
        for (int k = 0; k < frames; k++) {
            long sentNs = T0 + k * FRAME_NS;
            long queueNs = Math.min(4000 * MS, Math.max(0, (k - 50) * FRAME_NS) * 8 / 10);
            long arrival = sentNs + 30 * MS + queueNs;
            byte[] p = Packets.payloadFor(k);
            buffer.offer(Packets.SSRC, k & 0xFFFF, k * 20, true, arrival, p, 0, p.length);
            buffer.poll(arrival, f -> { });
            lastDelayNs = buffer.readStats(new JitterBufferStats()).playoutDelayNs();
            lowestDelayNs = Math.min(lowestDelayNs, lastDelayNs);
        }
        assertTrue(lowestDelayNs >= 0, "playout delay went negative: " + lowestDelayNs / MS + " ms");
        assertTrue(lastDelayNs <= SpscJitterBuffer.DEFAULT_MAX_DELAY_MS * MS, "delay " + lastDelayNs / MS + " ms");
    }
}
