package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.ErrorCode;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine's defences before authentication, in virtual time: cookies, the half-open cap, the rate limit. */
class RelayEngineDefencesTest {

    private static final int MAX_SESSIONS = 10;
    private static final int HALF_OPEN_CAP = 4;

    private final RecordingSender out = new RecordingSender();
    private final RelayCounters counters = new RelayCounters();
    private final RelayEngine engine = new RelayEngine(
            new RelayConfig(7, 500, 5000, 64, 200, MAX_SESSIONS, 100, null), out, counters,
            new RelaySecurity(null, new ReturnRoutability(new SecureRandom()), new SourceRateLimiter(10, 5, 64),
                    HALF_OPEN_CAP));
    private long nowNs = TimeUnit.SECONDS.toNanos(100);

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void helloFlood_evictsOnlyHalfOpenSessions_oldestFirst() {
        InetSocketAddress viewer = address(6000);
        subscribed(viewer);
        long[] cookies = new long[100];
        for (int port = 7000; port < 7100; port++) {
            cookies[port - 7000] = hello(address(port)); // each gets its HELLO_ACK
            assertTrue(counters.get(RelayCounter.HALF_OPEN_SESSIONS) <= HALF_OPEN_CAP);
            assertTrue(counters.get(RelayCounter.SESSIONS) <= HALF_OPEN_CAP + 1);
        }
        assertEquals(100 - HALF_OPEN_CAP, counters.get(RelayCounter.HALF_OPEN_EVICTED));
        // The subscriber survived; the newest half-open sessions are the ones kept.
        assertEquals(1, counters.get(RelayCounter.SUBSCRIBERS));
        InetSocketAddress newest = address(7099);
        control(newest, 2, new ControlMessage.Subscribe("show", 2, 0, cookies[99]));
        assertInstanceOf(ControlMessage.SubscribeAck.class, onlyReplyTo(newest));
        InetSocketAddress evicted = address(7000);
        control(evicted, 2, new ControlMessage.Subscribe("show", 2, 0, cookies[0])); // right cookie, no session
        assertEquals(ErrorCode.NOT_JOINED.value(), ((ControlMessage.Error) onlyReplyTo(evicted)).code());
    }

    @Test
    void wrongCookie_isRefused_andCounted_butTheRightOneIsAccepted() {
        InetSocketAddress viewer = address(6000);
        long cookie = hello(viewer);
        control(viewer, 2, new ControlMessage.Subscribe("show", 2, 0, cookie + 1));
        assertEquals(ErrorCode.NOT_JOINED.value(), ((ControlMessage.Error) onlyReplyTo(viewer)).code());
        assertEquals(1, counters.get(RelayCounter.ROUTABILITY_FAILED));
        assertEquals(0, counters.get(RelayCounter.SUBSCRIBERS));
        control(viewer, 3, new ControlMessage.Subscribe("show", 2, 0, cookie));
        assertInstanceOf(ControlMessage.SubscribeAck.class, onlyReplyTo(viewer));
    }

    @Test
    void unauthenticatedSource_isRateLimited_authenticatedOneIsNot() {
        InetSocketAddress stranger = address(6500);
        for (int i = 0; i < 20; i++) {
            control(stranger, i + 1, new ControlMessage.LoadRequest());
        }
        assertEquals(5, out.to(stranger).size(), "burst of 5, then nothing within the same instant");
        assertEquals(15, counters.get(RelayCounter.RATE_LIMITED_DROPPED));
        nowNs += TimeUnit.MILLISECONDS.toNanos(100);
        out.sent.clear();
        control(stranger, 99, new ControlMessage.LoadRequest());
        assertEquals(1, out.to(stranger).size(), "one more after 1/rate");

        InetSocketAddress viewer = address(6000);
        subscribed(viewer);
        for (int i = 0; i < 50; i++) {
            control(viewer, 0, new ControlMessage.Keepalive(i));
        }
        assertEquals(50, out.to(viewer).size(), "keepalives of a subscriber are not limited");
    }

