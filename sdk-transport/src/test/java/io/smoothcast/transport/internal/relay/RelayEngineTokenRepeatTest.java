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
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.ErrorCode;
import io.smoothcast.transport.internal.control.Track;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A session that holds a role keeps it when its token expires (PROTOCOL.md section 7), so a
 * repeat of its granted request (a lost answer's resend, new tracks, a renewed SUBSCRIBE for the
 * track list) is accepted with the expired token, as long as that token is genuine and names the
 * stream and role; a new join (a HELLO) or a role not held needs a valid token.
 */
class RelayEngineTokenRepeatTest {

    private static final long START_SECONDS = 1_800_000_000L;
    private static final long EXPIRY_SECONDS = START_SECONDS + 60;
    private static final TokenKey KEY = TokenKey.of("k1", filled(7));
    private static final TokenKey OTHER_KEY = TokenKey.of("k1", filled(8));
    private static final Track AUDIO = new Track(0x3000, 0, 111, 0, MediaKind.AUDIO, 0, 48_000, 64_000);
    private static final InetSocketAddress VIEWER = new InetSocketAddress("127.0.0.1", 6000);
    private static final InetSocketAddress PUBLISHER = new InetSocketAddress("127.0.0.1", 6001);

    private final RecordingSender out = new RecordingSender();
    private final RelayCounters counters = new RelayCounters();
    private long nowSeconds = START_SECONDS;
    private final RelayEngine engine = new RelayEngine(new RelayConfig(7, 500, 5000, 64, 200, 10, 100, null), out,
            counters, new RelaySecurity(new RelayAuthenticator(TokenVerifier.builder().addKey(KEY).build(),
                    () -> nowSeconds), null, null, Integer.MAX_VALUE));
    private final long nowNs = TimeUnit.SECONDS.toNanos(100);
    private int requestId = 1;

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void aSubscribedViewer_repeatsItsSubscribeAfterExpiry_andKeepsTheNode() {
        byte[] token = token(KEY, "show", TokenRole.SUBSCRIBE);
        subscribedUntilExpired(token);
        assertInstanceOf(ControlMessage.SubscribeAck.class, request(VIEWER, token, subscribe("show")));
        assertEquals(2, counters.get(RelayCounter.TOKENS_ACCEPTED));
        assertEquals(1, counters.get(RelayCounter.TOKENS_EXPIRED_ROLE_KEPT));
        assertEquals(0, counters.get(RelayCounter.TOKENS_REJECTED));
    }

    @Test
    void aPublishingBroadcaster_repeatsItsPublishAfterExpiry_andKeepsTheNode() {
        byte[] token = token(KEY, "show", TokenRole.PUBLISH);
        join(PUBLISHER);
        assertInstanceOf(ControlMessage.PublishAck.class, request(PUBLISHER, token, publish("show")));

        nowSeconds = EXPIRY_SECONDS + 1;
        assertInstanceOf(ControlMessage.PublishAck.class, request(PUBLISHER, token, publish("show")));
        assertEquals(1, counters.get(RelayCounter.TOKENS_EXPIRED_ROLE_KEPT));
    }

    @Test
    void anExpiredRepeat_stillHasToBeGenuine_andFitTheStreamAndRole() {
        subscribedUntilExpired(token(KEY, "show", TokenRole.SUBSCRIBE));

        assertEquals(ErrorCode.UNAUTHORIZED.value(),
                code(request(VIEWER, token(OTHER_KEY, "show", TokenRole.SUBSCRIBE), subscribe("show"))));
        assertEquals(ErrorCode.FORBIDDEN.value(),
                code(request(VIEWER, token(KEY, "other", TokenRole.SUBSCRIBE), subscribe("show"))));
        assertEquals(ErrorCode.FORBIDDEN.value(),
                code(request(VIEWER, token(KEY, "show", TokenRole.PUBLISH), subscribe("show"))));
        // A role the session does not hold is a new grant: the expiry counts.
        assertEquals(ErrorCode.TOKEN_EXPIRED.value(),
                code(request(VIEWER, token(KEY, "other", TokenRole.SUBSCRIBE), subscribe("other"))));
        assertEquals(ErrorCode.TOKEN_EXPIRED.value(),
                code(request(VIEWER, token(KEY, "show", TokenRole.PUBLISH), publish("show"))));
        assertEquals(0, counters.get(RelayCounter.TOKENS_EXPIRED_ROLE_KEPT));
    }

