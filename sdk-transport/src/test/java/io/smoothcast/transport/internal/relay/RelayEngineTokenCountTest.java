package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.security.TokenClaims;
import io.smoothcast.security.TokenIssuer;
import io.smoothcast.security.TokenKey;
import io.smoothcast.security.TokenRole;
import io.smoothcast.security.TokenVerifier;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.ErrorCode;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The token counters count role requests, not their copies: a client resends a request whose
 * answer is late (after 50 ms on a fast path), and each copy is checked and answered again.
 */
class RelayEngineTokenCountTest {

    private static final long NOW_SECONDS = 1_800_000_000L;
    private static final TokenKey KEY = TokenKey.of("k1", filled(7));

    private final RecordingSender out = new RecordingSender();
    private final RelayCounters counters = new RelayCounters();
    private final RelayEngine engine = new RelayEngine(new RelayConfig(7, 500, 5000, 64, 200, 10, 100, null), out,
            counters, new RelaySecurity(new RelayAuthenticator(TokenVerifier.builder().addKey(KEY).build(),
                    () -> NOW_SECONDS), null, null, Integer.MAX_VALUE));
    private long nowNs = TimeUnit.SECONDS.toNanos(100);

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void aRetransmittedRequest_isAnsweredAgain_butCountedOnce() {
        InetSocketAddress viewer = new InetSocketAddress("127.0.0.1", 6000);
        byte[] token = new TokenIssuer(KEY).issue(TokenClaims.builder("show", TokenRole.SUBSCRIBE, NOW_SECONDS + 60)
                .build()).getBytes(StandardCharsets.US_ASCII);
        hello(viewer);

        control(viewer, 2, token, new ControlMessage.Subscribe("show", 2, 0));
        assertInstanceOf(ControlMessage.SubscribeAck.class, out.takeOnlyReplyTo(viewer));
        control(viewer, 2, token, new ControlMessage.Subscribe("show", 2, 0)); // its copy
        assertInstanceOf(ControlMessage.SubscribeAck.class, out.takeOnlyReplyTo(viewer));
        assertEquals(1, counters.get(RelayCounter.TOKENS_ACCEPTED));

        control(viewer, 3, new byte[0], new ControlMessage.Subscribe("other", 2, 0));
        assertEquals(ErrorCode.UNAUTHORIZED.value(), ((ControlMessage.Error) out.takeOnlyReplyTo(viewer)).code());
        control(viewer, 3, new byte[0], new ControlMessage.Subscribe("other", 2, 0)); // its copy
        assertEquals(ErrorCode.UNAUTHORIZED.value(), ((ControlMessage.Error) out.takeOnlyReplyTo(viewer)).code());
        assertEquals(1, counters.get(RelayCounter.TOKENS_REJECTED));

        control(viewer, 4, new byte[0], new ControlMessage.Subscribe("other", 2, 0)); // a new request
        assertEquals(2, counters.get(RelayCounter.TOKENS_REJECTED));
        assertEquals(1, counters.get(RelayCounter.TOKENS_ACCEPTED));
    }

    @Test
    void interleavedCopiesOfTwoRequests_areCountedOncePerRequest() {
        // A cascading node's upstream links share one session here, each with its own request
        // ids, and their copies interleave while they join.
        InetSocketAddress edge = new InetSocketAddress("127.0.0.1", 6001);
        byte[] show = token("show");
        byte[] news = token("news");
        hello(edge);
        for (int copy = 0; copy < 3; copy++) {
            control(edge, 0x10000, show, new ControlMessage.Subscribe("show", 2, 0));
            assertInstanceOf(ControlMessage.SubscribeAck.class, out.takeOnlyReplyTo(edge));
            control(edge, 0x20000, news, new ControlMessage.Subscribe("news", 2, 0));
            assertInstanceOf(ControlMessage.SubscribeAck.class, out.takeOnlyReplyTo(edge));
            control(edge, 0x30000, new byte[0], new ControlMessage.Subscribe("other", 2, 0));
            assertEquals(ErrorCode.UNAUTHORIZED.value(), ((ControlMessage.Error) out.takeOnlyReplyTo(edge)).code());
        }
        assertEquals(2, counters.get(RelayCounter.TOKENS_ACCEPTED));
        assertEquals(1, counters.get(RelayCounter.TOKENS_REJECTED));
    }

    @Test
    void interleavedCopiesOfMoreRequestsThanTheFirstEight_areCountedOncePerRequest() {
        // Twelve upstream links of a cascading node join at once.
        InetSocketAddress edge = new InetSocketAddress("127.0.0.1", 6001);
        byte[] show = token("show");
        hello(edge);
        for (int copy = 0; copy < 3; copy++) {
            for (int link = 1; link <= 12; link++) {
                control(edge, link << 16, show, new ControlMessage.Subscribe("show", 2, 0));
                assertInstanceOf(ControlMessage.SubscribeAck.class, out.takeOnlyReplyTo(edge));
            }
            nowNs += TimeUnit.MILLISECONDS.toNanos(200); // the links' retransmission delay
        }
        assertEquals(12, counters.get(RelayCounter.TOKENS_ACCEPTED));
    }

    @Test
    void aLateCopyOfARequest_afterNineRenewedSubscribes_isNotCountedAgain() {
        InetSocketAddress viewer = new InetSocketAddress("127.0.0.1", 6000);
        byte[] show = token("show");
        hello(viewer);
        control(viewer, 2, show, new ControlMessage.Subscribe("show", 2, 0));
        out.takeOnlyReplyTo(viewer);
        // Unknown tracks keep coming: the viewer renews its SUBSCRIBE every 500 ms, a new request each.
        for (int renewal = 3; renewal <= 11; renewal++) {
            nowNs += TimeUnit.MILLISECONDS.toNanos(500);
            control(viewer, renewal, show, new ControlMessage.Subscribe("show", 2, 0));
            out.takeOnlyReplyTo(viewer);
        }
        control(viewer, 2, show, new ControlMessage.Subscribe("show", 2, 0)); // held up on the way

        assertEquals(10, counters.get(RelayCounter.TOKENS_ACCEPTED));
    }

    /** HELLO from the client's port as session id, its HELLO_ACK taken. */
    private void hello(InetSocketAddress client) {
        control(client, 1, new byte[0], new ControlMessage.Hello(client.getPort(), 500));
        assertInstanceOf(ControlMessage.HelloAck.class, out.takeOnlyReplyTo(client));
    }

    private static byte[] token(String streamId) {
        return new TokenIssuer(KEY).issue(TokenClaims.builder(streamId, TokenRole.SUBSCRIBE, NOW_SECONDS + 60)
                .build()).getBytes(StandardCharsets.US_ASCII);
    }

    private void control(InetSocketAddress from, int requestId, byte[] token, ControlMessage message) {
        ByteBuf datagram = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, requestId, token, message);
        engine.onDatagram(datagram, from, nowNs);
        datagram.release();
    }

    private static byte[] filled(int value) {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) value);
        return secret;
    }
}
