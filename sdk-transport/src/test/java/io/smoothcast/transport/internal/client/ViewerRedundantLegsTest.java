package io.smoothcast.transport.internal.client;

import static io.smoothcast.transport.internal.client.ViewerTestPackets.VIDEO;
import static io.smoothcast.transport.internal.client.ViewerTestPackets.nackedTo;
import static io.smoothcast.transport.internal.client.ViewerTestPackets.packetize;
import static io.smoothcast.transport.internal.client.ViewerTestPackets.rtx;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.jitter.JitterBufferStats;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smoothcast.jitter.SpscJitterBuffer;
import io.smoothcast.transport.ConnectionState;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The redundant-mode merge in virtual time: two legs feed one jitter buffer, and when one leg
 * dies with a packet in flight that the other leg lost, the NACK reaches the surviving node and
 * its retransmission completes the frame.
 */
class ViewerRedundantLegsTest {

    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 7001);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 7002);
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final RecordingSender out = new RecordingSender();
    private final List<ConnectionState> states = new ArrayList<>();
    private final ViewerEngine engine = new ViewerEngine(out, List.of(A, B), 1L, 0x7777,
            new ControlMessage.Subscribe("show", 2, 0), FailoverPolicy.builder().redundant(true).build(),
            track -> SpscJitterBuffer.builder().clockRateHz(track.clockRateHz()).fixedDelayMs(200)
                    .completenessCheck(GenericPayload.COMPLETENESS).build(),
            (state, reason) -> states.add(state));
    private long nowNs = 1_000 * MS;

    private void receive(byte[] bytes, InetSocketAddress from) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        engine.onDatagram(buf, from, nowNs);
        buf.release();
    }

    /** Answers the last control request sent to {@code node}. */
    private void reply(InetSocketAddress node, ControlMessage message) {
        receive(out.replyToLast(node, message), node);
    }

    /** Starts {@link #engine}; A and B accept it. */
    private void joinBothLegs() {
        engine.start(nowNs);
        for (InetSocketAddress node : List.of(A, B)) {
            reply(node, new ControlMessage.HelloAck(1, 500, 5000, 9));
            reply(node, new ControlMessage.SubscribeAck("show", List.of(VIDEO)));
        }
    }

    @Test
    void legDiesWithAPacketTheOtherLegLost_nackReachesTheSurvivor_andItsRtxCompletesTheFrame() {
        joinBothLegs();
        assertEquals(2, engine.supervisor().connectedCount(), "both legs up");
        out.drain();

        byte[] frame = new byte[2500];
        Arrays.fill(frame, (byte) 3);
        frame[0] = 1;
        frame[2499] = 9;
        List<byte[]> packets = packetize(frame, 500);
        assertEquals(3, packets.size());
        receive(packets.get(0), A);
        receive(packets.get(0), B); // the same packet twice: one copy kept
        // A dies now: packet 501 was in flight on A only (B lost its copy); B goes on with 502.
        receive(packets.get(2), B);
        nowNs += 10 * MS;
        engine.onTick(nowNs);
        List<RecordingSender.Sent> sent = out.drain();
        assertEquals(List.of(501), nackedTo(sent, B), "the surviving node is asked");

        receive(rtx(packets.get(1), 77), B);
        nowNs += 300 * MS;
        ByteArrayOutputStream played = new ByteArrayOutputStream();
        int frames = engine.tracks()[0].buffer().poll(nowNs, f -> {
            for (int i = 0; i < f.packetCount(); i++) {
                played.write(f.payloadArray(i), f.payloadOffset(i) + 1, f.payloadLength(i) - 1);
            }
        });
        assertEquals(1, frames);
        assertArrayEquals(frame, played.toByteArray(), "intact, from both legs and the retransmission");

        // A stays silent: its leg is dropped, B still carries the viewer, never RECONNECTING.
        for (int i = 0; i < 100; i++) {
            nowNs += 10 * MS;
            receive(new byte[] {(byte) 0x80, (byte) 201, 0, 1, 0, 0, 0, 1}, B); // B keeps talking (an RR-shaped datagram)
            engine.onTick(nowNs);
        }
        assertEquals(1, engine.supervisor().connectedCount());
        assertEquals(B, engine.supervisor().connected(0));
        assertEquals(List.of(B), engine.carryingNodes());
        assertTrue(states.stream().noneMatch(s -> s == ConnectionState.RECONNECTING), states.toString());
    }

    @Test
    void carryingNodes_bothLegs_noneAfterClose() {
        joinBothLegs();
        assertEquals(List.of(A, B), engine.carryingNodes());
        engine.close(nowNs);
        assertEquals(List.of(), engine.carryingNodes(), "left on close: no node carries it any more");
    }

    @Test
    void legsOfDifferentDelay_bothCopiesFeedTheAdaptiveDelay_soItCoversTheSlowerLeg() {
        ViewerEngine adaptive = new ViewerEngine(out, List.of(A, B), 1L, 0x7777,
                new ControlMessage.Subscribe("show", 2, 0), FailoverPolicy.builder().redundant(true).build(),
                track -> SpscJitterBuffer.builder().clockRateHz(track.clockRateHz()).adaptive().initialDelayMs(0)
                        .completenessCheck(GenericPayload.COMPLETENESS).build(),
                (state, reason) -> states.add(state));
        adaptive.start(nowNs);
        for (InetSocketAddress node : List.of(A, B)) {
            ByteBuf hello = Unpooled.wrappedBuffer(out.replyToLast(node, new ControlMessage.HelloAck(1, 500, 5000, 9)));
            adaptive.onDatagram(hello, node, nowNs);
            hello.release();
            ByteBuf ack = Unpooled.wrappedBuffer(
                    out.replyToLast(node, new ControlMessage.SubscribeAck("show", List.of(VIDEO))));
            adaptive.onDatagram(ack, node, nowNs);
            ack.release();
        }
        // 10 s of one-packet frames every 20 ms: A delivers each 20 ms after sending, B 150 ms.
        List<long[]> arrivals = new ArrayList<>(); // {arrival, frame, leg}
        for (int k = 0; k < 500; k++) {
            long sentNs = nowNs + k * 20 * MS;
            arrivals.add(new long[] {sentNs + 20 * MS, k, 0});
            arrivals.add(new long[] {sentNs + 150 * MS, k, 1});
        }
        arrivals.sort(Comparator.comparingLong(a -> a[0]));
        byte[] frame = {1, 2, 3, 9};
        for (long[] a : arrivals) {
            int k = (int) a[1];
            byte[] packet = packetize(VIDEO, frame, 1000 + k, 9000 + k * 1800).get(0);
            ByteBuf buf = Unpooled.wrappedBuffer(packet);
            adaptive.onDatagram(buf, a[2] == 0 ? A : B, a[0]);
            buf.release();
            adaptive.tracks()[0].buffer().poll(a[0], f -> { });
        }
        JitterBufferStats s = adaptive.tracks()[0].buffer().readStats(new JitterBufferStats());
        // The differential is 130 ms: B alone plays on time once A dies.
        assertTrue(s.targetDelayNs() >= 130 * MS, "target " + s.targetDelayNs() / MS + " ms: " + s);
        assertTrue(s.playoutDelayNs() >= 130 * MS, "applied " + s.playoutDelayNs() / MS + " ms");
    }

    /**
     * What a viewer on a 20 ms leg (A) and a 150 ms leg (B) plays when one leg dies after 10 s
     * and the other carries on alone for 20 s: one-packet frames every 20 ms, the adaptive
     * defaults (no round trip known: no retransmission headroom), the buffer polled at each
     * arrival and tick.
     */
    private record LegDeath(long played, long late, long meanLatencyLast5sMs, long maxLatencyLast5sMs,
            long maxLatencyAfterDeathMs, JitterBufferStats stats) { }

    private LegDeath legDies(InetSocketAddress dying) {
        ViewerEngine adaptive = new ViewerEngine(out, List.of(A, B), 1L, 0x7777,
                new ControlMessage.Subscribe("show", 2, 0), FailoverPolicy.builder().redundant(true).build(),
                track -> SpscJitterBuffer.builder().clockRateHz(track.clockRateHz()).adaptive()
                        .completenessCheck(GenericPayload.COMPLETENESS).build(),
                (state, reason) -> states.add(state));
        long startNs = nowNs;
        adaptive.start(startNs);
        for (InetSocketAddress node : List.of(A, B)) {
            for (ControlMessage reply : List.of(new ControlMessage.HelloAck(1, 500, 5000, 9),
                    new ControlMessage.SubscribeAck("show", List.of(VIDEO)))) {
                ByteBuf buf = Unpooled.wrappedBuffer(out.replyToLast(node, reply));
                adaptive.onDatagram(buf, node, startNs);
                buf.release();
            }
        }
        int bothFrames = 500;
        int frames = 1500;
        long deathNs = startNs + bothFrames * 20 * MS;
        List<long[]> events = new ArrayList<>(); // {time, frame (-1: tick), leg}
        for (int k = 0; k < frames; k++) {
            long sentNs = startNs + k * 20 * MS;
            if (k < bothFrames || !A.equals(dying)) {
                events.add(new long[] {sentNs + 20 * MS, k, 0});
            }
            if (k < bothFrames || !B.equals(dying)) {
                events.add(new long[] {sentNs + 150 * MS, k, 1});
            }
        }
        for (long t = startNs; t < startNs + (frames + 20) * 20 * MS; t += 10 * MS) {
            events.add(new long[] {t, -1, 0});
        }
        events.sort(Comparator.comparingLong(e -> e[0]));
        long[] outcome = new long[5]; // played, late, latency sum last 5 s, count, max last 5 s
        long[] maxAfterDeath = new long[1];
        long lastFiveSecondsNs = startNs + (frames - 250) * 20 * MS;
        byte[] frame = {1, 2, 3, 9};
        for (long[] e : events) {
            long atNs = e[0];
            if (e[1] < 0) {
                adaptive.onTick(atNs);
                out.drain();
            } else {
                int k = (int) e[1];
                byte[] packet = packetize(VIDEO, frame, 1000 + k, 9000 + k * 1800).get(0);
                ByteBuf buf = Unpooled.wrappedBuffer(packet);
                adaptive.onDatagram(buf, e[2] == 0 ? A : B, atNs);
                buf.release();
            }
            if (adaptive.tracks().length == 0) {
                continue;
            }
            adaptive.tracks()[0].buffer().poll(atNs, f -> {
                outcome[0]++;
                if (f.firstArrivalNs() > f.playoutTimeNs()) {
                    outcome[1]++;
                }
                long sentNs = startNs + (f.rtpTimestamp() - 9000) / 90 * MS;
                long latencyNs = f.playoutTimeNs() - sentNs;
                if (sentNs >= deathNs) {
                    maxAfterDeath[0] = Math.max(maxAfterDeath[0], latencyNs);
                }
                if (sentNs >= lastFiveSecondsNs) {
                    outcome[2] += latencyNs;
                    outcome[3]++;
                    outcome[4] = Math.max(outcome[4], latencyNs);
                }
            });
        }
        assertEquals(List.of(dying.equals(A) ? B : A), adaptive.carryingNodes(), "the dead leg was dropped");
        return new LegDeath(outcome[0], outcome[1], outcome[2] / outcome[3] / MS, outcome[4] / MS,
                maxAfterDeath[0] / MS, adaptive.tracks()[0].buffer().readStats(new JitterBufferStats()));
    }

    @Test
    void fastLegDies_theSlowLegPlaysEveryFrameOnTime_andTheDelaySettlesOnItsOwnPath() {
        LegDeath o = legDies(A);
        System.out.println("ViewerRedundantLegsTest fast leg dies: " + o);
        assertEquals(1500, o.played(), o.toString());
        assertEquals(0, o.late(), o.toString());
        assertEquals(0, o.stats().freezeCount(), o.toString());
        // 150 ms transit plus the slow leg's own delay, not the 130 ms differential on top
        assertTrue(o.maxLatencyLast5sMs() < 150 + 100, o.toString());
    }

    @Test
    void slowLegDies_theFastLegPlaysEveryFrameOnTime_andTheDelaySettlesOnItsOwnPath() {
        LegDeath o = legDies(B);
        System.out.println("ViewerRedundantLegsTest slow leg dies: " + o);
        assertEquals(1500, o.played(), o.toString());
        assertEquals(0, o.late(), o.toString());
        assertEquals(0, o.stats().freezeCount(), o.toString());
        // 20 ms transit plus the fast leg's own delay, not the 130 ms differential
        assertTrue(o.maxLatencyLast5sMs() < 20 + 100, o.toString());
    }
}
