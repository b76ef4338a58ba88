package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.security.FrameKey;
import io.smoothcast.security.SframeCipherSuite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End-to-end frame encryption (SFrame) through a real relay over UDP on 127.0.0.1. The relay
 * holds no key and forwards ciphertext. A viewer with the key behind a tampering proxy gets every
 * untouched frame byte-exactly, and the proxy's altered and replayed frames are refused and
 * counted; a viewer with the wrong secret, one with another key id and one with no key get
 * nothing decodable, and the first two say why.
 */
class FrameEncryptionIT {

    private static final String STREAM = "it-e2e";
    private static final int FRAMES = 100;
    /** Frames stay within one packet, so the proxy's payload swap replays whole frames. */
    private static final int MAX_FRAME_BYTES = 900;
    private static final long SEED = 9605L;
    private static final byte[] SECRET = "stream-secret-from-app-server-01".getBytes();
    private static final FrameKey KEY = FrameKey.of(SframeCipherSuite.AES_128_GCM_SHA256_128, 7, SECRET);

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    @Test
    @Timeout(90)
    void relayForwardsCiphertext_rightKeyDecrypts_tamperedReplayedAndForeignFramesAreRefused() throws Exception {
        try (RelayNode relay = RelayNode.builder().build().start();
                TamperingProxy proxy = new TamperingProxy(relay.localAddress())) {
            FrameCollector good = new FrameCollector(FRAMES - 1);
            RejectionLog goodRejections = new RejectionLog();
            FrameCollector wrongSecret = new FrameCollector(FRAMES - 1);
            RejectionLog wrongSecretRejections = new RejectionLog();
            FrameCollector otherKeyId = new FrameCollector(FRAMES - 1);
            RejectionLog otherKeyIdRejections = new RejectionLog();
            FrameCollector noKey = new FrameCollector(FRAMES - 1);
            try (Viewer goodViewer = Viewer.builder().node(proxy.address()).streamId(STREAM)
                    .frameDecryptionKey(KEY).listener(goodRejections.wrapping(good))
                    .failover(StallTolerantFailover.POLICY).build().start();
                    Viewer wrongSecretViewer = Viewer.builder().node(relay.localAddress()).streamId(STREAM)
                            .frameDecryptionKey(FrameKey.of(KEY.suite(), KEY.keyId(),
                                    "an-attacker-guessing-the-secret!".getBytes()))
                            .listener(wrongSecretRejections.wrapping(wrongSecret))
                            .failover(StallTolerantFailover.POLICY).build().start();
                    Viewer otherKeyIdViewer = Viewer.builder().node(relay.localAddress()).streamId(STREAM)
                            .frameDecryptionKey(FrameKey.of(KEY.suite(), 8, SECRET))
                            .listener(otherKeyIdRejections.wrapping(otherKeyId))
                            .failover(StallTolerantFailover.POLICY).build().start();
                    Viewer noKeyViewer = Viewer.builder().node(relay.localAddress()).streamId(STREAM)
                            .listener(noKey).failover(StallTolerantFailover.POLICY).build().start()) {
                for (FrameCollector c : List.of(good, wrongSecret, otherKeyId, noKey)) {
                    FrameCollector.await(c.connected, 10, "viewers connected");
                }
                CountDownLatch broadcasterConnected = new CountDownLatch(1);
                try (Broadcaster broadcaster = Broadcaster.builder().node(relay.localAddress()).streamId(STREAM)
                        .bitrateLimits(1_000_000, 2_000_000, 4_000_000).frameEncryption(KEY)
                        // Every frame is expected at the viewer with the key: a host stall of about
                        // 1 s (934 ms seen in NodeSwitchIT) would let the default send-delay limit
                        // drop a queued frame, which this test would report as a decryption fault.
                        .maxSendDelay(Broadcaster.NO_SEND_DELAY_LIMIT)
                        .listener(new BroadcasterListener() {
                            @Override
                            public void onStateChanged(ConnectionState state, String reason) {
                                if (state == ConnectionState.CONNECTED) {
                                    broadcasterConnected.countDown();
                                }
                            }
                        }).failover(StallTolerantFailover.POLICY).build().start()) {
                    FrameCollector.await(broadcasterConnected, 10, "broadcaster connected");
                    sendSmallFrames(broadcaster);
                    FrameCollector.await(good.lastFrame, 15, "last frame at the viewer with the key");
                    awaitRejections(wrongSecretRejections, FRAMES - 5);
                    awaitRejections(otherKeyIdRejections, FRAMES - 5);
                    assertEquals(FRAMES, broadcaster.encryptionStats().framesEncrypted());
                    assertEquals(0, broadcaster.encryptionStats().encryptionFailed());
                }

                // The viewer with the key: untouched frames byte-exact, the proxy's frames refused.
                FrameEncryptionStats stats = goodViewer.encryptionStats();
                List<Integer> expected = new ArrayList<>();
                for (int i = 0; i < FRAMES; i++) {
                    if (i % 10 != 3 && i % 10 != 7) {
                        expected.add(i);
                    }
                }
                assertEquals(expected, good.indices(), stats.toString());
                assertEquals(0, good.corrupted(), stats.toString());
                assertEquals(proxy.tampered(), stats.authenticationFailed(), stats.toString());
                assertEquals(proxy.replayed(), stats.replayed(), stats.toString());
                assertEquals(expected.size(), stats.framesDecrypted(), stats.toString());
                assertEquals(Map.of("AUTHENTICATION_FAILED", proxy.tampered(), "REPLAYED", proxy.replayed()),
                        goodRejections.counts());
                assertEquals(FRAMES / 10, proxy.tampered());
                // The frame after each refused one tells the decoder it follows a loss.
                List<Integer> afterRefused = new ArrayList<>();
                for (int i = 0; i < FRAMES; i++) {
                    if (i % 10 == 4 || i % 10 == 8) {
                        afterRefused.add(i);
                    }
                }
                assertTrue(goodRejections.flaggedAfterLoss.containsAll(afterRefused),
                        "flagged: " + goodRejections.flaggedAfterLoss);

                // Wrong secret: every frame fails authentication, nothing is delivered.
                FrameEncryptionStats wrong = wrongSecretViewer.encryptionStats();
                assertEquals(0, wrong.framesDecrypted(), wrong.toString());
                assertTrue(wrong.authenticationFailed() >= FRAMES - 5, wrong.toString());
                assertEquals(wrong.framesRejected(), wrong.authenticationFailed(), wrong.toString());
                assertEquals(List.of(), wrongSecret.indices());
                assertEquals(0, wrongSecret.corrupted(), "refused frames never reach onFrame");
                assertEquals(Map.of("AUTHENTICATION_FAILED", (int) wrong.authenticationFailed()),
                        wrongSecretRejections.counts());

                // A key id the viewer does not hold.
                FrameEncryptionStats other = otherKeyIdViewer.encryptionStats();
                assertEquals(0, other.framesDecrypted(), other.toString());
                assertTrue(other.unknownKey() >= FRAMES - 5, other.toString());
                assertEquals(List.of(), otherKeyId.indices());

                // No key at all: the frames arrive, but as ciphertext (no checksum matches).
                assertEquals(List.of(), noKey.indices());
                assertTrue(noKey.corrupted() >= FRAMES - 5, "frames at the keyless viewer: " + noKey.corrupted());
                assertEquals(FrameEncryptionStats.NONE, noKeyViewer.encryptionStats());
            }
            RelayStats relayStats = relay.stats();
            assertTrue(relayStats.packetsForwarded() >= 4L * (FRAMES - 5), relayStats.toString());
            // The default caps per authenticated session never touch a normal stream and its viewers.
            assertEquals(0, relayStats.publisherRateLimited() + relayStats.peerControlRateLimited(), relayStats.toString());
        }
        NettyLeaks.assertNoLeaks();
    }

