package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.smoothcast.security.TokenClaims;
import io.smoothcast.security.TokenIssuer;
import io.smoothcast.security.TokenKey;
import io.smoothcast.security.TokenRole;
import io.smoothcast.security.TokenVerifier;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A HELLO with another session id from a joined client's address (UDP sources can be spoofed
 * blindly) takes the session over only once a request echoes the cookie of that id's HELLO_ACK,
 * which went to the address: a blind spoofer cannot cut the client off, and a client that
 * restarts on the same address and port gets in as promptly as before. Virtual time.
 */
class RelayEngineSessionTakeoverTest extends RelayCookieFixture {

    private static final long START_SECONDS = 1_800_000_000L;
    private static final TokenKey KEY = TokenKey.of("k1", filled(7));
    private static final long VIEWER_SESSION = 6000;
    private static final long SPOOFED_SESSION = 666;
    private long nowSeconds = START_SECONDS;

    @Test
    void spoofedHello_withAnotherSessionId_doesNotCutOffAJoinedViewer() {
        engine = engine(true);
        byte[] token = token(START_SECONDS + 60);
        long cookie = subscribed(1, token);

        // The spoofer never sees the HELLO_ACK: it goes to the viewer, which ignores it.
        long spoofedCookie = hello(0x7000, SPOOFED_SESSION);
        hello(0x7001, SPOOFED_SESSION); // its copy: one id held, counted once

        // The token expired meanwhile: the viewer's repeat still restates the role of its join.
        nowSeconds += 120;
        control(3, token, new ControlMessage.Subscribe("show", 2, 0, cookie));
        assertInstanceOf(ControlMessage.SubscribeAck.class, out.takeOnlyReplyTo(VIEWER));
        assertEquals(1, counters.get(RelayCounter.TOKENS_EXPIRED_ROLE_KEPT));
        assertEquals(0, counters.get(RelayCounter.ROUTABILITY_FAILED));
        assertEquals(1, counters.get(RelayCounter.SUBSCRIBERS));

        // A spoofer guessing the cookie of its own HELLO gets nowhere either.
        control(0x7002, token(START_SECONDS + 600), new ControlMessage.Subscribe("other", 2, 0, spoofedCookie + 1));
        assertEquals(ErrorCode.NOT_JOINED.value(), ((ControlMessage.Error) out.takeOnlyReplyTo(VIEWER)).code());
        assertEquals(0, counters.get(RelayCounter.SESSION_TAKEOVERS));
        control(4, token, new ControlMessage.Subscribe("show", 2, 0, cookie));
        assertInstanceOf(ControlMessage.SubscribeAck.class, out.takeOnlyReplyTo(VIEWER));
        assertEquals(1, counters.get(RelayCounter.SESSION_TAKEOVERS_HELD));
    }

    @Test
    void clientRestartedOnTheSameAddress_getsInWithTheCookieOfItsNewSession() {
        engine = engine(true);
        long oldCookie = subscribed(1, token(START_SECONDS + 60));

        // The new process numbers its requests its own way, here below the old one's.
        long newCookie = hello(1, 7777);
        control(1, new byte[0], new ControlMessage.Subscribe("show", 2, 0, newCookie));
        assertEquals(ErrorCode.UNAUTHORIZED.value(), ((ControlMessage.Error) out.takeOnlyReplyTo(VIEWER)).code(),
                "a new join presents a valid token");
        assertEquals(1, counters.get(RelayCounter.SESSION_TAKEOVERS));
        control(2, token(START_SECONDS + 60), new ControlMessage.Subscribe("show", 2, 0, newCookie));
        assertInstanceOf(ControlMessage.SubscribeAck.class, out.takeOnlyReplyTo(VIEWER));

        // The old session id is gone with the old process.
        control(3, token(START_SECONDS + 60), new ControlMessage.Subscribe("show", 2, 0, oldCookie));
        assertEquals(ErrorCode.NOT_JOINED.value(), ((ControlMessage.Error) out.takeOnlyReplyTo(VIEWER)).code());
        assertEquals(1, counters.get(RelayCounter.SESSION_TAKEOVERS_HELD));
        assertEquals(1, counters.get(RelayCounter.SESSION_TAKEOVERS));
    }