    @Test
    void aNewJoin_needsAValidToken_andRegainsTheRepeatRuleWithIt() {
        byte[] token = token(KEY, "show", TokenRole.SUBSCRIBE);
        subscribedUntilExpired(token);

        join(VIEWER); // the client lost its session here and comes back: a fresh join
        assertEquals(ErrorCode.TOKEN_EXPIRED.value(), code(request(VIEWER, token, subscribe("show"))));

        long renewedExpiry = nowSeconds + 60;
        byte[] renewed = token(KEY, "show", TokenRole.SUBSCRIBE, renewedExpiry);
        assertInstanceOf(ControlMessage.SubscribeAck.class, request(VIEWER, renewed, subscribe("show")));
        nowSeconds = renewedExpiry + 1;
        assertInstanceOf(ControlMessage.SubscribeAck.class, request(VIEWER, renewed, subscribe("show")));
        assertEquals(1, counters.get(RelayCounter.TOKENS_EXPIRED_ROLE_KEPT));
    }

    @Test
    void aLateCopyOfTheJoinsHello_overtakenByTheSubscribe_startsNoNewJoin() {
        // The client's HELLO went out as copies 1 and 2, the answer to copy 1 released the
        // SUBSCRIBE (3), and copy 2 arrived after it (reordered on a slow path).
        byte[] token = token(KEY, "show", TokenRole.SUBSCRIBE);
        assertInstanceOf(ControlMessage.HelloAck.class, request(VIEWER, 1, new byte[0], hello(VIEWER)));
        assertInstanceOf(ControlMessage.SubscribeAck.class, request(VIEWER, 3, token, subscribe("show")));
        assertInstanceOf(ControlMessage.HelloAck.class, request(VIEWER, 2, new byte[0], hello(VIEWER)));

        nowSeconds = EXPIRY_SECONDS + 1;
        assertInstanceOf(ControlMessage.SubscribeAck.class, request(VIEWER, 4, token, subscribe("show")));
        assertEquals(1, counters.get(RelayCounter.TOKENS_EXPIRED_ROLE_KEPT));

        // A HELLO numbered above the granted request is a new join, and so is one of another
        // session id (another client at this address), whatever its number.
        assertInstanceOf(ControlMessage.HelloAck.class, request(VIEWER, 5, new byte[0], hello(VIEWER)));
        assertEquals(ErrorCode.TOKEN_EXPIRED.value(), code(request(VIEWER, 6, token, subscribe("show"))));
        byte[] renewed = token(KEY, "show", TokenRole.SUBSCRIBE, nowSeconds + 60);
        assertInstanceOf(ControlMessage.SubscribeAck.class, request(VIEWER, 8, renewed, subscribe("show")));
        assertInstanceOf(ControlMessage.HelloAck.class,
                request(VIEWER, 7, new byte[0], new ControlMessage.Hello(VIEWER.getPort() + 1, 500)));
        nowSeconds += 61;
        assertEquals(ErrorCode.TOKEN_EXPIRED.value(), code(request(VIEWER, 9, renewed, subscribe("show"))));
        assertEquals(1, counters.get(RelayCounter.TOKENS_EXPIRED_ROLE_KEPT));
    }

    @Test
    void aLateSubscribeCopy_afterTheSessionLeftTheStream_bringsNoSubscriberBack() {
        byte[] token = token(KEY, "show", TokenRole.SUBSCRIBE); // still valid throughout
        subscribedThenLeft(1, token);
        assertEquals(0, counters.get(RelayCounter.SUBSCRIBERS));

        send(VIEWER, 2, token, subscribe("show")); // a retransmission overtaken by the LEAVE

        assertEquals(List.of(), out.to(VIEWER), "no answer");
        assertEquals(0, counters.get(RelayCounter.SUBSCRIBERS), "no ghost subscriber");
        assertEquals(1, counters.get(RelayCounter.UNEXPECTED_CONTROL_DROPPED));
        assertEquals(1, counters.get(RelayCounter.TOKENS_ACCEPTED), "its token is not checked");
        // Sent after the LEAVE (numbered above it): the client wants the stream again.
        assertInstanceOf(ControlMessage.SubscribeAck.class, request(VIEWER, 3, token, subscribe("show")));
        assertEquals(1, counters.get(RelayCounter.SUBSCRIBERS));
    }

    @Test
    void aLatePublishCopy_afterTheSessionLeftTheStream_bringsNoPublisherBack() {
        byte[] token = token(KEY, "show", TokenRole.PUBLISH);
        assertInstanceOf(ControlMessage.HelloAck.class, request(PUBLISHER, 10, new byte[0], hello(PUBLISHER)));
        assertInstanceOf(ControlMessage.PublishAck.class, request(PUBLISHER, 11, token, publish("show")));
        send(PUBLISHER, 0, new ControlMessage.Leave("show"));

        send(PUBLISHER, 11, token, publish("show"));

        assertEquals(List.of(), out.to(PUBLISHER));
        assertEquals(0, counters.get(RelayCounter.PUBLISHERS), "no ghost publisher");
        assertEquals(1, counters.get(RelayCounter.UNEXPECTED_CONTROL_DROPPED));
    }

