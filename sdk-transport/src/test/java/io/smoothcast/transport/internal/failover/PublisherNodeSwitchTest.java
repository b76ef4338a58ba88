package io.smoothcast.transport.internal.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.control.ErrorCode;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A publisher leaving a degraded ingest path, in virtual time against scripted nodes: the loss
 * comes from the nodes' transport-cc reports, the round trips from keepalives and pings.
 */
class PublisherNodeSwitchTest {

    private static final long MS = 1_000_000L;
    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 7101);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 7102);
    private static final InetSocketAddress C = new InetSocketAddress("127.0.0.1", 7103);
    private static final long SESSION = 0x5151_7777L;
    private static final Track VIDEO = new Track(0x100, 0x101, 96, 97, MediaKind.VIDEO, 0, 90_000, 1_000_000);

    private final RecordingSender out = new RecordingSender();
    private final RecordingSupervisorEvents events = new RecordingSupervisorEvents();
    /** Every message the publisher sent, in order: "port Type". */
    private final List<String> wire = new ArrayList<>();
    /** Share of answers (keepalives and pings alike) the loaded client reads 50-150 ms late. */
    private double lateAnswerFraction;
    private long nowNs = 1_000 * MS;

    /** The publisher's supervisor over {@code nodes}, started now. */
    private ConnectionSupervisor publisher(FailoverPolicy policy, InetSocketAddress... nodes) {
        ConnectionSupervisor s = new ConnectionSupervisor(out, List.of(nodes), SESSION,
                new ControlMessage.Publish("show", List.of(VIDEO)), 9, policy, events);
        s.start(nowNs);
        return s;
    }

    /** How the scripted network treats one node: loss of the publisher's packets, and round trip. */
    private record Link(double lossFraction, long rttMs) {
    }

    /** A node that has died: it answers nothing and reports nothing (a rejoin is not scripted). */
    private static final Link DEAD = new Link(1, 2);

    /** An answer on its way back to the publisher. */
    private record Answer(long atNs, InetSocketAddress from, byte[] datagram, boolean probeReply) {
    }

    /** Answers on their way, not delivered yet. */
    private final List<Answer> inFlight = new ArrayList<>();
    /** Nodes that refuse the publisher's token (TOKEN_EXPIRED to every PUBLISH). */
    private final List<InetSocketAddress> refusingToken = new ArrayList<>();
    /** Extra delay of the next keepalive answer only (a one-off stall of the reading thread), ns. */
    private long nextKeepaliveAnswerLateNs;

    /**
     * Runs the publisher for {@code ms}, ticking every 10 ms. Every node that accepted the
     * publisher reports its 10 packets of each tick (some lost by the link's loss); every node
     * answers HELLOs and PUBLISHes, and keepalives and pings unless the link's loss drops them,
     * after the link's round trip: an answer reaches the publisher at its own time, before the
     * first tick after it, so answers slower than the 100 ms heartbeat come after the next keepalive.
     */
    private void run(ConnectionSupervisor s, long ms, Link a, Link b, Link c, SplittableRandom random) {
        for (long t = 0; t < ms; t += 10) {
            nowNs += 10 * MS;
            deliverAnswersDue(s);
            s.onTick(nowNs);
            for (RecordingSender.Sent sent : out.drain()) {
                Link link = linkTo(sent.recipient(), a, b, c);
                DecodeResult request = ControlCodec.decode(Unpooled.wrappedBuffer(sent.bytes()));
                ControlMessage m = request.message();
                wire.add(sent.recipient().getPort() + " " + m.getClass().getSimpleName());
                ControlMessage reply = null;
                if (m instanceof ControlMessage.Hello) {
                    reply = new ControlMessage.HelloAck(SESSION, 500, 5000, 1);
                } else if (m instanceof ControlMessage.Publish) {
                    reply = refusingToken.contains(sent.recipient())
                            ? new ControlMessage.Error(ErrorCode.TOKEN_EXPIRED.value(), ControlMessage.PUBLISH, "token expired")
                            : new ControlMessage.PublishAck("show");
                } else if (random.nextDouble() < link.lossFraction()) {
                    reply = null; // a keepalive or ping lost on the lossy path
                } else if (m instanceof ControlMessage.Keepalive k) {
                    reply = new ControlMessage.KeepaliveAck(k.sequence());
                } else if (m instanceof ControlMessage.Probe p) {
                    reply = new ControlMessage.ProbeReply(p.sequence(), p.sendTimeNs(), 20);
                }
                if (reply != null) {
                    byte[] bytes = RecordingSender.controlDatagram(request.requestId(), reply);
                    long lateNs = random.nextDouble() < lateAnswerFraction ? random.nextLong(50 * MS, 150 * MS) : 0;
                    if (reply instanceof ControlMessage.KeepaliveAck) {
                        lateNs += nextKeepaliveAnswerLateNs;
                        nextKeepaliveAnswerLateNs = 0;
                    }
                    inFlight.add(new Answer(nowNs + link.rttMs() * MS + lateNs, sent.recipient(), bytes,
                            reply instanceof ControlMessage.ProbeReply));
                }
            }
            for (int i = 0; i < s.connectedCount(); i++) {
                InetSocketAddress node = s.connected(i);
                Link link = linkTo(node, a, b, c);
                if (link == DEAD) {
                    continue;
                }
                int lost = 0;
                for (int p = 0; p < 10; p++) {
                    lost += random.nextDouble() < link.lossFraction() ? 1 : 0;
                }
                s.accepts(node, nowNs);
                s.onFeedbackReport(node, 10 - lost, lost);
            }
        }
    }

    private static Link linkTo(InetSocketAddress node, Link a, Link b, Link c) {
        return node.equals(A) ? a : node.equals(B) ? b : c;
    }

    /** Delivers the answers that arrived by now, oldest first, each at its arrival time. */
    private void deliverAnswersDue(ConnectionSupervisor s) {
        inFlight.sort(java.util.Comparator.comparingLong(Answer::atNs));
        while (!inFlight.isEmpty() && inFlight.get(0).atNs() <= nowNs) {
            Answer answer = inFlight.remove(0);
            if (answer.probeReply() || s.accepts(answer.from(), answer.atNs())) {
                s.onControl(answer.from(), ControlCodec.decode(Unpooled.wrappedBuffer(answer.datagram())), answer.atNs());
            }
        }
    }

    @Test
    void lossyIngestPath_publisherMovesToTheCleanNode_makeBeforeBreak_andStays() {
        long seed = 0x5EED_0601L;
        SplittableRandom random = new SplittableRandom(seed);
        ConnectionSupervisor s = publisher(FailoverPolicy.defaults(), A, B);
        Link lossy = new Link(0.15, 2);
        Link clean = new Link(0, 2);
        run(s, 500, lossy, clean, clean, random);
        assertEquals(A, s.connected(0), "seed " + seed);
        assertFalse(s.prober().isActive(), "not degraded for a second yet: nothing probed");
        run(s, 6000, lossy, clean, clean, random);
        assertEquals(List.of("DEGRADED_PATH 7101 -> 7102"), events.switches, "seed " + seed);
        assertEquals(B, s.connected(0));
        assertEquals(List.of("CONNECTED"), events.states, "never without a node");
        assertEquals(List.of("7101 joined", "7102 resumed"), events.accepted, "the new node's viewers get a keyframe");
        assertEquals(0, s.failovers(), "a switch is not a failover");
        run(s, 20_000, lossy, clean, clean, random);
        assertEquals(1, events.switches.size(), "seed " + seed + ": never back");
        assertEquals(1, s.switches());
        assertFalse(s.prober().isActive(), "a clean path probes nothing");
    }

    @Test
    void degradedPath_isNotLeftForANodeThatJustFailed_evenIfItAnswersBetterNow() {
        long seed = 0x5EED_0603L;
        SplittableRandom random = new SplittableRandom(seed);
        ConnectionSupervisor s = publisher(FailoverPolicy.defaults(), A, B, C);
        Link lossy = new Link(0.15, 2);
        Link quick = new Link(0, 2);
        Link slower = new Link(0, 40);
        run(s, 500, quick, lossy, slower, random);
        run(s, 1000, DEAD, lossy, slower, random); // A dies: the publisher fails over to B, lossy
        assertEquals(B, s.connected(0), "seed " + seed);
        assertEquals(1, s.roster().failureCount(A));
        run(s, 6000, quick, lossy, slower, random); // A is back and the quickest, but held down

        assertEquals(List.of("DEGRADED_PATH 7102 -> 7103"), events.switches, "seed " + seed);
        assertEquals(C, s.connected(0));
    }

    @Test
    void degradedPath_isNotLeftForANodeThatRefusedTheToken_untilTheTokenIsRenewed() {
        long seed = 0x5EED_0604L;
        SplittableRandom random = new SplittableRandom(seed);
        refusingToken.add(B);
        ConnectionSupervisor s = publisher(FailoverPolicy.defaults(), B, A);
        Link lossy = new Link(0.15, 2);
        Link clean = new Link(0, 2);
        run(s, 500, lossy, clean, clean, random); // B refuses, A takes the publisher
        assertEquals(A, s.connected(0));
        assertEquals(0, s.roster().failureCount(B), "no failure of B");
        run(s, 15_000, lossy, clean, clean, random); // past a failure's 10 s hold-down
        assertEquals(List.of(), events.switches, "seed " + seed);
        assertEquals(List.of("7102 Hello", "7102 Publish"),
                wire.stream().filter(w -> w.startsWith("7102")).toList(),
                "B, better but refusing the token, is neither probed nor joined again");

        refusingToken.clear();
        s.renewToken("renewed".getBytes(java.nio.charset.StandardCharsets.US_ASCII), nowNs);
        run(s, 6000, lossy, clean, clean, random);
        assertEquals(List.of("DEGRADED_PATH 7101 -> 7102"), events.switches, "seed " + seed);
        assertEquals(B, s.connected(0));
    }

    @Test
    void theOldNodeIsLeft_onlyAfterTheNewOneAcceptedThePublish() {
        ConnectionSupervisor s = publisher(FailoverPolicy.defaults(), A, B);
        run(s, 8000, new Link(0.2, 2), new Link(0, 2), new Link(0, 2), new SplittableRandom(11));
        assertEquals(List.of("DEGRADED_PATH 7101 -> 7102"), events.switches);
        int publishOnB = wire.indexOf("7102 Publish");
        int leaveA = wire.indexOf("7101 Leave");
        assertTrue(publishOnB >= 0 && leaveA > publishOnB, "published on B, then left A: " + wire);
        List<String> afterLeave = wire.subList(leaveA, wire.size()).stream().filter(w -> w.startsWith("7101")).toList();
        assertEquals(List.of("7101 Leave", "7101 Leave", "7101 Leave"), afterLeave,
                "three goodbyes over the lossy path, then nothing more to A");
    }

    @Test
    void everyNodeLossy_noSwitch() {
        SplittableRandom random = new SplittableRandom(21);
        ConnectionSupervisor s = publisher(FailoverPolicy.defaults(), A, B, C);
        Link lossy = new Link(0.15, 2);
        run(s, 10_000, lossy, new Link(0.15, 2), new Link(0.15, 2), random);
        assertEquals(List.of(), events.switches);
        assertEquals(A, s.connected(0));
    }

    @Test
    void proactiveSwitchingOff_staysOnTheLossyNode() {
        SplittableRandom random = new SplittableRandom(31);
        ConnectionSupervisor s = publisher(FailoverPolicy.builder().proactiveSwitching(false).build(), A, B);
        run(s, 8000, new Link(0.3, 2), new Link(0, 2), new Link(0, 2), random);
        assertEquals(List.of(), events.switches);
        assertEquals(0, s.prober().pingsSent());
    }

    @Test
    void cleanIngestPath_withASlightlyFasterAlternative_isNeverLeft() {
        SplittableRandom random = new SplittableRandom(41);
        ConnectionSupervisor s = publisher(FailoverPolicy.defaults(), A, B);
        run(s, 8000, new Link(0.01, 20), new Link(0, 2), new Link(0, 2), random);
        assertEquals(List.of(), events.switches, "1 % loss is not degraded");
        assertEquals(0, s.prober().pingsSent());
    }

    @Test
    void loadedHost_answersReadLateOnBothSides_stillSwitchesOnce_toTheCleanNode() {
        long seed = 0x5EED_0602L;
        SplittableRandom random = new SplittableRandom(seed);
        lateAnswerFraction = 0.2;
        ConnectionSupervisor s = publisher(FailoverPolicy.defaults(), A, B);
        run(s, 15_000, new Link(0.10, 2), new Link(0, 2), new Link(0, 2), random);
        assertEquals(List.of("DEGRADED_PATH 7101 -> 7102"), events.switches, "seed " + seed);
        assertEquals(List.of("CONNECTED"), events.states, "seed " + seed);
    }

    @Test
    void pathSlowerThanTheHeartbeat_itsRoundTripIsMeasured() {
        SplittableRandom random = new SplittableRandom(51);
        ConnectionSupervisor s = publisher(FailoverPolicy.defaults(), A, B);
        run(s, 3000, new Link(0, 150), new Link(0, 2), new Link(0, 2), random);
        assertEquals(A, s.connected(0));
        assertEquals(150 * MS, s.pathRttNs(), "each answer comes after the next keepalive left");
        assertEquals(150 * MS, s.rttNs());
        assertEquals(List.of(), events.switches, "150 ms is below the degraded RTT");
    }

    @Test
    void oneLateAnswer_onAQuickPath_movesNeitherThePathRttNorTheNode() {
        SplittableRandom random = new SplittableRandom(52);
        ConnectionSupervisor s = publisher(FailoverPolicy.defaults(), A, B);
        Link quick = new Link(0, 4);
        Link quicker = new Link(0, 2);
        run(s, 2000, quick, quicker, quicker, random);
        nextKeepaliveAnswerLateNs = 396 * MS; // one answer read 400 ms after its keepalive left (a host stall)
        run(s, 500, quick, quicker, quicker, random);
        assertTrue(s.rttNs() > 40 * MS, "the smoothed RTT (stats) took an eighth of the excess: " + s.rttNs());
        assertEquals(4 * MS, s.pathRttNs(), "timers keep following the path");
        run(s, 10_000, quick, quicker, quicker, random);
        assertEquals(List.of(), events.switches);
        assertEquals(0, s.prober().pingsSent(), "not degraded: nothing probed");
    }

    @Test
    void sustainedRttRise_onTheIngestPath_movesToTheQuickNode() {
        SplittableRandom random = new SplittableRandom(53);
        ConnectionSupervisor s = publisher(FailoverPolicy.defaults(), A, B);
        Link quick = new Link(0, 4);
        run(s, 3000, quick, quick, quick, random);
        Link slow = new Link(0, 400); // the path got slow (a queue built up on it), not this host
        run(s, 1500, slow, quick, quick, random);
        assertEquals(400 * MS, s.pathRttNs(), "timers follow once ten slow answers came back");
        assertEquals(List.of(), events.switches, "not yet: 1.5 s of high RTT is not a degraded path");
        run(s, 15_000, slow, quick, quick, random);
        assertEquals(List.of("DEGRADED_PATH 7101 -> 7102"), events.switches);
        assertEquals(B, s.connected(0));
    }
}