    private static void awaitRejections(RejectionLog log, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (log.total.sum() < atLeast && System.nanoTime() < deadline) {
            synchronized (log) {
                log.wait(100);
            }
        }
        assertTrue(log.total.sum() >= atLeast, "rejections: " + log.counts());
    }

    /** Sends {@link #FRAMES} single-packet video frames, one every 20 ms. */
    private static void sendSmallFrames(Broadcaster broadcaster) throws InterruptedException {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger next = new AtomicInteger();
        List<Integer> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
        try {
            scheduler.scheduleAtFixedRate(() -> {
                int i = next.getAndIncrement();
                if (i >= FRAMES) {
                    done.countDown();
                    return;
                }
                byte[] frame = SyntheticFrames.frame(SEED, i, MAX_FRAME_BYTES);
                if (!broadcaster.sendVideo(frame, 0, frame.length, System.nanoTime(), i % 30 == 0)) {
                    refused.add(i);
                }
            }, 0, 20, TimeUnit.MILLISECONDS);
            FrameCollector.await(done, 20, "all frames handed to the broadcaster");
        } finally {
            scheduler.shutdownNow();
        }
        // A refused frame is missing at every viewer and shifts the proxy's tampering off the
        // expected frames: say so here rather than as a decryption mismatch later.
        assertTrue(refused.isEmpty(), () -> "frames not accepted: " + FrameCollector.ranges(refused) + "; "
                + broadcaster.stats());
    }

    /** Counts {@link ViewerListener#onFrameRejected} reasons and forwards the rest to a collector. */
    private static final class RejectionLog {
        private final Map<String, AtomicInteger> reasons = new ConcurrentHashMap<>();
        final LongAdder total = new LongAdder();
        /** Indices of delivered frames flagged {@link ReceivedFrame#followsLoss()}. */
        final List<Integer> flaggedAfterLoss = new java.util.concurrent.CopyOnWriteArrayList<>();

        ViewerListener wrapping(FrameCollector collector) {
            return new ViewerListener() {
                @Override
                public void onFrame(ReceivedFrame frame) {
                    collector.onFrame(frame);
                    if (frame.followsLoss()) {
                        flaggedAfterLoss.add(SyntheticFrames.verify(frame.toByteArray()));
                    }
                }

                @Override
                public void onStateChanged(ConnectionState state, String reason) {
                    collector.onStateChanged(state, reason);
                }

                @Override
                public void onFrameRejected(int ssrc, String reason) {
                    reasons.computeIfAbsent(reason, r -> new AtomicInteger()).incrementAndGet();
                    total.increment();
                    synchronized (RejectionLog.this) {
                        RejectionLog.this.notifyAll();
                    }
                }
            };
        }

        Map<String, Integer> counts() {
            Map<String, Integer> out = new java.util.HashMap<>();
            reasons.forEach((k, v) -> out.put(k, v.get()));
            return out;
        }
    }
}
