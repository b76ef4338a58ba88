package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.transport.internal.control.ControlMessage;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A LEAVE must echo the session's cookie where the node checks cookies, as PUBLISH and SUBSCRIBE
 * do: anyone can put a joined client's address on a datagram, and one LEAVE would otherwise end
 * its session or one of its roles. Virtual time.
 */
class RelayEngineLeaveCookieTest extends RelayCookieFixture {

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
}
