package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.security.TokenClaims;
import io.smoothcast.security.TokenIssuer;
import io.smoothcast.security.TokenKey;
import io.smoothcast.security.TokenRole;
import io.smoothcast.security.TokenVerifier;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cascade links carry tokens: an origin node that requires tokens serves an edge node that signs
 * its upstream SUBSCRIBE with the cluster key, and refuses edges without a token or with a
 * foreign key (their viewers get nothing). Real sockets on 127.0.0.1.
 */
class CascadeTokenIT {

    private static final String STREAM = "it-cascade-secure";
    private static final int FRAMES = 60;
    private static final TokenKey APP_KEY = TokenKey.of("app-1", filled(11));
    private static final TokenKey CLUSTER_KEY = TokenKey.of("cluster-1", filled(22));

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    @Test
    @Timeout(90)
    void edgeWithClusterKey_isServed_edgesWithoutOrWithForeignKey_areRefused() throws Exception {
        TokenVerifier originVerifier = TokenVerifier.builder().addKey(APP_KEY).addKey(CLUSTER_KEY).build();
        try (RelayNode origin = RelayNode.builder().tokenVerifier(originVerifier).build().start();
                RelayNode trustedEdge = RelayNode.builder().upstream(origin.localAddress())
                        .upstreamTokenIssuer(new TokenIssuer(CLUSTER_KEY)).build().start();
                RelayNode tokenlessEdge = RelayNode.builder().upstream(origin.localAddress()).build().start();
                RelayNode foreignEdge = RelayNode.builder().upstream(origin.localAddress())
                        .upstreamTokenIssuer(new TokenIssuer(TokenKey.of("cluster-1", filled(99)))).build().start()) {
            CountDownLatch published = new CountDownLatch(1);
            try (Broadcaster broadcaster = Broadcaster.builder().node(origin.localAddress()).streamId(STREAM)
                    .bitrateLimits(4_000_000, 5_000_000, 8_000_000)
                    .token(new TokenIssuer(APP_KEY).issue(TokenClaims.builder(STREAM, TokenRole.PUBLISH,
                            System.currentTimeMillis() / 1000 + 3600).build()))
                    .failover(StallTolerantFailover.POLICY)
                    .listener(new BroadcasterListener() {
                        @Override
                        public void onStateChanged(ConnectionState state, String reason) {
                            if (state == ConnectionState.CONNECTED) {
                                published.countDown();
                            }
                        }
                    }).build().start()) {
                FrameCollector.await(published, 10, "broadcaster connected to the origin");
                FrameCollector served = new FrameCollector(FRAMES - 1);
                FrameCollector tokenless = new FrameCollector(0);
                FrameCollector foreign = new FrameCollector(0);
                try (Viewer viewer = Viewer.builder().node(trustedEdge.localAddress()).streamId(STREAM)
                        .listener(served).failover(StallTolerantFailover.POLICY).build().start();
                        Viewer refused1 = Viewer.builder().node(tokenlessEdge.localAddress()).streamId(STREAM)
                                .listener(tokenless).failover(StallTolerantFailover.POLICY).build().start();
                        Viewer refused2 = Viewer.builder().node(foreignEdge.localAddress()).streamId(STREAM)
                                .listener(foreign).failover(StallTolerantFailover.POLICY).build().start()) {
                    for (FrameCollector c : List.of(served, tokenless, foreign)) {
                        FrameCollector.await(c.connected, 10, "viewers connected to their edges");
                    }
                    awaitRejections(origin, 2);
                    BroadcastThroughRelayIT.sendFrames(broadcaster, FRAMES, null);
                    FrameCollector.await(served.lastFrame, 15, "last frame through the trusted edge");
                    assertEquals(IntStream.range(0, FRAMES).boxed().toList(), served.indices());
                    assertEquals(0, served.corrupted());
                    assertEquals(List.of(), tokenless.indices(), "no media through the edge without a token");
                    assertEquals(List.of(), foreign.indices(), "no media through the edge with a foreign key");
                }
            }
            RelayStats stats = origin.stats();
            assertEquals(2, stats.tokensAccepted(), "broadcaster and trusted edge: " + stats);
            assertTrue(stats.tokensRejected() >= 2, "tokenless and foreign edges: " + stats);
            assertEquals(0, tokenlessEdge.stats().packetsForwarded() + foreignEdge.stats().packetsForwarded());
        }
        NettyLeaks.assertNoLeaks();
    }

    /** Waits (bounded) until the origin refused the two untrusted edges' SUBSCRIBEs. */
    private static void awaitRejections(RelayNode origin, int count) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (origin.stats().tokensRejected() < count && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.yield();
        }
        assertTrue(origin.stats().tokensRejected() >= count, origin.stats().toString());
    }

    private static byte[] filled(int value) {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) value);
        return secret;
    }
}
