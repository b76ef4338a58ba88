package io.smoothcast.transport.internal.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.smoothcast.transport.NodeScorer;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Background pings in virtual time: the rate, the scores, loss and hostile replies. */
class AlternativeProberTest {

    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 7002);
    private static final InetSocketAddress C = new InetSocketAddress("127.0.0.1", 7003);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final RecordingSender out = new RecordingSender();
    private final AlternativeProber prober = new AlternativeProber(out, 100 * MS, NodeScorer.defaults());
    private long nowNs = 5_000 * MS;

    private List<ControlMessage.Probe> pingsTo(InetSocketAddress node) {
        return out.to(node).stream().map(s -> ControlCodec.decode(Unpooled.wrappedBuffer(s.bytes())).message())
                .map(m -> assertInstanceOf(ControlMessage.Probe.class, m)).toList();
    }

    /**
     * Runs the prober for {@code ms}, ticking every 10 ms; each node answers after its RTT unless
     * the seeded random drops the ping (loss fraction per node).
     */
    private void run(long ms, long rttBMs, double lossB, long rttCMs, double lossC, SplittableRandom random) {
        for (long t = 0; t < ms; t += 10) {
            nowNs += 10 * MS;
            prober.onTick(nowNs);
            for (RecordingSender.Sent sent : out.drain()) {
                ControlMessage.Probe ping = (ControlMessage.Probe) ControlCodec.decode(
                        Unpooled.wrappedBuffer(sent.bytes())).message();
                boolean isB = sent.recipient().equals(B);
                if (random.nextDouble() >= (isB ? lossB : lossC)) {
                    long rttNs = (isB ? rttBMs : rttCMs) * MS;
                    prober.onReply(sent.recipient(), new ControlMessage.ProbeReply(ping.sequence(),
                            ping.sendTimeNs(), 20), nowNs + rttNs);
                }
            }
        }
    }

    @Test
    void pingsEachNodeOncePerInterval() {
        prober.probe(List.of(B, C), nowNs);
        for (int i = 0; i < 100; i++) {
            nowNs += 10 * MS;
            prober.onTick(nowNs);
        }
        assertEquals(10, pingsTo(B).size(), "1 s at one ping per 100 ms");
        assertEquals(10, pingsTo(C).size());
        assertEquals(20, prober.pingsSent());
    }

    @Test
    void noScore_untilEnoughSamples() {
        prober.probe(List.of(B), nowNs);
        run(500, 10, 0, 10, 0, new SplittableRandom(1));
        assertNull(prober.best(nowNs), "5 pings, none old enough to count for the loss");
        run(800, 10, 0, 10, 0, new SplittableRandom(1));
        AlternativeProber.Scored best = prober.best(nowNs);
        assertEquals(B, best.node());
        assertEquals(10, best.rttMs(), 0.5);
        assertEquals(AlternativeProber.wilsonUpper(0, 8), best.lossFraction(), 1e-9,
                "no ping lost of 8: the loss is only bounded, at 1/9");
    }

    @Test
    void ranksByScore_lossAndRtt_seeded() {
        long seed = 42;
        prober.probe(List.of(B, C), nowNs);
        // B: 20 ms, 30 % loss (score about 320); C: 60 ms, no loss (score about 60).
        run(3000, 20, 0.3, 60, 0, new SplittableRandom(seed));
        AlternativeProber.Scored best = prober.best(nowNs);
        assertEquals(C, best.node(), "seed " + seed);
        assertEquals(60 + 1000 * AlternativeProber.wilsonUpper(0, 25), best.score(), 2, "seed " + seed);
    }

    @Test
    void wilsonUpperBound_shrinksWithTheSamples() {
        assertEquals(1.0 / 9, AlternativeProber.wilsonUpper(0, 8), 1e-9);
        assertTrue(AlternativeProber.wilsonUpper(0, 45) < 0.025);
        assertTrue(AlternativeProber.wilsonUpper(10, 45) > 10 / 45.0);
        assertEquals(1.0, AlternativeProber.wilsonUpper(20, 20), 1e-9);
    }

    @Test
    void silentNode_hasLossOne_andInfiniteScore() {
        prober.probe(List.of(B), nowNs);
        run(2500, 10, 1.0, 0, 0, new SplittableRandom(3));
        AlternativeProber.Scored best = prober.best(nowNs);
        assertEquals(1.0, best.lossFraction(), 1e-9);
        assertEquals(Double.POSITIVE_INFINITY, best.score());
    }

    @Test
    void repliesFromStrangers_unknownOrRepeatedSequences_areIgnored() {
        prober.probe(List.of(B), nowNs);
        nowNs += 10 * MS;
        prober.onTick(nowNs);
        ControlMessage.Probe ping = pingsTo(B).get(0);
        assertFalse(prober.onReply(C, new ControlMessage.ProbeReply(ping.sequence(), 0, 20), nowNs));
        assertFalse(prober.onReply(B, new ControlMessage.ProbeReply(ping.sequence() + 1, 0, 20), nowNs));
        assertFalse(prober.onReply(B, new ControlMessage.ProbeReply(-5, 0, 20), nowNs));
        // A forged echo time cannot make the node look faster: our own send time counts.
        assertTrue(prober.onReply(B, new ControlMessage.ProbeReply(ping.sequence(), nowNs + 1_000 * MS, 20),
                nowNs + 7 * MS));
        assertFalse(prober.onReply(B, new ControlMessage.ProbeReply(ping.sequence(), 0, 20), nowNs + 8 * MS),
                "answered once already");
    }

    @Test
    void probingAnotherSet_keepsSamplesOfNodesThatStay_andStopForgetsAll() {
        prober.probe(List.of(B, C), nowNs);
        run(1500, 10, 0, 10, 0, new SplittableRandom(5));
        prober.probe(List.of(B), nowNs);
        assertFalse(prober.isProbing(C));
        assertEquals(B, prober.best(nowNs).node());
        prober.stop();
        assertFalse(prober.isActive());
        assertNull(prober.best(nowNs));
    }

    @Test
    void lateAnswersFromALoadedHost_doNotInflateTheScore() {
        long seed = 77;
        SplittableRandom random = new SplittableRandom(seed);
        prober.probe(List.of(B), nowNs);
        for (long t = 0; t < 6000; t += 10) {
            nowNs += 10 * MS;
            prober.onTick(nowNs);
            for (RecordingSender.Sent sent : out.drain()) {
                ControlMessage.Probe ping = (ControlMessage.Probe) ControlCodec.decode(
                        Unpooled.wrappedBuffer(sent.bytes())).message();
                // 10 ms, but one answer in six is read 50-150 ms late (the client's thread stalled)
                long rttNs = 10 * MS + (random.nextInt(6) == 0 ? random.nextLong(50 * MS, 150 * MS) : 0);
                prober.onReply(B, new ControlMessage.ProbeReply(ping.sequence(), ping.sendTimeNs(), 20), nowNs + rttNs);
            }
        }
        AlternativeProber.Scored best = prober.best(nowNs);
        assertEquals(10, best.rttMs(), 0.5, "seed " + seed);
        assertEquals(10 + 1000 * best.lossFraction(), best.score(), 0.5, "seed " + seed + ": no jitter either");
    }
}