    @Test
    void clientRestartedAfterLeavingAStream_isNotTakenForALateCopy() {
        engine = engine(true);
        long cookie = subscribed(50, token(START_SECONDS + 60));
        control(52, new byte[0], new ControlMessage.Leave("show", cookie));

        long newCookie = hello(1, 7777);
        control(2, token(START_SECONDS + 60), new ControlMessage.Subscribe("show", 2, 0, newCookie));
        assertInstanceOf(ControlMessage.SubscribeAck.class, out.takeOnlyReplyTo(VIEWER));
        assertEquals(1, counters.get(RelayCounter.SUBSCRIBERS));
    }

    @Test
    void publisherRestartedOnTheSameAddress_endsTheOldProcessBroadcast_whenTheNewOneProvesTheAddress() {
        engine = engine(true);
        publishedAndWatched();
        out.drain(); // the keyframe request the viewer's arrival sent the publisher

        // The new process watches another stream: nothing of the old one's broadcast stays.
        long newCookie = hello(PUBLISHER, 1, 7777);
        assertEquals(1, counters.get(RelayCounter.PUBLISHERS), "a HELLO alone proves nothing");
        control(PUBLISHER, 2, token("other", TokenRole.SUBSCRIBE), new ControlMessage.Subscribe("other", 2, 0, newCookie));
        assertInstanceOf(ControlMessage.SubscribeAck.class, out.takeOnlyReplyTo(PUBLISHER));

        assertEquals(1, counters.get(RelayCounter.SESSION_TAKEOVERS));
        assertEquals(0, counters.get(RelayCounter.PUBLISHERS));
        ControlMessage.StreamInfo info = assertInstanceOf(ControlMessage.StreamInfo.class, out.takeOnlyReplyTo(VIEWER));
        assertEquals(List.of(), info.tracks(), "the viewer sees the usual end of the broadcast");
    }

    @Test
    void viewerRestartedOnTheSameAddress_keepsTheSubscriptionItAsksForAgain_andLosesTheOthers() {
        engine = engine(true);
        long cookie = subscribed(1, token(START_SECONDS + 60));
        control(3, token("other", TokenRole.SUBSCRIBE), new ControlMessage.Subscribe("other", 2, 0, cookie));
        assertInstanceOf(ControlMessage.SubscribeAck.class, out.takeOnlyReplyTo(VIEWER));
        assertEquals(2, counters.get(RelayCounter.SUBSCRIBERS));

        long newCookie = hello(1, 7777);
        control(2, token(START_SECONDS + 60), new ControlMessage.Subscribe("show", 2, 0, newCookie));
        assertInstanceOf(ControlMessage.SubscribeAck.class, out.takeOnlyReplyTo(VIEWER));

        assertEquals(1, counters.get(RelayCounter.SESSION_TAKEOVERS));
        assertEquals(1, counters.get(RelayCounter.SUBSCRIBERS));
        assertEquals(1, counters.get(RelayCounter.STREAMS), "\"other\" had no one else: it is gone");
    }

    @Test
    void viewerRestartedOnTheSameAddress_refusedItsTokenForTheStreamItAsksForAgain_losesThatSubscriptionToo() {
        engine = engine(true);
        subscribed(1, token(START_SECONDS + 60));

        long newCookie = hello(1, 7777);
        control(2, new byte[0], new ControlMessage.Subscribe("show", 2, 0, newCookie));
        assertEquals(ErrorCode.UNAUTHORIZED.value(), ((ControlMessage.Error) out.takeOnlyReplyTo(VIEWER)).code());

        assertEquals(1, counters.get(RelayCounter.SESSION_TAKEOVERS));
        assertEquals(0, counters.get(RelayCounter.SUBSCRIBERS), "the old process is gone, the new one has no token");
    }

