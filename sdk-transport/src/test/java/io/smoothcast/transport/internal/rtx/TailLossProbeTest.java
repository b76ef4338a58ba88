package io.smoothcast.transport.internal.rtx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TailLossProbeTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long T = TailLossProbe.MIN_TIMEOUT_NS;

    @Test
    void nothingSent_nothingDue() {
        assertFalse(new TailLossProbe(2).isDue(Long.MAX_VALUE / 2, 0));
    }

    @Test
    void quietForTheTimeout_dueForTheNewestPacket_thenBackedOff_thenNoMore() {
        TailLossProbe probe = new TailLossProbe(2);
        long t0 = -5 * MS; // times may be negative: compared by subtraction
        assertTrue(probe.onSent(65535, t0));
        assertTrue(probe.onSent(0, t0 + MS), "wraps: still the newest");
        assertFalse(probe.onSent(65534, t0 + 2 * MS), "a late repair: the newest is kept");
        long last = t0 + MS; // the repair is not the tail: the quiet period goes on
        assertFalse(probe.isDue(last + T - 1, 0));
        assertTrue(probe.isDue(last + T, 0));
        assertEquals(0, probe.newestSequence());
        probe.onProbed();
        assertFalse(probe.isDue(last + 3 * T - 1, 0), "the second waits two more timeouts");
        assertTrue(probe.isDue(last + 3 * T, 0));
        probe.onProbed();
        assertFalse(probe.isDue(last + 100 * T, 0), "at most two per quiet period");
    }

    @Test
    void mediaFlowing_neverDue_andEachPacketStartsANewQuietPeriod() {
        TailLossProbe probe = new TailLossProbe(1);
        for (int i = 0; i < 1000; i++) {
            probe.onSent(i, i * 100 * MS); // 10 packets a second: gaps under the timeout
            assertFalse(probe.isDue(i * 100 * MS + 99 * MS, 0));
        }
        probe.onProbed(); // the limit reached...
        probe.onSent(1000, 100_000 * MS); // ...and a new quiet period
        assertTrue(probe.isDue(100_000 * MS + T, 0));
    }

    @Test
    void aRepairBehindTheNewest_afterTheProbe_neitherRearmsNorReplacesTheNewest() {
        TailLossProbe probe = new TailLossProbe(1);
        probe.onSent(110, 0);
        assertTrue(probe.isDue(T, 0));
        probe.onProbed();
        assertFalse(probe.onSent(105, T + 50 * MS), "a gap the receiver NACKs itself");
        assertEquals(110, probe.newestSequence());
        assertFalse(probe.isDue(100 * T, 0), "no second probe for the repair");
        assertTrue(probe.onSent(110, 100 * T), "the newest again (a duplicate of it) is a new tail");
        assertTrue(probe.isDue(101 * T, 0));
    }

    @Test
    void newestAcknowledged_noProbe_untilTheNextPacket() {
        TailLossProbe probe = new TailLossProbe(2);
        probe.onSent(7, 0);
        probe.onNewestAcknowledged();
        assertFalse(probe.isDue(10 * T, 0));
        probe.onSent(8, 10 * T);
        assertTrue(probe.isDue(11 * T, 0));
    }

    @Test
    void timeout_isTwiceTheRtt_neverUnderTheFloor() {
        assertEquals(T, TailLossProbe.timeoutNs(0));
        assertEquals(T, TailLossProbe.timeoutNs(T / 2));
        assertEquals(800 * MS, TailLossProbe.timeoutNs(400 * MS));
        TailLossProbe probe = new TailLossProbe(1);
        probe.onSent(5000, 0);
        assertFalse(probe.isDue(800 * MS - 1, 400 * MS));
        assertTrue(probe.isDue(800 * MS, 400 * MS));
        assertThrows(IllegalArgumentException.class, () -> new TailLossProbe(0));
    }

    /**
     * A repair far behind (300 numbers: a NACK answered late, from a deep cache) goes out, then
     * the stream is quiet: the probe resends the real newest packet, a tail-loss timeout after it.
     */
    @Test
    void aRepairFarBehindTheNewest_neverBecomesTheNewest_evenAcrossTheWrap() {
        TailLossProbe probe = new TailLossProbe(1);
        probe.onSent(1000, 0);
        assertFalse(probe.onSent(700, 10 * MS), "300 behind: a repair, not the newest");
        assertFalse(probe.onSent(1000 - 32767, 20 * MS), "the farthest behind in serial order");
        assertEquals(1000, probe.newestSequence());
        assertTrue(probe.isDue(T, 0), "the quiet period runs from the newest packet");
        TailLossProbe wrapped = new TailLossProbe(1);
        wrapped.onSent(100, 0);
        assertFalse(wrapped.onSent(65535 - 400, 10 * MS), "behind across the wrap");
        assertTrue(wrapped.onSent(100 + 32767, 20 * MS), "the farthest ahead in serial order");
        assertEquals(100 + 32767, wrapped.newestSequence());
    }
}
