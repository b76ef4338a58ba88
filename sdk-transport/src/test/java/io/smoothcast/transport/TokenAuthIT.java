package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smoothcast.security.TokenClaims;
import io.smoothcast.security.TokenIssuer;
import io.smoothcast.security.TokenKey;
import io.smoothcast.security.TokenRole;
import io.smoothcast.security.TokenVerifier;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.control.ErrorCode;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A relay that requires tokens, over real UDP sockets on 127.0.0.1: valid tokens (signed with
 * either of two active keys) let media flow; every kind of bad token is refused with its error
 * code, seen by the client as FAILED with that code, and nothing is forwarded.
 */
class TokenAuthIT {

    private static final String STREAM = "it-secure";
    private static final int FRAMES = 60;
    private static final TokenKey OLD_KEY = TokenKey.of("2026-10", secret(1));
    private static final TokenKey NEW_KEY = TokenKey.of("2026-11", secret(2));
    private static final TokenIssuer OLD_ISSUER = new TokenIssuer(OLD_KEY);
    private static final TokenIssuer NEW_ISSUER = new TokenIssuer(NEW_KEY);
    /**
     * For the clients with a bad token: a refused client tries its node again after the retry
     * backoff (250 ms by default), and each such join is a new request the relay counts again.
     * The test holds each refused client open while it checks it (and sends frames at it); a
     * loaded host that paused the test thread for the backoff between the refusal and the
     * close had it join a second time: 10 rejections for 9 clients (session 14). With a backoff as
     * long as the test's timeout (60 s) each client makes exactly one request, so tokensRejected
     * checks the real promise: one count per request, however often it is retransmitted.
     */
    private static final FailoverPolicy REFUSED_ONCE = StallTolerantFailover.tolerantPolicy()
            .joinTimeoutMs(StallTolerantFailover.JOIN_TIMEOUT_MS).backoffBaseMs(60_000).backoffMaxMs(60_000).build();

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    @Test
    @Timeout(60)
    void validTokens_underOldAndNewKey_letMediaFlow() throws Exception {
        try (RelayNode relay = secureRelay().start()) {
            FrameCollector collector = new FrameCollector(FRAMES - 1);
            // The viewer's token is signed with the new key, the broadcaster's with the old one:
            // both keys are active during the rotation.
            try (Viewer viewer = Viewer.builder().node(relay.localAddress()).streamId(STREAM)
                    .token(token(NEW_ISSUER, STREAM, TokenRole.SUBSCRIBE, inOneHour(), null))
                    .listener(collector).failover(StallTolerantFailover.POLICY).build().start()) {
                FrameCollector.await(collector.connected, 5, "viewer connected");
                StateRecorder states = new StateRecorder();
                try (Broadcaster broadcaster = Broadcaster.builder().node(relay.localAddress()).streamId(STREAM)
                        .bitrateLimits(4_000_000, 5_000_000, 8_000_000)
                        .token(token(OLD_ISSUER, STREAM, TokenRole.PUBLISH, inOneHour(), null))
                        .listener(states).failover(StallTolerantFailover.POLICY).build().start()) {
                    FrameCollector.await(states.connected, 5, "broadcaster connected");
                    BroadcastThroughRelayIT.sendFrames(broadcaster, FRAMES, null);
                    FrameCollector.await(collector.lastFrame, 10, "last frame at viewer");
                    assertEquals(IntStream.range(0, FRAMES).boxed().toList(), collector.indices());
                    assertEquals(0, collector.corrupted());
                }
            }
            assertEquals(2, relay.stats().tokensAccepted(), relay.stats().toString());
            assertEquals(0, relay.stats().tokensRejected(), relay.stats().toString());
        }
        NettyLeaks.assertNoLeaks();
    }