    @Test
    void publisherRestartedOnTheSameAddress_refusedItsTokenForTheStreamItAsksForAgain_endsTheBroadcast() {
        engine = engine(true);
        publishedAndWatched();
        out.drain();

        long newCookie = hello(PUBLISHER, 1, 7777);
        control(PUBLISHER, 2, new byte[0], new ControlMessage.Publish("show", List.of(VIDEO), newCookie));
        assertEquals(ErrorCode.UNAUTHORIZED.value(), ((ControlMessage.Error) out.takeOnlyReplyTo(PUBLISHER)).code());

        assertEquals(1, counters.get(RelayCounter.SESSION_TAKEOVERS));
        assertEquals(0, counters.get(RelayCounter.PUBLISHERS));
        ControlMessage.StreamInfo info = assertInstanceOf(ControlMessage.StreamInfo.class, out.takeOnlyReplyTo(VIEWER));
        assertEquals(List.of(), info.tracks(), "the viewer sees the usual end of the broadcast");
    }

    @Test
    void withoutCookies_theAddressIsTheOnlyProof_andAnotherSessionIdStartsANewJoinAtOnce() {
        engine = engine(false);
        byte[] token = token(START_SECONDS + 60);
        subscribed(1, token);
        hello(0x7000, SPOOFED_SESSION);
        nowSeconds += 120;
        control(3, token, new ControlMessage.Subscribe("show", 2, 0));
        assertEquals(ErrorCode.TOKEN_EXPIRED.value(), ((ControlMessage.Error) out.takeOnlyReplyTo(VIEWER)).code());
        assertEquals(0, counters.get(RelayCounter.SESSION_TAKEOVERS_HELD));
        assertEquals(1, counters.get(RelayCounter.SESSION_TAKEOVERS));
        assertEquals(0, counters.get(RelayCounter.SUBSCRIBERS), "the other client's HELLO ended the old one's roles");
    }

    @Override
    RelayEngine engine(boolean cookies) {
        return engine(cookies, new RelayAuthenticator(TokenVerifier.builder().addKey(KEY).build(), () -> nowSeconds));
    }

    /** The publisher publishes "show" (session 5000), and the viewer joins it ({@link #subscribed}). */
    private void publishedAndWatched() {
        long publisherCookie = hello(PUBLISHER, 1, 5000);
        control(PUBLISHER, 2, token("show", TokenRole.PUBLISH), new ControlMessage.Publish("show", List.of(VIDEO),
                publisherCookie));
        assertInstanceOf(ControlMessage.PublishAck.class, out.takeOnlyReplyTo(PUBLISHER));
        subscribed(1, token(START_SECONDS + 60));
    }

    /** The viewer joins (HELLO, then SUBSCRIBE with the next request id): returns its cookie (0 without cookies). */
    private long subscribed(int helloRequestId, byte[] token) {
        long cookie = hello(helloRequestId, VIEWER_SESSION);
        control(helloRequestId + 1, token, new ControlMessage.Subscribe("show", 2, 0, cookie));
        assertInstanceOf(ControlMessage.SubscribeAck.class, out.takeOnlyReplyTo(VIEWER));
        return cookie;
    }

    private long hello(int requestId, long sessionId) {
        return hello(VIEWER, requestId, sessionId);
    }

    private void control(int requestId, byte[] token, ControlMessage message) {
        control(VIEWER, requestId, token, message);
    }

    private static byte[] token(long expirySeconds) {
        return token("show", TokenRole.SUBSCRIBE, expirySeconds);
    }

    private byte[] token(String streamId, TokenRole role) {
        return token(streamId, role, nowSeconds + 60);
    }

    private static byte[] token(String streamId, TokenRole role, long expirySeconds) {
        return new TokenIssuer(KEY).issue(TokenClaims.builder(streamId, role, expirySeconds).build())
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] filled(int value) {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) value);
        return secret;
    }
}
