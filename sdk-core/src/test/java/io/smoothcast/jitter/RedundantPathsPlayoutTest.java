package io.smoothcast.jitter;

import static io.smoothcast.jitter.Packets.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Redundant reception (every packet over two paths of different delay, the first copy kept) in
 * virtual time: when the faster path dies, the slower one alone must play every frame.
 */
class RedundantPathsPlayoutTest {

    private static final long T0 = 10_000 * MS;
    private static final long FRAME_NS = 20 * MS;
    private static final int FRAMES_BOTH = 20 * 50;
    private static final int FRAMES_SLOW_ONLY = 10 * 50;

    /**
     * Frames played, and those of them whose packet arrived after their playout time (played
     * late, a freeze a player shows as lost frames).
     */
    private record Outcome(long played, long late, JitterBufferStats stats, long targetBeforeDeathNs) { }

    private static Outcome run(boolean feedCopies, long fastMs, long slowMs) {
        return run(feedCopies, fastMs, slowMs, 0, 0);
    }

    /**
     * 20 s over a 20 ms and a 150 ms path (each with up to 5 ms of jitter), then 10 s over the
     * 150 ms one only; one packet per 20 ms frame. {@code feedCopies}: tell the buffer of every
     * copy it did not keep, as the viewer does in redundant mode. {@code slowTailPercent} of the
     * slow path's packets come {@code slowTailMs} later still (a heavy tail).
     */
    private static Outcome run(boolean feedCopies, long fastMs, long slowMs, int slowTailPercent, long slowTailMs) {
        SpscJitterBuffer buffer = SpscJitterBuffer.builder().adaptive().clockRateHz(1000).capacityPackets(1024)
                .maxPayloadBytes(16).nackEnabled(false).build();
        SplittableRandom random = new SplittableRandom(26);
        int frames = FRAMES_BOTH + FRAMES_SLOW_ONLY;
        // {arrival time, frame number}, sorted by arrival below
        long[][] arrivals = new long[2 * frames][];
        int n = 0;
        for (int k = 0; k < frames; k++) {
            long sent = T0 + k * FRAME_NS;
            if (k < FRAMES_BOTH) {
                arrivals[n++] = new long[] {sent + fastMs * MS + random.nextLong(5 * MS), k};
            }
            long slowNs = sent + slowMs * MS + random.nextLong(5 * MS);
            if (slowTailPercent > 0 && random.nextInt(100) < slowTailPercent) {
                slowNs += slowTailMs * MS;
            }
            arrivals[n++] = new long[] {slowNs, k};
        }
        long[][] sorted = Arrays.copyOf(arrivals, n);
        Arrays.sort(sorted, (a, b) -> Long.compare(a[0], b[0]));
        long deathNs = T0 + FRAMES_BOTH * FRAME_NS;
        long targetBeforeDeathNs = -1;
        long[] played = new long[2];
        FrameHandler handler = f -> {
            played[0]++;
            if (f.firstArrivalNs() > f.playoutTimeNs()) {
                played[1]++;
            }
        };
        for (long[] a : sorted) {
            long now = a[0];
            int k = (int) a[1];
            if (targetBeforeDeathNs < 0 && now >= deathNs) {
                targetBeforeDeathNs = buffer.readStats(new JitterBufferStats()).targetDelayNs();
            }
            buffer.poll(now, handler);
            byte[] p = Packets.payloadFor(k);
            int result = buffer.offer(Packets.SSRC, k & 0xFFFF, k * 20, true, now, p, 0, p.length);
            if (feedCopies && (result == OfferResult.DUPLICATE || result == OfferResult.LATE)) {
                buffer.onRedundantCopy(Packets.SSRC, k * 20, now);
            }
            buffer.poll(now, handler);
        }
        buffer.poll(T0 + (frames + 200) * FRAME_NS, handler);
        return new Outcome(played[0], played[1], buffer.readStats(new JitterBufferStats()), targetBeforeDeathNs);
    }

    @Test
    void withoutTheCopies_theSlowPathAloneLosesFrames_whenTheFastOneDies() {
        Outcome o = run(false, 20, 150);
        // The delay covers the fast path only: the slow one's packets come 110 ms too late and
        // the delay rises towards them at the rate limit (100 ms/s): 77 frames, 1.5 s, late.
        assertTrue(o.late() > 50, "late frames: " + o.late() + " " + o.stats());
    }

    @Test
    void withTheCopies_theSlowPathAlonePlaysEveryFrame_whenTheFastOneDies() {
        Outcome o = run(true, 20, 150);
        assertEquals(FRAMES_BOTH + FRAMES_SLOW_ONLY, o.played(), o.stats().toString());
        assertEquals(0, o.late(), o.stats().toString());
    }

    @Test
    void withTheCopies_theDelayCoversTheDifferential_onlyWhileBothPathsCarry() {
        Outcome o = run(true, 20, 150);
        // 130 ms differential plus the slow path's jitter, not more.
        long targetMs = o.stats().targetDelayNs() / MS;
        assertTrue(targetMs >= 130 && targetMs <= 160, "target " + targetMs + " ms");
    }

    @Test
    void withTheCopies_aDifferentialBeyondTheMaximumDelayIsCoveredUpToTheMaximumOnly() {
        // 1.5 s differential, 1 s maximum delay: the slow path's frames are lost at the kill.
        Outcome o = run(true, 20, 1520);
        assertEquals(1000 * MS, o.stats().targetDelayNs());
        assertTrue(o.late() > 0, "late frames: " + o.late());
    }

    @Test
    void withTheCopies_theSlowPathIsCoveredAtTheQuantile_notAtTheQuantileOfBothPathsPooled() {
        // 3 % of the slow path's packets 60 ms later still: above the 0.98 quantile of that path
        // alone, but below it when the fast path's packets make half the samples (its 0.96).
        Outcome o = run(true, 20, 150, 3, 60);
        long beforeMs = o.targetBeforeDeathNs() / MS;
        assertTrue(beforeMs >= 190 && beforeMs <= 200, "target before the death " + beforeMs + " ms");
        // The slow path's 3 % tail, about 15 of its 500 frames, comes after the playout time
        // when the delay covers none of it (before: 136 ms, 12 frames never played); at the
        // path's 0.98 quantile about a third of the tail is still above the delay, by a few ms.
        assertEquals(FRAMES_BOTH + FRAMES_SLOW_ONLY, o.played(), o.stats().toString());
        assertTrue(o.late() <= 5, "late frames: " + o.late() + " " + o.stats());
    }
}
