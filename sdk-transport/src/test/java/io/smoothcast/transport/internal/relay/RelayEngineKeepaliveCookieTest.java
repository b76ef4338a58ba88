package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.rtp.NackWriter;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Once a client's KEEPALIVEs echo its cookie, where the node checks cookies, only messages that
 * echo it keep its session alive: an off-path sender using a departed subscriber's address must
 * not hold its session, and the media sent to that address, open forever. An older client
 * (keepalives without a cookie) is kept alive as before. Virtual time.
 */
class RelayEngineKeepaliveCookieTest extends RelayCookieFixture {

    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);

    @Test
    void spoofedKeepalivesAndFeedback_doNotKeepADepartedViewersSessionAlive() {
        engine = engine(true);
        long publisherCookie = join(PUBLISHER, 5000, new ControlMessage.Publish("show", List.of(VIDEO)));
        long viewerCookie = join(VIEWER, 6000, new ControlMessage.Subscribe("show", 2, 0));
        control(VIEWER, new ControlMessage.Keepalive(1, viewerCookie));
        assertInstanceOf(ControlMessage.KeepaliveAck.class, out.takeOnlyReplyTo(VIEWER));

        // The viewer is gone; a spoofer keeps sending from its address for three session timeouts.
        for (int second = 1; second <= 3 * SESSION_TIMEOUT_MS / 1000; second++) {
            nowNs += SECOND_NS;
            control(PUBLISHER, new ControlMessage.Keepalive(second, publisherCookie));
            control(VIEWER, new ControlMessage.Keepalive(second));
            control(VIEWER, new ControlMessage.Keepalive(second, viewerCookie + 1));
            receive(receiverFeedback(), VIEWER);
            engine.onTick(nowNs);
        }

        assertEquals(0, counters.get(RelayCounter.SUBSCRIBERS), "the viewer's session expired");
        assertEquals(1, counters.get(RelayCounter.SESSIONS_EXPIRED));
        assertEquals(1, counters.get(RelayCounter.PUBLISHERS), "the publisher's keepalives keep it");
        // Each keepalive without the right cookie counted (2 a second) until the tick that found
        // the session silent for longer than its timeout.
        assertEquals(2 * (SESSION_TIMEOUT_MS / 1000 + 1), counters.get(RelayCounter.ROUTABILITY_FAILED));
    }

    @Test
    void keepaliveWithoutTheCookie_isStillAnswered_noLargerThanItself() {
        engine = engine(true);
        long cookie = join(VIEWER, 6000, new ControlMessage.Subscribe("show", 2, 0));
        control(VIEWER, new ControlMessage.Keepalive(1, cookie));
        out.drain();

        byte[] keepalive = datagram(0, new ControlMessage.Keepalive(2));
        receive(keepalive, VIEWER);

        List<RecordingSender.Sent> answers = out.to(VIEWER);
        assertEquals(1, answers.size());
        assertTrue(answers.get(0).bytes().length <= keepalive.length, "no amplification");
        assertEquals(1, counters.get(RelayCounter.ROUTABILITY_FAILED));
    }

    @Test
    void aFloodFromTheViewersAddressOverItsControlCap_doesNotCrowdOutTheKeepalivesThatKeepItAlive() {
        // 20 control messages a second, bursts of 10: the flood below takes them all.
        engine = new RelayEngine(new RelayConfig(7, 500, SESSION_TIMEOUT_MS, 64, 200, 10, 100, null), out, counters,
                new RelaySecurity(null, new ReturnRoutability(new SecureRandom()), null, Integer.MAX_VALUE,
                        new PeerRateLimits(100, 400_000, 100, 20, 10), null));
        long cookie = join(VIEWER, 6000, new ControlMessage.Subscribe("show", 2, 0));
        control(VIEWER, new ControlMessage.Keepalive(1000, cookie)); // the viewer's first: the cookie checked once
        for (int second = 1; second <= 3 * SESSION_TIMEOUT_MS / 1000; second++) {
            nowNs += SECOND_NS;
            for (int i = 0; i < 50; i++) {
                control(VIEWER, new ControlMessage.Keepalive(i));
                receive(receiverFeedback(), VIEWER);
            }
            control(VIEWER, new ControlMessage.Keepalive(1000 + second, cookie));
            engine.onTick(nowNs);
        }
        assertTrue(counters.get(RelayCounter.PEER_CONTROL_RATE_LIMITED) > 0);
        assertEquals(1, counters.get(RelayCounter.SUBSCRIBERS));
    }

    @Test
    void keepalivesEchoingTheCookie_keepTheSessionAlive() {
        engine = engine(true);
        long cookie = join(VIEWER, 6000, new ControlMessage.Subscribe("show", 2, 0));
        viewerKeepsAliveForThreeTimeouts(cookie);
        assertEquals(1, counters.get(RelayCounter.SUBSCRIBERS));
        assertEquals(0, counters.get(RelayCounter.ROUTABILITY_FAILED));
    }

    @Test
    void olderClientsKeepalivesWithoutACookie_keepItsSessionAlive_asBefore() {
        engine = engine(true);
        join(VIEWER, 6000, new ControlMessage.Subscribe("show", 2, 0));
        viewerKeepsAliveForThreeTimeouts(0);
        assertEquals(1, counters.get(RelayCounter.SUBSCRIBERS));
        assertEquals(0, counters.get(RelayCounter.ROUTABILITY_FAILED));
    }

    @Test
    void aTakeoverForgetsThatTheOldClientsKeepalivesEchoedTheCookie() {
        engine = engine(true);
        long cookie = join(VIEWER, 6000, new ControlMessage.Subscribe("show", 2, 0));
        control(VIEWER, new ControlMessage.Keepalive(1, cookie));
        out.drain();
        // An older client restarts on the address: its keepalives never carry a cookie.
        join(VIEWER, 7777, new ControlMessage.Subscribe("show", 2, 0));
        assertEquals(1, counters.get(RelayCounter.SESSION_TAKEOVERS));
        viewerKeepsAliveForThreeTimeouts(0);
        assertEquals(1, counters.get(RelayCounter.SUBSCRIBERS));
    }

    @Test
    void aNewConversationOnTheSessionsOwnId_keepsTheSessionAliveBetweenItsHelloAndItsRoleRequest() {
        // A cascading node's upstream session (or a client back on a node it left without LEAVE):
        // its keepalives echoed the cookie, then its last subscription ended with a LEAVE of the
        // stream, and 4.5 s later a new conversation under the same session id begins.
        engine = engine(true);
        long cookie = join(VIEWER, 6000, new ControlMessage.Subscribe("show", 2, 0));
        control(VIEWER, new ControlMessage.Keepalive(1, cookie));
        control(VIEWER, new ControlMessage.Leave("show", cookie));
        out.drain();
        nowNs += 4500 * 1_000_000L;
        receive(datagram(1 << 16, new ControlMessage.Hello(6000, 500)), VIEWER);
        assertEquals(cookie, ((ControlMessage.HelloAck) out.takeOnlyReplyTo(VIEWER)).cookie());

        // The HELLO_ACK's round trip spans the session timeout counted from the LEAVE.
        nowNs += SECOND_NS;
        engine.onTick(nowNs);
        receive(datagram((1 << 16) + 1, new ControlMessage.Subscribe("other", 2, 0).withCookie(cookie)), VIEWER);

        assertInstanceOf(ControlMessage.SubscribeAck.class, out.takeOnlyReplyTo(VIEWER),
                "the HELLO of the session's own id kept it: no NOT_JOINED for the SUBSCRIBE its answer released");
        assertEquals(0, counters.get(RelayCounter.SESSIONS_EXPIRED));
    }

    @Test
    void withoutCookies_keepalivesKeepTheSessionAlive_asBefore() {
        engine = engine(false);
        join(VIEWER, 6000, new ControlMessage.Subscribe("show", 2, 0));
        viewerKeepsAliveForThreeTimeouts(0);
        assertEquals(1, counters.get(RelayCounter.SUBSCRIBERS));
    }

    /** A keepalive from the viewer every second for three session timeouts, echoing {@code cookie} (0: none). */
    private void viewerKeepsAliveForThreeTimeouts(long cookie) {
        for (int second = 1; second <= 3 * SESSION_TIMEOUT_MS / 1000; second++) {
            nowNs += SECOND_NS;
            control(VIEWER, new ControlMessage.Keepalive(second, cookie));
            engine.onTick(nowNs);
        }
    }

    private void control(InetSocketAddress client, ControlMessage message) {
        control(client, 0, message);
    }

    /** A NACK from the viewer's address: feedback anyone can send. */
    private static byte[] receiverFeedback() {
        byte[] nack = new byte[64];
        int length = NackWriter.writeLost(nack, 0, nack.length, 0x5555, VIDEO.ssrc(), new int[] {7}, 1);
        return Arrays.copyOf(nack, length);
    }
}
