package io.smoothcast.transport.internal.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.smoothcast.security.TokenClaims;
import io.smoothcast.security.TokenIssuer;
import io.smoothcast.security.TokenKey;
import io.smoothcast.security.TokenRole;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.internal.client.WallClockMapping;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.control.ErrorCode;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Token renewal, token refusals and the expiry warning, in virtual time against scripted nodes. */
class ConnectionSupervisorTokenTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 7001);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 7002);
    private static final long SESSION = 0x1234_5678_9ABCL;
    /** Unix time at virtual time 0, in seconds. */
    private static final long EPOCH_S = 1_800_000_000L;

    private final RecordingSender out = new RecordingSender();
    private final RecordingSupervisorEvents events = new RecordingSupervisorEvents();
    private long nowNs = 1_000 * MS;

    private ConnectionSupervisor supervisor(InetSocketAddress... nodes) {
        ConnectionSupervisor s = new ConnectionSupervisor(out, List.of(nodes), SESSION,
                new ControlMessage.Subscribe("show", 2, 0), 7, FailoverPolicy.defaults(), events);
        s.useToken(ascii("old-token"));
        return s;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private void answer(ConnectionSupervisor s, InetSocketAddress node, ControlMessage reply) {
        assertTrue(s.accepts(node, nowNs));
        s.onControl(node, ControlCodec.decode(Unpooled.wrappedBuffer(out.replyToLast(node, reply))), nowNs);
    }

    private void helloAck(ConnectionSupervisor s, InetSocketAddress node) {
        answer(s, node, new ControlMessage.HelloAck(SESSION, 500, 5000, 1));
    }

    private void join(ConnectionSupervisor s, InetSocketAddress node) {
        helloAck(s, node);
        answer(s, node, new ControlMessage.SubscribeAck("show", List.of()));
    }

    private void refuseToken(ConnectionSupervisor s, InetSocketAddress node) {
        answer(s, node, new ControlMessage.Error(ErrorCode.TOKEN_EXPIRED.value(), ControlMessage.SUBSCRIBE,
                "token expired"));
    }

    private DecodeResult lastTo(InetSocketAddress node) {
        List<RecordingSender.Sent> toNode = out.to(node);
        return ControlCodec.decode(Unpooled.wrappedBuffer(toNode.get(toNode.size() - 1).bytes()));
    }

    /** The token of the last SUBSCRIBE sent to {@code node}. */
    private String lastSubscribeToken(InetSocketAddress node) {
        DecodeResult last = lastTo(node);
        assertInstanceOf(ControlMessage.Subscribe.class, last.message());
        return new String(last.token(), StandardCharsets.US_ASCII);
    }

    private long hellosTo(InetSocketAddress node) {
        return out.to(node).stream().filter(x -> x.bytes()[2] == 0x01).count();
    }

    private void advance(ConnectionSupervisor s, long ms) {
        for (long i = 0; i < ms; i += 10) {
            nowNs += 10 * MS;
            s.onTick(nowNs);
        }
    }

    @Test
    void renewedToken_goesWithTheSubscribeOfTheNextNode_afterAFailover() {
        ConnectionSupervisor s = supervisor(A, B);
        s.start(nowNs);
        helloAck(s, A);
        assertEquals("old-token", lastSubscribeToken(A));
        answer(s, A, new ControlMessage.SubscribeAck("show", List.of()));
        s.renewToken(ascii("new-token"), nowNs);
        advance(s, 1000); // A goes silent
        assertEquals(List.of("CONNECTED", "RECONNECTING"), events.states);
        helloAck(s, B);
        assertEquals("new-token", lastSubscribeToken(B));
    }

    @Test
    void renewedToken_goesWithARenewedSubscribe_onTheNodeThatCarriesTheClient() {
        ConnectionSupervisor s = supervisor(A);
        s.start(nowNs);
        join(s, A);
        s.renewToken(ascii("new-token"), nowNs);
        out.drain();
        s.onMediaForUnknownTrack(0, nowNs); // asks the node for its tracks again: a SUBSCRIBE
        assertEquals("new-token", lastSubscribeToken(A));
    }

    @Test
    void renewedToken_goesWithTheSubscribeOfAJoinUnderWay() {
        ConnectionSupervisor s = supervisor(A);
        s.start(nowNs);
        s.renewToken(ascii("new-token"), nowNs); // the HELLO is out, the SUBSCRIBE not yet
        helloAck(s, A);
        assertEquals("new-token", lastSubscribeToken(A));
    }

    @Test
    void tokenRefusal_isReported_heldOffUntilRenewal_thenRetriedAtOnce_andAccepted() {
        ConnectionSupervisor s = supervisor(A);
        s.start(nowNs);
        helloAck(s, A);
        refuseToken(s, A);
        assertEquals(List.of("7001 TOKEN_EXPIRED"), events.tokenRefusals);
        assertEquals(List.of("FAILED"), events.states);
        assertEquals("node /127.0.0.1:7001 refused SUBSCRIBE: code 11 TOKEN_EXPIRED token expired",
                events.reasons.get(0));
        advance(s, 50);
        assertEquals(1, hellosTo(A), "held off by the backoff");

        s.renewToken(ascii("new-token"), nowNs);

        assertEquals(2, hellosTo(A), "asked again at once, not after the backoff");
        helloAck(s, A);
        assertEquals("new-token", lastSubscribeToken(A));
        answer(s, A, new ControlMessage.SubscribeAck("show", List.of()));
        assertEquals(List.of("FAILED", "CONNECTED"), events.states);
    }

    @Test
    void tokenRefusalsAtTheBackoffCap_eachReported_andARenewalEndsTheWait() {
        ConnectionSupervisor s = supervisor(A);
        s.start(nowNs);
        for (int i = 0; i < 6; i++) { // the backoff grows to its cap
            helloAck(s, A);
            refuseToken(s, A);
            long hellos = hellosTo(A);
            while (hellosTo(A) == hellos) {
                advance(s, 10);
            }
        }
        assertEquals(6, events.tokenRefusals.size(), "every refusal of the current token is told");
        helloAck(s, A);
        refuseToken(s, A);
        long hellos = hellosTo(A);
        advance(s, 500);
        assertEquals(hellos, hellosTo(A));
        s.renewToken(ascii("new-token"), nowNs);
        assertEquals(hellos + 1, hellosTo(A));
    }

    @Test
    void refusalOfAReplacedToken_isNotReported_theSubscribeGoesAgainAtOnceWithTheNewOne() {
        ConnectionSupervisor s = supervisor(A);
        s.start(nowNs);
        helloAck(s, A); // the SUBSCRIBE with the old token is out
        DecodeResult oldCopy = lastTo(A);
        s.renewToken(ascii("new-token"), nowNs);
        assertEquals("new-token", lastSubscribeToken(A), "sent again at once");
        assertTrue(lastTo(A).requestId() != oldCopy.requestId(), "under a new request id");

        // The node's answer to the old token's copy answers nothing the client still asks.
        assertTrue(s.accepts(A, nowNs));
        s.onControl(A, ControlCodec.decode(Unpooled.wrappedBuffer(RecordingSender.controlDatagram(
                oldCopy.requestId(), new ControlMessage.Error(ErrorCode.TOKEN_EXPIRED.value(),
                        ControlMessage.SUBSCRIBE, "token expired")))), nowNs);
        assertEquals(List.of(), events.tokenRefusals, "the app already replaced that token");
        assertEquals(List.of(), events.states, "not stuck");
        assertEquals(1, hellosTo(A), "the join goes on");
        answer(s, A, new ControlMessage.SubscribeAck("show", List.of()));
        assertEquals(List.of("CONNECTED"), events.states);
    }

    @Test
    void refusalOfTheNewToken_afterARenewalDuringTheJoin_isReported_andBackedOff() {
        ConnectionSupervisor s = supervisor(A);
        s.start(nowNs);
        s.renewToken(ascii("new-token"), nowNs); // the HELLO is out, the SUBSCRIBE not yet
        helloAck(s, A);
        assertEquals("new-token", lastSubscribeToken(A));
        refuseToken(s, A); // the new token is refused too

        assertEquals(List.of("FAILED"), events.states);
        assertReportedOnce_andHeldOff(s, "7001 TOKEN_EXPIRED");
    }

    @Test
    void refusalOfTheNewToken_afterARenewalWhileTheSubscribeWasOut_isReported_andBackedOff() {
        ConnectionSupervisor s = supervisor(A);
        s.start(nowNs);
        helloAck(s, A); // the SUBSCRIBE with the old token is out
        s.renewToken(ascii("new-token"), nowNs);
        refuseToken(s, A); // the answer to the new token's copy

        assertEquals(List.of("FAILED"), events.states);
        assertReportedOnce_andHeldOff(s, "7001 TOKEN_EXPIRED");
    }

    @Test
    void refusalOfTheNewToken_inARenewedSubscribe_onTheNodeThatCarriesTheClient_isReported() {
        ConnectionSupervisor s = supervisor(A);
        s.start(nowNs);
        join(s, A);
        s.onMediaForUnknownTrack(0, nowNs); // a renewed SUBSCRIBE, with the old token, is out
        s.renewToken(ascii("new-token"), nowNs);
        assertEquals("new-token", lastSubscribeToken(A));
        answer(s, A, new ControlMessage.Error(ErrorCode.FORBIDDEN.value(), ControlMessage.SUBSCRIBE,
                "another stream"));

        assertReportedOnce_andHeldOff(s, "7001 FORBIDDEN");
    }

    /** A refusal of the current token: told, counted, and A is not asked again at once. */
    private void assertReportedOnce_andHeldOff(ConnectionSupervisor s, String refusal) {
        assertEquals(List.of(refusal), events.tokenRefusals);
        assertEquals(1, s.tokenRefusals());
        advance(s, 50);
        assertEquals(1, hellosTo(A), "held off by the token backoff, not asked again at once");
    }

    @Test
    void otherRefusals_areNoTokenRefusal_andARenewalDoesNotCutTheirBackoff() {
        ConnectionSupervisor s = supervisor(A);
        s.start(nowNs);
        helloAck(s, A);
        answer(s, A, new ControlMessage.Error(ErrorCode.STREAM_NOT_FOUND.value(), ControlMessage.SUBSCRIBE,
                "no such stream"));
        assertEquals(List.of("FAILED"), events.states);
        assertEquals(List.of(), events.tokenRefusals);
        s.renewToken(ascii("new-token"), nowNs);
        assertEquals(1, hellosTo(A), "the node's backoff still runs");
    }

    @Test
    void renewalAfterLeave_joinsNothing() {
        ConnectionSupervisor s = supervisor(A);
        s.start(nowNs);
        helloAck(s, A);
        refuseToken(s, A);
        s.leave(nowNs);
        s.renewToken(ascii("new-token"), nowNs);
        assertEquals(1, hellosTo(A));
    }

    @Test
    void tokenRefusals_leaveTheNodesRanking_asIfTheyHadNotHappened_onceRenewed() {
        ConnectionSupervisor s = supervisor(A, B);
        s.start(nowNs);
        helloAck(s, A);
        refuseToken(s, A);
        assertEquals(0, s.roster().failureCount(A), "a refusal of the token is no failure of the node");
        assertFalse(s.roster().isHeldDown(A, nowNs));
        helloAck(s, B); // B was tried meanwhile
        refuseToken(s, B);
        assertEquals(2, s.tokenRefusals());
        s.renewToken(ascii("new-token"), nowNs);
        join(s, A);
        assertEquals(List.of(0, 0), List.of(s.roster().failureCount(A), s.roster().failureCount(B)));
        advance(s, 1000); // A goes silent: its first real failure, held down for the base time only
        assertEquals(1, s.roster().failureCount(A));
        assertTrue(s.roster().isHeldDown(A, nowNs));
        assertFalse(s.roster().isHeldDown(A, nowNs + FailoverPolicy.FAILED_NODE_HOLD_DOWN_MS * MS), "not doubled");
    }

    /**
     * A node that keeps refusing the same token, answering at once: the client's requests per
     * minute to it. The node would refuse every one of them until the token is renewed.
     */
    @Test
    void aRefusedClient_asksItsNodeAboutTwiceAMinute_notFifteenTimes() {
        ConnectionSupervisor s = supervisor(A);
        s.start(nowNs);
        long firstMinuteHellos = refusingFor(s, 60_000);
        long secondMinuteHellos = refusingFor(s, 60_000);
        assertEquals(2, secondMinuteHellos, "at the token backoff's cap, 30 s");
        assertTrue(firstMinuteHellos <= 10, "the backoff from 250 ms doubles: " + firstMinuteHellos);
        assertEquals(firstMinuteHellos + secondMinuteHellos, s.tokenRefusals(), "each refusal counted");
        assertEquals(s.tokenRefusals(), events.tokenRefusals.size(), "and told");
        s.renewToken(ascii("new-token"), nowNs);
        assertEquals("new-token", answerHelloAndTakeSubscribeToken(s));
    }

    /** Lets the node refuse every SUBSCRIBE for {@code ms}; returns the HELLOs it got meanwhile. */
    private long refusingFor(ConnectionSupervisor s, long ms) {
        long hellos = 0;
        long endNs = nowNs + ms * MS;
        while (nowNs - endNs < 0) {
            if (out.to(A).isEmpty()) {
                nowNs += 10 * MS;
                s.onTick(nowNs);
                continue;
            }
            ControlMessage last = lastTo(A).message();
            ControlMessage reply = last instanceof ControlMessage.Hello ? new ControlMessage.HelloAck(SESSION, 500, 5000, 1)
                    : last instanceof ControlMessage.Subscribe ? new ControlMessage.Error(ErrorCode.TOKEN_EXPIRED.value(),
                            ControlMessage.SUBSCRIBE, "token expired") : null;
            byte[] answer = reply == null ? null : out.replyToLast(A, reply);
            out.drain(); // a LEAVE after the refusal needs no answer
            if (answer != null) {
                hellos += last instanceof ControlMessage.Hello ? 1 : 0;
                s.onControl(A, ControlCodec.decode(Unpooled.wrappedBuffer(answer)), nowNs);
            }
        }
        return hellos;
    }

    private String answerHelloAndTakeSubscribeToken(ConnectionSupervisor s) {
        assertInstanceOf(ControlMessage.Hello.class, lastTo(A).message());
        helloAck(s, A);
        return lastSubscribeToken(A);
    }

    // ---------------------------------------------------------------------- expiry warning

    private static String issued(long expiresAtEpochSeconds) {
        return new TokenIssuer(TokenKey.of("k1", new byte[32]))
                .issue(TokenClaims.builder("show", TokenRole.SUBSCRIBE, expiresAtEpochSeconds).build());
    }

    private ConnectionSupervisor watching(String token, long leadMs) {
        ConnectionSupervisor s = supervisor(A);
        s.useToken(ascii(token));
        s.watchTokenExpiry(WallClockMapping.offset(EPOCH_S * S), leadMs * MS);
        s.start(nowNs);
        join(s, A);
        return s;
    }

    /** Ticks every 100 ms until {@code unixSeconds} (virtual), the node answering. */
    private void runUntil(ConnectionSupervisor s, long unixSeconds) {
        while (EPOCH_S * S + nowNs < unixSeconds * S) {
            nowNs += 100 * MS;
            s.onTick(nowNs);
            s.accepts(A, nowNs);
            out.drain(); // keepalives, not looked at
        }
    }

    @Test
    void expiryWarning_onceAtTheLeadBeforeTheTokensOwnExpiry() {
        long expiry = EPOCH_S + 120;
        ConnectionSupervisor s = watching(issued(expiry), 30_000);
        runUntil(s, expiry - 30 - 1);
        assertEquals(List.of(), events.tokenExpiring, "31 s before: not yet");
        runUntil(s, expiry - 30);
        assertEquals(List.of(expiry), events.tokenExpiring, "at the first tick from 30 s before");
        runUntil(s, expiry + 60);
        assertEquals(List.of(expiry), events.tokenExpiring, "once per token");
    }

    @Test
    void expiryWarning_comesAgainForARenewedToken_andAtOnceForOneWithLessThanTheLeadLeft() {
        long first = EPOCH_S + 40;
        ConnectionSupervisor s = watching(issued(first), 30_000);
        runUntil(s, first - 20);
        assertEquals(List.of(first), events.tokenExpiring);
        long second = EPOCH_S + 300;
        s.renewToken(ascii(issued(second)), nowNs);
        runUntil(s, second - 31);
        assertEquals(List.of(first), events.tokenExpiring);
        runUntil(s, second - 29);
        assertEquals(List.of(first, second), events.tokenExpiring);
        long shortLived = EPOCH_S + nowNs / S + 10; // already within the lead
        s.renewToken(ascii(issued(shortLived)), nowNs);
        advance(s, 10);
        assertEquals(List.of(first, second, shortLived), events.tokenExpiring);
    }

    @Test
    void noExpiryWarning_forATokenWhoseExpiryCannotBeRead() {
        ConnectionSupervisor s = watching("an-opaque.token-of-the-app", 30_000);
        runUntil(s, EPOCH_S + 600);
        assertEquals(List.of(), events.tokenExpiring);
        assertEquals(List.of("CONNECTED"), events.states, "and no failure either");
    }
}
