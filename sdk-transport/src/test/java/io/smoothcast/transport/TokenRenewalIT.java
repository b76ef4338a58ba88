package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.alert.Subject;
import io.smoothcast.security.TokenClaims;
import io.smoothcast.security.TokenIssuer;
import io.smoothcast.security.TokenKey;
import io.smoothcast.security.TokenRole;
import io.smoothcast.security.TokenVerifier;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.control.ErrorCode;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tokens that expire during a broadcast, over real UDP sockets on 127.0.0.1 with relays that
 * require tokens: the client warns when its token runs out (read from the token itself), keeps its
 * stream while its node stays (nodes check tokens only with a request), and when its node dies
 * the next node refuses the expired token; the listener hands in a renewed one and the client is
 * accepted there at once, its stream flowing again.
 */
class TokenRenewalIT {

    private static final String STREAM = "it-renewal";
    private static final TokenIssuer ISSUER = new TokenIssuer(TokenKey.of("k1", secret()));
    private static final int FRAMES = 300;
    private static final int KILL_AT_FRAME = 50;
    private static final long FRAME_INTERVAL_MS = 10;
    /**
     * Long enough for the client to connect before the token runs out, on a loaded host too
     * (expiries are whole Unix seconds, so the token lives 3-4 s; at 2 the first version's 1-2 s
     * left a slow join refused at the first node).
     */
    private static final long SHORT_LIFE_SECONDS = 4;

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    @Test
    @Timeout(60)
    void viewerWhoseTokenExpired_isRefusedByTheNextNode_renews_andRegainsTheStream() throws Exception {
        try (RelayNode a = secureRelay(); RelayNode b = secureRelay()) {
            List<InetSocketAddress> nodes = List.of(a.localAddress(), b.localAddress());
            // The broadcaster publishes to both nodes, so the stream survives the kill of A.
            try (Broadcaster broadcaster = Broadcaster.builder().nodes(nodes).streamId(STREAM)
                    .bitrateLimits(4_000_000, 5_000_000, 8_000_000)
                    .failover(FailoverPolicy.builder().redundant(true).build())
                    .token(token(TokenRole.PUBLISH, inSeconds(3600))).build().start()) {
                TokenEvents events = new TokenEvents(new FrameCollector(FRAMES - 1));
                long expiry = inSeconds(SHORT_LIFE_SECONDS);
                try (Viewer viewer = Viewer.builder().nodes(nodes).streamId(STREAM)
                        .token(token(TokenRole.SUBSCRIBE, expiry)).tokenExpiryWarning(Duration.ZERO)
                        .listener(events).build()) {
                    events.renew = () -> viewer.renewToken(token(TokenRole.SUBSCRIBE, inSeconds(3600)));
                    viewer.start();
                    FrameCollector.await(events.frames.connected, 5, "viewer connected");
                    FrameCollector.await(events.expiring, 10, "expiry warning");
                    assertEquals(List.of(expiry), events.expiries, "the token's own expiry, once");
                    assertEquals(List.of(), events.refusals, "A keeps the viewer: it checked the token at the SUBSCRIBE");

                    sendFrames(broadcaster, i -> {
                        if (i == KILL_AT_FRAME) {
                            new Thread(a::close).start();
                        }
                    });
                    FrameCollector.await(events.frames.lastFrame, 10, "last frame on node B after the renewal",
                            () -> detail(events, events.frames, viewer.state(), b));
                    assertEquals(List.of(b.localAddress() + " TOKEN_EXPIRED"), events.refusals);
                    assertEquals(1, viewer.stats().tokenRefusals(), viewer.stats().toString());
                    assertEquals(ConnectionState.CONNECTED, viewer.state());
                    assertEquals(1, b.stats().subscribers(), b.stats().toString());
                    assertEquals(1, b.stats().tokensRejected(), "the expired token, once: " + b.stats());
                    OpsSnapshot seen = opsSnapshot(ops -> ops.watch(viewer, new Subject(STREAM, "v1", "b", "eu")), b);
                    assertEquals(1, seen.receive().get(0).tokenRefusals(), "what operators see: " + seen);
                    assertEquals(1, seen.nodes().get(0).tokensRejected(), "what operators see: " + seen);
                    assertEquals(List.of(expiry), events.expiries, "no warning yet for the renewed token");
                }
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    @Test
    @Timeout(60)
    void broadcasterWhoseTokenExpired_isRefusedByTheNextNode_renews_andItsViewersGetTheStream() throws Exception {
        try (RelayNode a = secureRelay(); RelayNode b = secureRelay()) {
            FrameCollector frames = new FrameCollector(FRAMES - 1);
            try (Viewer viewer = Viewer.builder().node(b.localAddress()).streamId(STREAM)
                    .token(token(TokenRole.SUBSCRIBE, inSeconds(3600))).listener(frames).build().start()) {
                FrameCollector.await(frames.connected, 5, "viewer connected to B");
                TokenEvents events = new TokenEvents(null);
                long expiry = inSeconds(SHORT_LIFE_SECONDS);
                try (Broadcaster broadcaster = Broadcaster.builder().nodes(List.of(a.localAddress(), b.localAddress()))
                        .streamId(STREAM).bitrateLimits(4_000_000, 5_000_000, 8_000_000)
                        .token(token(TokenRole.PUBLISH, expiry)).tokenExpiryWarning(Duration.ZERO)
                        .listener(events).build()) {
                    events.renew = () -> broadcaster.renewToken(token(TokenRole.PUBLISH, inSeconds(3600)));
                    broadcaster.start();
                    FrameCollector.await(events.connected, 5, "broadcaster connected to A");
                    FrameCollector.await(events.expiring, 10, "expiry warning");
                    assertEquals(List.of(expiry), events.expiries);
                    assertEquals(1, a.stats().publishers(), "A keeps the stream after the token expired");

                    int refused = sendFrames(broadcaster, i -> {
                        if (i == KILL_AT_FRAME) {
                            new Thread(a::close).start();
                        }
                    });
                    FrameCollector.await(frames.lastFrame, 10, "last frame at the viewer on B",
                            () -> detail(events, frames, broadcaster.state(), b) + "; " + broadcaster.stats());
                    assertEquals(List.of(b.localAddress() + " TOKEN_EXPIRED"), events.refusals);
                    assertEquals(1, broadcaster.stats().tokenRefusals(), broadcaster.stats().toString());
                    assertEquals(ConnectionState.CONNECTED, broadcaster.state());
                    assertEquals(1, b.stats().publishers(), b.stats().toString());
                    assertEquals(1, b.stats().tokensRejected(), b.stats().toString());
                    OpsSnapshot seen = opsSnapshot(ops -> ops.watch(broadcaster, new Subject(STREAM, "cam", "b", "eu")), b);
                    assertEquals(1, seen.send().get(0).tokenRefusals(), "what operators see: " + seen);
                    assertEquals(1, seen.nodes().get(0).tokensRejected(), "what operators see: " + seen);
                    assertTrue(refused < FRAMES - KILL_AT_FRAME, "frames refused while FAILED: " + refused);
                }
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    /** One sample of an ops monitor watching a client (as {@code watchClient} says) and {@code node}. */
    private static OpsSnapshot opsSnapshot(java.util.function.Consumer<OpsMonitor> watchClient, RelayNode node) {
        try (OpsMonitor ops = OpsMonitor.builder().build()) {
            watchClient.accept(ops);
            ops.watch(node, "b", "eu");
            return ops.sample(0);
        }
    }

    /**
     * Sends {@link #FRAMES} frames, one per {@link #FRAME_INTERVAL_MS}, a keyframe every 30.
     *
     * @return how many the broadcaster refused (while it was FAILED, between a refusal and the renewal)
     */
    private static int sendFrames(Broadcaster broadcaster, java.util.function.IntConsumer afterFrame) throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        try {
            scheduler.scheduleAtFixedRate(() -> {
                int i = next.getAndIncrement();
                if (i >= FRAMES) {
                    done.countDown();
                    return;
                }
                byte[] frame = SyntheticFrames.frame(20261129L, i, 6000);
                if (!broadcaster.sendVideo(frame, 0, frame.length, System.nanoTime(), i % 30 == 0)) {
                    refused.incrementAndGet();
                }
                afterFrame.accept(i);
            }, 0, FRAME_INTERVAL_MS, TimeUnit.MILLISECONDS);
            FrameCollector.await(done, 30, "all frames handed to the broadcaster");
        } finally {
            scheduler.shutdownNow();
        }
        return refused.get();
    }

    private static String detail(TokenEvents events, FrameCollector frames, ConnectionState state, RelayNode b) {
        return ": refusals " + events.refusals + ", client " + state + ", viewer "
                + frames.deliverySummary(FRAMES) + ", node B " + b.stats();
    }

    /**
     * The expired-token repeat rule (PROTOCOL.md section 7) over a real socket, with a scripted
     * viewer: a SUBSCRIBE repeated after its token expired restates the role the session holds
     * and is accepted; the same token in a fresh join (after a HELLO) is refused.
     */
    @Test
    @Timeout(30)
    void aSubscribeRepeatedAfterItsTokenExpired_isAccepted_butAFreshJoinWithThatTokenIsRefused() throws Exception {
        try (RelayNode relay = secureRelay();
                DatagramSocket viewer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            viewer.setSoTimeout(5000);
            long expiry = inSeconds(2); // valid 1-2 s: whole seconds, no skew allowed
            byte[] token = token(TokenRole.SUBSCRIBE, expiry).getBytes(StandardCharsets.US_ASCII);
            long cookie = helloAck(viewer, relay, 1);
            assertTrue(request(viewer, relay, 2, token, new ControlMessage.Subscribe(STREAM, 2, 0, cookie))
                    instanceof ControlMessage.SubscribeAck, "subscribed while the token is valid");

            // The node reads the wall clock: nothing to wait for but the token's second.
            Thread.sleep(Math.max(0, TimeUnit.SECONDS.toMillis(expiry) - System.currentTimeMillis()) + 50);
            ControlMessage repeat = request(viewer, relay, 3, token, new ControlMessage.Subscribe(STREAM, 2, 0, cookie));
            assertTrue(repeat instanceof ControlMessage.SubscribeAck, "the repeat keeps the role: " + repeat);
            assertEquals(1, relay.stats().tokensExpiredRoleKept(), relay.stats().toString());

            cookie = helloAck(viewer, relay, 4); // a fresh join
            ControlMessage refusal = request(viewer, relay, 5, token, new ControlMessage.Subscribe(STREAM, 2, 0, cookie));
            assertTrue(refusal instanceof ControlMessage.Error error && error.knownCode() == ErrorCode.TOKEN_EXPIRED,
                    "refused: " + refusal);
            assertEquals(1, relay.stats().tokensExpiredRoleKept());
            assertEquals(1, relay.stats().tokensRejected());
        }
        NettyLeaks.assertNoLeaks();
    }

    /** Sends a HELLO under {@code requestId}, returns the cookie of its HELLO_ACK. */
    private static long helloAck(DatagramSocket client, RelayNode relay, int requestId) throws IOException {
        ControlMessage reply = request(client, relay, requestId, new byte[0], new ControlMessage.Hello(42, 500));
        assertTrue(reply instanceof ControlMessage.HelloAck, "HELLO answered: " + reply);
        return ((ControlMessage.HelloAck) reply).cookie();
    }

    /** Sends a control request and returns the node's answer to it (anything else it sent is skipped). */
    private static ControlMessage request(DatagramSocket client, RelayNode relay, int requestId, byte[] token,
            ControlMessage message) throws IOException {
        ByteBuf encoded = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, requestId, token, message);
        try {
            byte[] bytes = ByteBufUtil.getBytes(encoded);
            client.send(new DatagramPacket(bytes, bytes.length, relay.localAddress()));
        } finally {
            encoded.release();
        }
        while (true) {
            DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
            client.receive(packet); // the socket's timeout bounds the wait
            DecodeResult answer = ControlCodec.decode(Unpooled.wrappedBuffer(packet.getData(), 0, packet.getLength()));
            if (answer.ok() && answer.requestId() == requestId) {
                return answer.message();
            }
        }
    }

    /** Records token events; renews the token when a node refuses it, from the I/O thread. */
    private static final class TokenEvents implements ViewerListener, BroadcasterListener {
        final FrameCollector frames;
        final CountDownLatch connected = new CountDownLatch(1);
        final CountDownLatch expiring = new CountDownLatch(1);
        final List<Long> expiries = new CopyOnWriteArrayList<>();
        final List<String> refusals = new CopyOnWriteArrayList<>();
        volatile Runnable renew;

        TokenEvents(FrameCollector frames) {
            this.frames = frames;
        }

        @Override
        public void onStateChanged(ConnectionState state, String reason) {
            if (state == ConnectionState.CONNECTED) {
                connected.countDown();
            }
            if (frames != null) {
                frames.onStateChanged(state, reason);
            }
        }

        @Override
        public void onFrame(ReceivedFrame frame) {
            frames.onFrame(frame);
        }

        @Override
        public void onNodeSwitched(InetSocketAddress from, InetSocketAddress to, NodeSwitchReason reason,
                String detail) {
        }

        @Override
        public void onTokenExpiring(long expiresAtEpochSeconds) {
            expiries.add(expiresAtEpochSeconds);
            expiring.countDown();
        }

        @Override
        public void onTokenRefused(InetSocketAddress node, TokenRefusal refusal) {
            refusals.add(node + " " + refusal);
            renew.run();
        }
    }

    private static RelayNode secureRelay() {
        // No clock skew allowed: the expired token is refused as soon as its second has come.
        return RelayNode.builder().tokenVerifier(TokenVerifier.builder().addKey(TokenKey.of("k1", secret()))
                .allowedClockSkewSeconds(0).build()).build().start();
    }

    private static String token(TokenRole role, long expiresAtEpochSeconds) {
        return ISSUER.issue(TokenClaims.builder(STREAM, role, expiresAtEpochSeconds).build());
    }

    private static long inSeconds(long seconds) {
        return System.currentTimeMillis() / 1000 + seconds;
    }

    private static byte[] secret() {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) 7);
        return secret;
    }
}