    @Test
    void unauthenticatedSource_isRateLimitedPerDatagram_whateverItSends() {
        InetSocketAddress stranger = address(6600);
        byte[] rtp = RelayEngineTest.rtp(0x1234, 1, 96, new byte[100]);
        byte[] garbage = {1, 2, 3};
        for (int i = 0; i < 30; i++) {
            receive(i % 2 == 0 ? rtp : garbage, stranger);
        }
        // A burst of 5 datagrams is looked at (and dropped for what they are), the other 25 are
        // dropped by the limit before anything else is done with them.
        assertEquals(3, counters.get(RelayCounter.UNSOLICITED_MEDIA_DROPPED));
        assertEquals(2, counters.get(RelayCounter.UNKNOWN_DROPPED));
        assertEquals(25, counters.get(RelayCounter.RATE_LIMITED_DROPPED));
        // Media and garbage spent the budget: a control message now is dropped too.
        control(stranger, 1, new ControlMessage.LoadRequest());
        assertEquals(0, out.to(stranger).size());
        assertEquals(26, counters.get(RelayCounter.RATE_LIMITED_DROPPED));
        nowNs += TimeUnit.MILLISECONDS.toNanos(100);
        control(stranger, 2, new ControlMessage.LoadRequest());
        assertEquals(1, out.to(stranger).size(), "one more after 1/rate");
    }

    @Test
    void authenticatedSubscriber_isNotChargedToThePerSourceLimit() {
        InetSocketAddress viewer = address(6000);
        subscribed(viewer);
        byte[] pli = {(byte) 0x81, (byte) 206, 0, 2, 0, 0, 0, 1, 0, 0, 0x10, 0};
        for (int i = 0; i < 100; i++) {
            receive(pli, viewer);
        }
        assertEquals(0, counters.get(RelayCounter.RATE_LIMITED_DROPPED));
        assertEquals(100, counters.get(RelayCounter.PLI_RECEIVED));
    }

    @Test
    void aSpoofedRequestWithoutTheCookie_doesNotLetALateCopyBringALeftSubscriberBack() {
        InetSocketAddress viewer = address(6000);
        long cookie = subscribed(viewer);
        control(viewer, 0, new ControlMessage.Leave("show", cookie));
        // From the viewer's address, numbered above its LEAVE, but never saw the HELLO_ACK.
        control(viewer, 1000, new ControlMessage.Subscribe("show", 2, 0, cookie + 1));
        assertEquals(ErrorCode.NOT_JOINED.value(), ((ControlMessage.Error) onlyReplyTo(viewer)).code());

        control(viewer, 2, new ControlMessage.Subscribe("show", 2, 0, cookie)); // overtaken by the LEAVE

        assertEquals(0, out.to(viewer).size(), "no answer");
        assertEquals(0, counters.get(RelayCounter.SUBSCRIBERS), "no ghost subscriber");
    }

    @Test
    void aLeaveOvertakingTheRoleRequestItFollows_keepsThatRequestFromCreatingTheRole() {
        InetSocketAddress viewer = address(6000);
        long cookie = hello(viewer); // the HELLO's copy numbered 1; the client sent copies 1-3
        control(viewer, 0, new ControlMessage.Leave("show", cookie));

        control(viewer, 4, new ControlMessage.Subscribe("show", 2, 0, cookie)); // sent before the LEAVE

        assertEquals(0, out.to(viewer).size(), "no answer");
        assertEquals(0, counters.get(RelayCounter.SUBSCRIBERS), "no ghost subscriber");
        assertEquals(1, counters.get(RelayCounter.UNEXPECTED_CONTROL_DROPPED));
        // The client's next conversation, 2^16 ids on, subscribes again.
        control(viewer, 1 + (1 << 16), new ControlMessage.Hello(viewer.getPort(), 500));
        out.drain();
        control(viewer, 2 + (1 << 16), new ControlMessage.Subscribe("show", 2, 0, cookie));
        assertInstanceOf(ControlMessage.SubscribeAck.class, onlyReplyTo(viewer));
        assertEquals(1, counters.get(RelayCounter.SUBSCRIBERS));
    }

    private void receive(byte[] bytes, InetSocketAddress from) {
        ByteBuf datagram = Unpooled.wrappedBuffer(bytes);
        engine.onDatagram(datagram, from, nowNs);
        datagram.release();
    }

    private long hello(InetSocketAddress client) {
        control(client, 1, new ControlMessage.Hello(client.getPort(), 500));
        return ((ControlMessage.HelloAck) onlyReplyTo(client)).cookie();
    }

    /** The client joins and subscribes to "show" (request id 2). @return its cookie */
    private long subscribed(InetSocketAddress client) {
        long cookie = hello(client);
        control(client, 2, new ControlMessage.Subscribe("show", 2, 0, cookie));
        assertInstanceOf(ControlMessage.SubscribeAck.class, onlyReplyTo(client));
        return cookie;
    }

    private void control(InetSocketAddress from, int requestId, ControlMessage message) {
        receive(RecordingSender.controlDatagram(requestId, message), from);
    }

    private ControlMessage onlyReplyTo(InetSocketAddress to) {
        return out.takeOnlyReplyTo(to);
    }

    private static InetSocketAddress address(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }
}
