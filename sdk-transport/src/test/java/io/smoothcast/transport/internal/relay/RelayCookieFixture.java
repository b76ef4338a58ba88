package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/**
 * What the tests of the relay's return-routability cookies share: an engine in virtual time, with
 * or without cookies, a publisher's and a viewer's address, and clients that join it.
 */
abstract class RelayCookieFixture {

    static final InetSocketAddress PUBLISHER = new InetSocketAddress("127.0.0.1", 5000);
    static final InetSocketAddress VIEWER = new InetSocketAddress("127.0.0.1", 6000);
    static final Track VIDEO = new Track(0x1111, 0x2222, 96, 97, MediaKind.VIDEO, 0, 90_000, 1_000_000);
    static final int SESSION_TIMEOUT_MS = 5000;

    final RecordingSender out = new RecordingSender();
    final RelayCounters counters = new RelayCounters();
    RelayEngine engine;
    long nowNs = TimeUnit.SECONDS.toNanos(100);

    @AfterEach
    void close() {
        engine.close();
    }

    RelayEngine engine(boolean cookies) {
        return engine(cookies, null);
    }

    /** As {@link #engine(boolean)}, checking tokens with this authenticator (null: none). */
    RelayEngine engine(boolean cookies, RelayAuthenticator authenticator) {
        return new RelayEngine(new RelayConfig(7, 500, SESSION_TIMEOUT_MS, 64, 200, 10, 100, null), out, counters,
                new RelaySecurity(authenticator, cookies ? new ReturnRoutability(new SecureRandom()) : null, null,
                        Integer.MAX_VALUE));
    }

    /** HELLO, then the role request echoing the cookie, accepted: returns the cookie (0 without cookies). */
    long join(InetSocketAddress client, long sessionId, ControlMessage roleRequest) {
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

    long hello(InetSocketAddress client, int requestId, long sessionId) {
        control(client, requestId, new ControlMessage.Hello(sessionId, 500));
        return ((ControlMessage.HelloAck) out.takeOnlyReplyTo(client)).cookie();
    }

    void control(InetSocketAddress client, int requestId, ControlMessage message) {
        control(client, requestId, new byte[0], message);
    }

    /** A control message carrying a token (empty: none). */
    void control(InetSocketAddress client, int requestId, byte[] token, ControlMessage message) {
        receive(datagram(requestId, token, message), client);
    }

    static byte[] datagram(int requestId, ControlMessage message) {
        return datagram(requestId, new byte[0], message);
    }

    static byte[] datagram(int requestId, byte[] token, ControlMessage message) {
        ByteBuf encoded = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, requestId, token, message);
        byte[] bytes = new byte[encoded.readableBytes()];
        encoded.readBytes(bytes);
        encoded.release();
        return bytes;
    }

    void receive(byte[] bytes, InetSocketAddress from) {
        ByteBuf datagram = Unpooled.wrappedBuffer(bytes);
        engine.onDatagram(datagram, from, nowNs);
        datagram.release();
    }
}
