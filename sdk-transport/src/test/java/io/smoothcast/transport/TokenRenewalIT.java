package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.alert.Subject;
import io.smoothcast.security.TokenClaims;
import io.smoothcast.security.TokenIssuer;
import io.smoothcast.security.TokenKey;
import io.smoothcast.security.TokenRole;
import io.smoothcast.security.TokenVerifier;
import java.net.InetSocketAddress;
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
