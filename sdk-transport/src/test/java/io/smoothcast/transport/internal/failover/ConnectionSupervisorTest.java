package io.smoothcast.transport.internal.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The connection state machine in virtual time, against scripted nodes. */
class ConnectionSupervisorTest {

    private static final long MS = 1_000_000L;
    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 7001);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 7002);
    private static final InetSocketAddress C = new InetSocketAddress("127.0.0.1", 7003);
    private static final long SESSION = 0x1234_5678_9ABCL;

    private final RecordingSender out = new RecordingSender();
    private final RecordingSupervisorEvents events = new RecordingSupervisorEvents();
    private long nowNs = 1_000 * MS;

    private ConnectionSupervisor supervisor(FailoverPolicy policy, InetSocketAddress... nodes) {
        return new ConnectionSupervisor(out, List.of(nodes), SESSION, new ControlMessage.Subscribe("show", 2, 0), 7,
                policy, events);
    }

    /** Answers the last request sent to {@code node} with {@code reply}, from that node. */
    private void answer(ConnectionSupervisor s, InetSocketAddress node, ControlMessage reply) {
        assertTrue(s.accepts(node, nowNs));
        s.onControl(node, ControlCodec.decode(Unpooled.wrappedBuffer(out.replyToLast(node, reply))), nowNs);
    }

    private void join(ConnectionSupervisor s, InetSocketAddress node) {
        answer(s, node, new ControlMessage.HelloAck(SESSION, 500, 5000, 1));
        answer(s, node, new ControlMessage.SubscribeAck("show", List.of()));
    }

    private ControlMessage lastTo(InetSocketAddress node) {
        List<RecordingSender.Sent> toNode = out.to(node);
        return ControlCodec.decode(Unpooled.wrappedBuffer(toNode.get(toNode.size() - 1).bytes())).message();
    }

    private void advance(ConnectionSupervisor s, long ms) {
        for (long i = 0; i < ms; i += 10) {
            nowNs += 10 * MS;
            s.onTick(nowNs);
        }
    }

    @Test
    void join_thenHeartbeatEveryInterval_notTheNodesSlowerOne() {
        ConnectionSupervisor s = supervisor(FailoverPolicy.defaults(), A, B);
        s.start(nowNs);
        assertEquals(new ControlMessage.Hello(SESSION, 100), lastTo(A));
        join(s, A);
        assertEquals(List.of("CONNECTED"), events.states);
        assertEquals(List.of("7001 joined"), events.accepted);
        out.drain();
        for (int i = 0; i < 10; i++) {
            advance(s, 100);
            s.accepts(A, nowNs); // the node answers every keepalive
        }
        long keepalives = out.to(A).stream().filter(x -> x.bytes()[2] == 0x04).count();
        assertEquals(10, keepalives, "one keepalive per 100 ms heartbeat");
        assertEquals(List.of("CONNECTED"), events.states, "a node that answers stays");
    }

    @Test
    void silentNode_reconnectingThenResumedOnTheNextNode_sameSession() {
        ConnectionSupervisor s = supervisor(FailoverPolicy.defaults(), A, B);
        s.start(nowNs);
        join(s, A);
        advance(s, 590);
        assertEquals(List.of("CONNECTED"), events.states, "within heartbeat + budget (no RTT sample yet)");
        advance(s, 20);
        assertEquals(List.of("CONNECTED", "RECONNECTING"), events.states);
        assertEquals(new ControlMessage.Hello(SESSION, 100), lastTo(B), "same session id on the next node");
        join(s, B);
        assertEquals(List.of("CONNECTED", "RECONNECTING", "CONNECTED"), events.states);
        assertEquals(List.of("7001 joined", "7002 resumed"), events.accepted);
        assertEquals(1, s.failovers());
        assertEquals(B, s.connected(0));
    }

    @Test
    void refusal_movesOnAtOnce_andTheRefusingNodeIsRemembered() {
        ConnectionSupervisor s = supervisor(FailoverPolicy.defaults(), A, B);
        s.start(nowNs);
        answer(s, A, new ControlMessage.HelloAck(SESSION, 500, 5000, 1));
        answer(s, A, new ControlMessage.Error(30, 0x03, "no such stream"));
        assertInstanceOf(ControlMessage.Hello.class, lastTo(B));
        assertEquals(1, s.roster().failureCount(A));
        join(s, B);
        assertEquals(List.of("CONNECTED"), events.states);
    }

    @Test
    void refusalByTheOnlyNode_reportsFailedAtOnceWithTheCode_notAfterTheGiveUpTime() {
        ConnectionSupervisor s = supervisor(FailoverPolicy.defaults(), A);
        s.start(nowNs);
        answer(s, A, new ControlMessage.HelloAck(SESSION, 500, 5000, 1));
        answer(s, A, new ControlMessage.Error(30, 0x03, "no such stream"));
        assertEquals(List.of("FAILED"), events.states, "the refusal is the answer; no give-up wait");
        // The node is named once, by the supervisor; ClientControl's reason reads on from it.
        assertEquals(List.of("node /127.0.0.1:7001 refused SUBSCRIBE: code 30 STREAM_NOT_FOUND no such stream"),
                events.reasons);
        assertEquals(1, s.roster().failureCount(A));
    }

    @Test
    void noNodeAnswers_failedAfterGiveUp_retriesWithBackoff_recoversWhenOneAnswers() {
        FailoverPolicy policy = FailoverPolicy.builder().joinTimeoutMs(200).backoffBaseMs(100).backoffMaxMs(400)
                .giveUpMs(2000).build();
        ConnectionSupervisor s = supervisor(policy, A);
        s.start(nowNs);
        advance(s, 1990);
        assertEquals(List.of(), events.states, "still CONNECTING");
        advance(s, 20);
        assertEquals(List.of("FAILED"), events.states);
        long hellos = out.to(A).stream().filter(x -> x.bytes()[2] == 0x01).count();
        // join attempts of 200 ms separated by backoffs of 100, 200, 400, 400 ms: 5 attempts in 2 s
        assertTrue(hellos >= 5, "kept retrying: " + hellos);
        advance(s, 1000);
        assertEquals(List.of("FAILED"), events.states, "FAILED is reported once");
        while (!(lastTo(A) instanceof ControlMessage.Hello)) {
            advance(s, 10);
        }
        join(s, A);
        assertEquals(List.of("FAILED", "CONNECTED"), events.states);
        int failures = s.roster().failureCount(A);
        assertTrue(failures >= 5, "accepting alone does not clear the failures: " + failures);
        for (long ms = 0; ms < FailoverPolicy.FAILURES_FORGOTTEN_AFTER_MS - 100; ms += 100) {
            advance(s, 100);
            s.accepts(A, nowNs); // the node answers every keepalive
        }
        assertEquals(failures, s.roster().failureCount(A), "not yet carried for the whole time");
        advance(s, 100);
        s.accepts(A, nowNs);
        assertEquals(0, s.roster().failureCount(A), "carried the client for a while: forgotten");
        assertEquals(List.of("FAILED", "CONNECTED"), events.states);
    }

    @Test
    void flappingNode_acceptingAndDyingAgain_keepsItsFailures_andRanksBehindANodeThatFailedOnce() {
        ConnectionSupervisor s = supervisor(FailoverPolicy.defaults(), A, B, C);
        s.start(nowNs);
        join(s, A);
        advance(s, 610); // A silent
        advance(s, 1510); // B never answers
        join(s, C);
        advance(s, 610); // C silent: each node failed once
        assertInstanceOf(ControlMessage.Hello.class, lastTo(A), "all failed once: list order, A");
        join(s, A); // the flapping A accepts...
        advance(s, 610); // ...and dies again
        assertInstanceOf(ControlMessage.Hello.class, lastTo(B));
        out.drain();
        advance(s, 1510); // B never answers again

        assertEquals(List.of(), out.to(A), "the flapping A is not tried for its place in the list");
        assertInstanceOf(ControlMessage.Hello.class, lastTo(C), "C failed once only");
        assertEquals(List.of(2, 2, 1), List.of(s.roster().failureCount(A), s.roster().failureCount(B),
                s.roster().failureCount(C)), "an acceptance alone cleared no failure");
    }

    @Test
    void redundant_twoPathsAtOnce_losingOneKeepsConnected() {
        ConnectionSupervisor s = supervisor(FailoverPolicy.builder().redundant(true).build(), A, B);
        s.start(nowNs);
        join(s, A);
        join(s, B);
        assertEquals(2, s.connectedCount());
        assertEquals(A, s.connected(0));
        for (int i = 0; i < 100; i++) {
            advance(s, 10);
            s.accepts(B, nowNs); // only B still talks
        }
        assertEquals(1, s.connectedCount());
        assertEquals(B, s.connected(0));
        assertTrue(s.isPrimary(B));
        assertEquals(List.of("CONNECTED"), events.states, "never without a node");
        assertEquals(0, s.failovers());
    }

    @Test
    void nodeThatForgotTheSession_answersTheKeepaliveWithNotJoined_andIsLeft() {
        ConnectionSupervisor s = supervisor(FailoverPolicy.defaults(), A, B);
        s.start(nowNs);
        join(s, A);
        advance(s, 100); // a keepalive goes out
        assertInstanceOf(ControlMessage.Keepalive.class, lastTo(A));
        // A restarted at the same address: it answers, but with NOT_JOINED (PROTOCOL.md 3).
        answer(s, A, new ControlMessage.Error(20, ControlMessage.KEEPALIVE, ""));
        assertEquals(List.of("CONNECTED", "RECONNECTING"), events.states);
        assertEquals("node /127.0.0.1:7001 does not know the session (restarted or expired it)", events.reasons.get(1));
        assertEquals(new ControlMessage.Hello(SESSION, 100), lastTo(B));
    }

    @Test
    void clientsOwnStall_isNotTakenForTheNodesSilence() {
        ConnectionSupervisor s = supervisor(FailoverPolicy.defaults(), A, B);
        s.start(nowNs);
        join(s, A);
        advance(s, 100);
        nowNs += 2000 * MS; // the client's thread was descheduled for 2 s
        s.onTick(nowNs);
        assertEquals(List.of("CONNECTED"), events.states, "the node's datagrams are still unread");
        advance(s, 590);
        assertEquals(List.of("CONNECTED"), events.states);
        advance(s, 30);
        assertEquals(List.of("CONNECTED", "RECONNECTING"), events.states, "real silence is still detected");
    }

    @Test
    void datagramsFromOtherAddresses_areNotAccepted() {
        ConnectionSupervisor s = supervisor(FailoverPolicy.defaults(), A, B);
        s.start(nowNs);
        assertTrue(s.accepts(A, nowNs));
        assertEquals(false, s.accepts(B, nowNs), "B is not joined");
        assertEquals(false, s.accepts(new InetSocketAddress("127.0.0.1", 9), nowNs));
    }

    @Test
    void keepalivesOnly_lostAnswers_oneOrTwoInARowAreSurvived_threeAreNot() {
        ConnectionSupervisor s = supervisor(FailoverPolicy.defaults(), A, B);
        s.start(nowNs);
        join(s, A);
        int keepalives = 0;
        int answered = 0;
        int lastSeen = out.to(A).size();
        for (int tick = 0; tick < 600; tick++) { // 6 s: every fourth answer lost, once two in a row
            advance(s, 10);
            if (out.to(A).size() == lastSeen) {
                continue;
            }
            lastSeen = out.to(A).size();
            if (lastTo(A) instanceof ControlMessage.Keepalive k) {
                keepalives++;
                if (keepalives % 4 != 0 && keepalives != 41) {
                    answer(s, A, new ControlMessage.KeepaliveAck(k.sequence()));
                    answered++;
                }
            }
        }
        assertTrue(keepalives >= 59 && answered < keepalives * 4 / 5, keepalives + " keepalives, " + answered + " " + events.states);
        assertEquals(List.of("CONNECTED"), events.states, "lost keepalive answers are not a dead node");
        advance(s, 400); // three answers in a row missing
        assertEquals(List.of("CONNECTED", "RECONNECTING"), events.states);
    }

    @Test
    void publisherSearch_isCalledOff_whenThePublisherAppearsOnTheCurrentNodeMeanwhile() {
        List<io.smoothcast.transport.internal.control.Track> tracks = List.of(new io.smoothcast.transport.internal
                .control.Track(0x100, 0x101, 96, 97, io.smoothcast.transport.MediaKind.VIDEO, 0, 90_000, 1_000_000));
        ConnectionSupervisor s = supervisor(FailoverPolicy.defaults(), A, B);
        s.start(nowNs);
        answer(s, A, new ControlMessage.HelloAck(SESSION, 500, 5000, 1));
        answer(s, A, new ControlMessage.SubscribeAck("show", tracks));
        advance(s, 300);
        // The publisher leaves A (a cascading node refetches it a moment later): the viewer, which
        // had the stream just now, asks B at once.
        s.accepts(A, nowNs);
        s.onControl(A, decoded(new ControlMessage.StreamInfo("show", List.of())), nowNs);
        advance(s, 300);
        assertInstanceOf(ControlMessage.Hello.class, lastTo(B), "B asked");
        s.accepts(A, nowNs);
        s.onControl(A, decoded(new ControlMessage.StreamInfo("show", tracks)), nowNs);
        assertInstanceOf(ControlMessage.Leave.class, lastTo(B), "the search is called off");
        assertEquals(A, s.connected(0));
        assertEquals(0, s.switches());
    }

    private static DecodeResult decoded(ControlMessage message) {
        ByteBuf datagram = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, 0, new byte[0], message);
        try {
            return ControlCodec.decode(datagram);
        } finally {
            datagram.release();
        }
    }
}