    @Test
    @Timeout(60)
    void badViewerTokens_areRefusedWithTheirCode_andTheViewerGetsNoMedia() throws Exception {
        try (RelayNode relay = secureRelay().start()) {
            StateRecorder states = new StateRecorder();
            try (Broadcaster broadcaster = Broadcaster.builder().node(relay.localAddress()).streamId(STREAM)
                    .bitrateLimits(4_000_000, 5_000_000, 8_000_000)
                    .token(token(NEW_ISSUER, STREAM, TokenRole.PUBLISH, inOneHour(), null))
                    .listener(states).failover(StallTolerantFailover.POLICY).build().start()) {
                FrameCollector.await(states.connected, 5, "broadcaster connected");
                List<BadToken> cases = badTokens(TokenRole.SUBSCRIBE);
                for (BadToken bad : cases) {
                    StateRecorder viewerStates = new StateRecorder();
                    AtomicInteger frames = new AtomicInteger();
                    try (Viewer viewer = Viewer.builder().node(relay.localAddress()).streamId(STREAM)
                            .token(bad.token).listener(new ViewerListener() {
                                @Override
                                public void onStateChanged(ConnectionState state, String reason) {
                                    viewerStates.onStateChanged(state, reason);
                                }

                                @Override
                                public void onFrame(ReceivedFrame frame) {
                                    frames.incrementAndGet();
                                }
                            }).failover(REFUSED_ONCE).build().start()) {
                        FrameCollector.await(viewerStates.failed, 5, "viewer refused (" + bad.name + ")");
                        assertTrue(viewerStates.reason.contains(bad.expected.name()),
                                bad.name + ": " + viewerStates.reason);
                        assertReadsOnce(viewerStates.reason, relay, "SUBSCRIBE");
                        assertEquals(ConnectionState.FAILED, viewer.state());
                        BroadcastThroughRelayIT.sendFrames(broadcaster, 10, null);
                        assertEquals(0, frames.get(), bad.name + ": frames reached a refused viewer");
                    }
                }
                RelayStats stats = relay.stats();
                assertEquals(cases.size(), stats.tokensRejected(), stats.toString());
                assertEquals(0, stats.subscribers(), stats.toString());
                assertEquals(0, stats.packetsForwarded(), "nothing forwarded to refused viewers: " + stats);
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    @Test
    @Timeout(60)
    void badBroadcasterTokens_areRefused_andItsMediaIsNotForwarded() throws Exception {
        try (RelayNode relay = secureRelay().start()) {
            FrameCollector collector = new FrameCollector(0);
            try (Viewer viewer = Viewer.builder().node(relay.localAddress()).streamId(STREAM)
                    .token(token(NEW_ISSUER, STREAM, TokenRole.SUBSCRIBE, inOneHour(), null))
                    .listener(collector).failover(StallTolerantFailover.POLICY).build().start()) {
                FrameCollector.await(collector.connected, 5, "viewer connected");
                List<BadToken> cases = badTokens(TokenRole.PUBLISH);
                for (BadToken bad : cases) {
                    StateRecorder states = new StateRecorder();
                    try (Broadcaster broadcaster = Broadcaster.builder().node(relay.localAddress()).streamId(STREAM)
                            .token(bad.token).listener(states).failover(REFUSED_ONCE).build().start()) {
                        FrameCollector.await(states.failed, 5, "broadcaster refused (" + bad.name + ")");
                        assertTrue(states.reason.contains(bad.expected.name()), bad.name + ": " + states.reason);
                        assertReadsOnce(states.reason, relay, "PUBLISH");
                        assertEquals(ConnectionState.FAILED, broadcaster.state());
                    }
                }
                RelayStats stats = relay.stats();
                assertEquals(cases.size(), stats.tokensRejected(), stats.toString());
                assertEquals(0, stats.publishers(), stats.toString());
                assertEquals(0, stats.rtpReceived(), stats.toString());
                assertEquals(0, stats.packetsForwarded(), stats.toString());
                assertEquals(0, collector.indices().size());
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    @Test
    @Timeout(30)
    void refusals_neverAnswerWithMoreBytesThanTheRequest() throws Exception {
        try (RelayNode relay = secureRelay().start();
                DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            client.setSoTimeout(5000);
            send(client, relay, 1, new byte[0], new ControlMessage.Hello(42, 500));
            long cookie = ((ControlMessage.HelloAck) receive(client).message()).cookie();
            String forged = token(NEW_ISSUER, STREAM, TokenRole.SUBSCRIBE, inOneHour(), null);
            forged = forged.substring(0, forged.length() - 2) + (forged.endsWith("A") ? "BA" : "AA");
            // The shortest possible requests (1-character stream id) and one with a long token.
            Object[][] requests = {
                {new byte[0], new ControlMessage.Subscribe("s", 2, 0, cookie), ErrorCode.UNAUTHORIZED},
                {new byte[0], new ControlMessage.Subscribe("s", 2, 0), ErrorCode.NOT_JOINED}, // no cookie
                {forged.getBytes(StandardCharsets.US_ASCII), new ControlMessage.Subscribe(STREAM, 2, 0, cookie), ErrorCode.UNAUTHORIZED},
                {new byte[0], new ControlMessage.Publish("s", List.of(
                        new io.smoothcast.transport.internal.control.Track(1, 0, 96, 0, MediaKind.VIDEO, 0, 90_000, 0)), cookie),
                        ErrorCode.UNAUTHORIZED},
            };
            int requestId = 2;
            for (Object[] request : requests) {
                int sent = send(client, relay, requestId, (byte[]) request[0], (ControlMessage) request[1]);
                DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
                client.receive(reply);
                assertTrue(reply.getLength() <= sent, "reply " + reply.getLength() + " > request " + sent);
                DecodeResult decoded = ControlCodec.decode(Unpooled.wrappedBuffer(reply.getData(), 0, reply.getLength()));
                ControlMessage.Error error = (ControlMessage.Error) decoded.message();
                assertEquals(request[2], error.knownCode());
                assertEquals(requestId, decoded.requestId());
                requestId++;
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    private record BadToken(String name, String token, ErrorCode expected) {
    }

    /** The refusal names the node once, then the request and its code (it once said "node" twice). */
    private static void assertReadsOnce(String reason, RelayNode relay, String request) {
        assertTrue(reason.startsWith("node " + relay.localAddress() + " refused " + request + ": code "), reason);
        assertEquals(reason.indexOf("node "), reason.lastIndexOf("node "), reason);
    }

    /** One token per refusal reason, for the given role's request. */
    private static List<BadToken> badTokens(TokenRole role) {
        TokenRole other = role == TokenRole.PUBLISH ? TokenRole.SUBSCRIBE : TokenRole.PUBLISH;
        String valid = token(NEW_ISSUER, STREAM, role, inOneHour(), null);
        char last = valid.charAt(valid.length() - 1);
        String forgedMac = valid.substring(0, valid.length() - 1) + (last == 'A' ? 'B' : 'A');
        TokenIssuer foreign = new TokenIssuer(TokenKey.of("2026-11", secret(3))); // right key id, wrong secret
        TokenIssuer retired = new TokenIssuer(TokenKey.of("2026-09", secret(4)));
        return List.of(
                new BadToken("missing", null, ErrorCode.UNAUTHORIZED),
                new BadToken("malformed", "no_dot_here", ErrorCode.UNAUTHORIZED),
                new BadToken("forged MAC", forgedMac, ErrorCode.UNAUTHORIZED),
                new BadToken("wrong secret", token(foreign, STREAM, role, inOneHour(), null), ErrorCode.UNAUTHORIZED),
                new BadToken("retired key", token(retired, STREAM, role, inOneHour(), null), ErrorCode.UNAUTHORIZED),
                new BadToken("expired", token(NEW_ISSUER, STREAM, role, nowSeconds() - 3600, null),
                        ErrorCode.TOKEN_EXPIRED),
                new BadToken("wrong role", token(NEW_ISSUER, STREAM, other, inOneHour(), null), ErrorCode.FORBIDDEN),
                new BadToken("wrong stream", token(NEW_ISSUER, "other-stream", role, inOneHour(), null),
                        ErrorCode.FORBIDDEN),
                new BadToken("other node", token(NEW_ISSUER, STREAM, role, inOneHour(), "node-b"), ErrorCode.FORBIDDEN));
    }

    private static RelayNode secureRelay() {
        return RelayNode.builder().tokenVerifier(TokenVerifier.builder().addKey(OLD_KEY).addKey(NEW_KEY)
                .nodeId("node-a").allowedClockSkewSeconds(5).build()).build();
    }

    private static String token(TokenIssuer issuer, String stream, TokenRole role, long expiresAt, String node) {
        TokenClaims.Builder claims = TokenClaims.builder(stream, role, expiresAt);
        if (node != null) {
            claims.nodeId(node);
        }
        return issuer.issue(claims.build());
    }

    private static long nowSeconds() {
        return TimeUnit.MILLISECONDS.toSeconds(System.currentTimeMillis());
    }

    private static long inOneHour() {
        return nowSeconds() + 3600;
    }

    private static byte[] secret(int fill) {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) fill);
        return secret;
    }

    private static int send(DatagramSocket socket, RelayNode relay, int requestId, byte[] token, ControlMessage message)
            throws java.io.IOException {
        ByteBuf encoded = ControlCodec.encode(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, requestId, token, message);
        try {
            byte[] bytes = new byte[encoded.readableBytes()];
            encoded.readBytes(bytes);
            socket.send(new DatagramPacket(bytes, bytes.length, relay.localAddress()));
            return bytes.length;
        } finally {
            encoded.release();
        }
    }

    private static DecodeResult receive(DatagramSocket socket) throws java.io.IOException {
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        socket.receive(packet);
        return ControlCodec.decode(Unpooled.wrappedBuffer(packet.getData(), 0, packet.getLength()));
    }

    /** Records the first CONNECTED and the first FAILED with its reason. */
    private static final class StateRecorder implements BroadcasterListener {
        final CountDownLatch connected = new CountDownLatch(1);
        final CountDownLatch failed = new CountDownLatch(1);
        volatile String reason = "";

        @Override
        public void onStateChanged(ConnectionState state, String why) {
            if (state == ConnectionState.CONNECTED) {
                connected.countDown();
            } else if (state == ConnectionState.FAILED && failed.getCount() > 0) {
                reason = why;
                failed.countDown();
            }
        }
    }
}
