package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A LEAVE must echo the session's cookie where the node checks cookies, as PUBLISH and SUBSCRIBE
 * do: anyone can put a joined client's address on a datagram, and one LEAVE would otherwise end
 * its session or one of its roles. Virtual time.
 */
class RelayEngineLeaveCookieTest {

    private static final InetSocketAddress PUBLISHER = new InetSocketAddress("127.0.0.1", 5000);
    private static final InetSocketAddress VIEWER = new InetSocketAddress("127.0.0.1", 6000);
    private static final Track VIDEO = new Track(0x1111, 0x2222, 96, 97, MediaKind.VIDEO, 0, 90_000, 1_000_000);
    private static final int SESSION_TIMEOUT_MS = 5000;

    private final RecordingSender out = new RecordingSender();
    private final RelayCounters counters = new RelayCounters();
    private RelayEngine engine;
    private long nowNs = TimeUnit.SECONDS.toNanos(100);

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void spoofedLeaveOfTheWholeSession_withoutTheCookie_isIgnoredAndCounted() {
        engine = engine(true);
        long viewerCookie = join(VIEWER, 6000, new ControlMessage.Subscribe("show", 2, 0));

        control(VIEWER, 0, new ControlMessage.Leave(""));
        control(VIEWER, 0, new ControlMessage.Leave("", viewerCookie + 1));

        assertEquals(1, counters.get(RelayCounter.SESSIONS));
        assertEquals(1, counters.get(RelayCounter.SUBSCRIBERS));
        assertEquals(2, counters.get(RelayCounter.ROUTABILITY_FAILED));
        assertTrue(out.to(VIEWER).isEmpty(), "a LEAVE is never answered");

        control(VIEWER, 0, new ControlMessage.Leave("", viewerCookie));
        assertEquals(0, counters.get(RelayCounter.SESSIONS));
        assertEquals(0, counters.get(RelayCounter.SUBSCRIBERS));
    }

    @Test
    void spoofedLeaveOfAPublishedStream_doesNotEndTheBroadcast() {
        engine = engine(true);
        long publisherCookie = join(PUBLISHER, 5000, new ControlMessage.Publish("show", List.of(VIDEO)));
        join(VIEWER, 6000, new ControlMessage.Subscribe("show", 2, 0));

        control(PUBLISHER, 0, new ControlMessage.Leave("show"));

        assertEquals(1, counters.get(RelayCounter.PUBLISHERS));
        assertTrue(out.to(VIEWER).isEmpty(), "the viewer is not told the stream ended");

        control(PUBLISHER, 0, new ControlMessage.Leave("show", publisherCookie));
        assertEquals(0, counters.get(RelayCounter.PUBLISHERS));
        ControlMessage.StreamInfo info = assertInstanceOf(ControlMessage.StreamInfo.class, out.takeOnlyReplyTo(VIEWER));
        assertEquals(List.of(), info.tracks());
    }

    @Test
    void refusedLeave_doesNotKeepTheSessionAlive_itExpiresAsIfTheLeaveWereLost() {
        engine = engine(true);
        join(VIEWER, 6000, new ControlMessage.Subscribe("show", 2, 0));
        long lastHeardNs = nowNs;

        // An old client's LEAVE (no cookie), near the end of the session timeout.
        nowNs += TimeUnit.MILLISECONDS.toNanos(SESSION_TIMEOUT_MS - 100);
        control(VIEWER, 0, new ControlMessage.Leave(""));
        nowNs = lastHeardNs + TimeUnit.MILLISECONDS.toNanos(SESSION_TIMEOUT_MS + 1);
        engine.onTick(nowNs);

        assertEquals(0, counters.get(RelayCounter.SESSIONS));
        assertEquals(1, counters.get(RelayCounter.SESSIONS_EXPIRED));
    }

    @Test
    void leaveEchoingTheCookieOfAHeldSessionId_takesTheSessionOverAndLeaves() {
        engine = engine(true);
        join(VIEWER, 6000, new ControlMessage.Subscribe("show", 2, 0));
        long newCookie = hello(VIEWER, 1, 7777);

        control(VIEWER, 0, new ControlMessage.Leave("", newCookie));

        assertEquals(1, counters.get(RelayCounter.SESSION_TAKEOVERS));
        assertEquals(0, counters.get(RelayCounter.SESSIONS));
    }

    @Test
    void withoutCookies_aLeaveWithoutOneEndsTheSession_asBefore() {
        engine = engine(false);
        join(VIEWER, 6000, new ControlMessage.Subscribe("show", 2, 0));

        control(VIEWER, 0, new ControlMessage.Leave(""));

        assertEquals(0, counters.get(RelayCounter.SESSIONS));
        assertEquals(0, counters.get(RelayCounter.ROUTABILITY_FAILED));
    }

    private RelayEngine engine(boolean cookies) {
        return new RelayEngine(new RelayConfig(7, 500, SESSION_TIMEOUT_MS, 64, 200, 10, 100, null), out, counters,
                new RelaySecurity(null, cookies ? new ReturnRoutability(new SecureRandom()) : null, null,
                        Integer.MAX_VALUE));
    }

    /** HELLO, then the role request echoing the cookie: returns the cookie (0 without cookies). */
    private long join(InetSocketAddress client, long sessionId, ControlMessage roleRequest) {
        long cookie = hello(client, 1, sessionId);
        ControlMessage request = roleRequest instanceof ControlMessage.Publish publish ? publish.withCookie(cookie)
                : ((ControlMessage.Subscribe) roleRequest).withCookie(cookie);
        control(client, 2, request);
        ControlMessage answer = out.takeOnlyReplyTo(client);
        assertTrue(answer instanceof ControlMessage.PublishAck || answer instanceof ControlMessage.SubscribeAck,
                answer.toString());
        out.drain();
        return cookie;
    }

    private long hello(InetSocketAddress client, int requestId, long sessionId) {
        control(client, requestId, new ControlMessage.Hello(sessionId, 500));
        return ((ControlMessage.HelloAck) out.takeOnlyReplyTo(client)).cookie();
    }

    private void control(InetSocketAddress client, int requestId, ControlMessage message) {
        ByteBuf datagram = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, requestId, new byte[0], message);
        engine.onDatagram(datagram, client, nowNs);
        datagram.release();
    }
}