    @Test
    void aSessionSharedByACascadingNodesLinks_leavingOneStream_keepsTheOthers_andCanComeBack() {
        // A downstream node's links share its session here, each numbering from its own range,
        // each range above the last one's (UpstreamLink).
        byte[] show = token(KEY, "show", TokenRole.SUBSCRIBE);
        byte[] other = token(KEY, "other", TokenRole.SUBSCRIBE);
        assertInstanceOf(ControlMessage.HelloAck.class, request(VIEWER, 0x1_0000, new byte[0], hello(VIEWER)));
        assertInstanceOf(ControlMessage.SubscribeAck.class, request(VIEWER, 0x1_0001, show, subscribe("show")));
        assertInstanceOf(ControlMessage.HelloAck.class, request(VIEWER, 0x2_0000, new byte[0], hello(VIEWER)));
        send(VIEWER, 0, new ControlMessage.Leave("show"));
        // The second link's SUBSCRIBE reaches the node after the first link's LEAVE.
        assertInstanceOf(ControlMessage.SubscribeAck.class, request(VIEWER, 0x2_0001, other, subscribe("other")));

        send(VIEWER, 0x1_0001, show, subscribe("show"));
        assertEquals(List.of(), out.to(VIEWER));
        assertEquals(1, counters.get(RelayCounter.SUBSCRIBERS), "the other stream's only");

        assertInstanceOf(ControlMessage.HelloAck.class, request(VIEWER, 0x3_0000, new byte[0], hello(VIEWER)));
        assertInstanceOf(ControlMessage.SubscribeAck.class, request(VIEWER, 0x3_0001, show, subscribe("show")));
        assertEquals(2, counters.get(RelayCounter.SUBSCRIBERS));
    }

    @Test
    void anotherClientAtTheAddress_numbersItsRequestsAfresh() {
        byte[] token = token(KEY, "show", TokenRole.SUBSCRIBE);
        subscribedThenLeft(100, token);

        assertInstanceOf(ControlMessage.HelloAck.class,
                request(VIEWER, 5, new byte[0], new ControlMessage.Hello(VIEWER.getPort() + 1, 500)));
        assertInstanceOf(ControlMessage.SubscribeAck.class, request(VIEWER, 6, token, subscribe("show")));
        assertEquals(0, counters.get(RelayCounter.UNEXPECTED_CONTROL_DROPPED));
    }

    /** The viewer joins (HELLO {@code helloId}), subscribes to "show" (the next id), then leaves it. */
    private void subscribedThenLeft(int helloId, byte[] token) {
        assertInstanceOf(ControlMessage.HelloAck.class, request(VIEWER, helloId, new byte[0], hello(VIEWER)));
        assertInstanceOf(ControlMessage.SubscribeAck.class, request(VIEWER, helloId + 1, token, subscribe("show")));
        send(VIEWER, 0, new ControlMessage.Leave("show"));
    }

    /** The viewer joins and subscribes to "show" with {@code token}, which then expires. */
    private void subscribedUntilExpired(byte[] token) {
        join(VIEWER);
        assertInstanceOf(ControlMessage.SubscribeAck.class, request(VIEWER, token, subscribe("show")));
        nowSeconds = EXPIRY_SECONDS + 1;
    }

    private void join(InetSocketAddress client) {
        assertInstanceOf(ControlMessage.HelloAck.class,
                request(client, new byte[0], new ControlMessage.Hello(client.getPort(), 500)));
    }

    private ControlMessage request(InetSocketAddress client, byte[] token, ControlMessage message) {
        return request(client, requestId++, token, message);
    }

    private ControlMessage request(InetSocketAddress client, int id, byte[] token, ControlMessage message) {
        send(client, id, token, message);
        return out.takeOnlyReplyTo(client);
    }

    /** Sends a message that gets no answer. */
    private void send(InetSocketAddress client, int id, ControlMessage message) {
        send(client, id, new byte[0], message);
    }

    private void send(InetSocketAddress client, int id, byte[] token, ControlMessage message) {
        ByteBuf datagram = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, id, token, message);
        engine.onDatagram(datagram, client, nowNs);
        datagram.release();
    }

    private static ControlMessage.Hello hello(InetSocketAddress client) {
        return new ControlMessage.Hello(client.getPort(), 500);
    }

    private static ControlMessage.Subscribe subscribe(String streamId) {
        return new ControlMessage.Subscribe(streamId, 2, 0);
    }

    private static ControlMessage.Publish publish(String streamId) {
        return new ControlMessage.Publish(streamId, List.of(AUDIO));
    }

    private static int code(ControlMessage reply) {
        return assertInstanceOf(ControlMessage.Error.class, reply).code();
    }

    private static byte[] token(TokenKey key, String streamId, TokenRole role) {
        return token(key, streamId, role, EXPIRY_SECONDS);
    }

    private static byte[] token(TokenKey key, String streamId, TokenRole role, long expiresAtEpochSeconds) {
        return new TokenIssuer(key).issue(TokenClaims.builder(streamId, role, expiresAtEpochSeconds).build())
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] filled(int value) {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) value);
        return secret;
    }
}
