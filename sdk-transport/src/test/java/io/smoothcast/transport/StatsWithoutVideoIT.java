package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.alert.Subject;
import io.smoothcast.jitter.JitterBufferStats;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.transport.internal.client.ReceiveTrack;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a viewer's stats and its ops snapshots say about a stream without video, over real UDP
 * (broadcaster, relay, viewer on 127.0.0.1): frames every 20 ms with one 400 ms gap, a freeze by
 * W3C's rule in the buffer that carries them. A messages-only stream reports no media figures
 * (no playout delay, jitter, buffer delay or latency) and an audio-only stream the audio's; in
 * neither do the gaps count as freezes (W3C counts freezes of video only). W3C's
 * {@code framesDecoded} counts the audio's frames without video, none in a stream of messages only,
 * and the video's only in a stream of video and audio.
 */
class StatsWithoutVideoIT {

    private static final int FRAMES = 60;
    /** Frames not sent: 400 ms of silence in the middle. */
    private static final int GAP_FROM = 25;
    private static final int GAP_TO = 45;
    private static final int SENT = FRAMES - (GAP_TO - GAP_FROM);
    private static final int FRAME_INTERVAL_MS = 20;
    private static final int PLAYOUT_DELAY_MS = 300;

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    @Test
    @Timeout(60)
    void messagesOnly_noPlayoutDelayJitterBufferDelayOrLatency_andTheirGapIsNoFreeze() throws Exception {
        ViewedStream seen = watch(false, false);
        String detail = seen.detail();
        assertTrue(seen.bufferFreezes >= 1, "the messages' buffer counted the gap: " + detail);
        assertEquals(SENT, seen.stats.framesDelivered(), detail);
        assertEquals(0, seen.stats.framesDecoded(), "no media, nothing decoded: " + detail);
        assertEquals(0, seen.sampled.framesDecoded(), detail);
        assertEquals(0, seen.stats.playoutDelayNs(), "no media: 0, as before the tracks are known: " + detail);
        assertEquals(0, seen.stats.endToEndLatencyCount() + seen.stats.receiptLatencyCount(), detail);
        assertEquals(0, seen.stats.freezeCount(), detail);
        assertEquals(0, seen.stats.totalFreezesDurationNs(), detail);
        ReceiveStreamStats sampled = seen.sampled;
        assertTrue(Double.isNaN(sampled.jitterMs()), "no media, no jitter: " + detail);
        assertTrue(Double.isNaN(sampled.jitterBufferDelayMs()), detail);
        assertTrue(Double.isNaN(sampled.endToEndLatencyMs()), detail);
        assertTrue(Double.isNaN(sampled.captureToReceiptLatencyMs()), detail);
        assertEquals(0, sampled.freezeCount(), detail);
        assertEquals(0, sampled.totalFreezesDurationMs(), detail);
        assertEquals(0.0, sampled.stallRate(), detail);
    }

    @Test
    @Timeout(60)
    void audioOnly_theAudiosFigures_butItsGapIsNoFreeze() throws Exception {
        ViewedStream seen = watch(true, false);
        String detail = seen.detail();
        assertTrue(seen.bufferFreezes >= 1, "the audio's buffer counted the gap: " + detail);
        assertEquals(SENT, seen.stats.framesDelivered(), detail);
        assertEquals(SENT, seen.stats.framesDecoded(), "the audio's frames: " + detail);
        assertEquals(SENT, seen.sampled.framesDecoded(), detail);
        assertTrue(seen.stats.playoutDelayNs() > 0, "the audio's playout delay: " + detail);
        assertEquals(SENT, seen.stats.endToEndLatencyCount(), detail);
        assertEquals(0, seen.stats.freezeCount(), "an audio gap is concealment, not a freeze: " + detail);
        assertEquals(0, seen.stats.totalFreezesDurationNs(), detail);
        ReceiveStreamStats sampled = seen.sampled;
        assertTrue(sampled.jitterBufferDelayMs() > 0, "the audio's buffer delay: " + detail);
        assertTrue(sampled.jitterMs() >= 0, "the audio's jitter: " + detail);
        assertEquals(0, sampled.freezeCount(), detail);
        assertEquals(0, sampled.totalFreezesDurationMs(), detail);
    }

    /**
     * With video beside the audio, W3C's {@code framesDecoded} counts the video frames only (every
     * delivered frame, audio included, made the snapshots' frame rate about the video's + 50).
     */
    @Test
    @Timeout(60)
    void videoAndAudio_framesDecodedCountsTheVideoFrames_framesDeliveredEveryFrame() throws Exception {
        ViewedStream seen = watch(true, true);
        String detail = seen.detail();
        assertEquals(2 * SENT, seen.stats.framesDelivered(), "video and audio: " + detail);
        assertEquals(SENT, seen.stats.framesDecoded(), "the video's frames: " + detail);
        assertEquals(SENT, seen.sampled.framesDecoded(), detail);
    }

    /**
     * An audio-only stream that gains video (its publisher comes back with video): W3C's
     * {@code framesDecoded} counts the audio's frames up to then, the video's after, so it goes on
     * from the audio's count instead of starting again from the video's.
     */
    @Test
    @Timeout(60)
    void audioOnlyThenVideo_framesDecodedGoesOnFromTheAudiosCount() throws Exception {
        try (RelayNode relay = RelayNode.builder().build().start()) {
            CountDownLatch audioPlayed = new CountDownLatch(SENT);
            CountDownLatch allPlayed = new CountDownLatch(3 * SENT);
            try (Viewer viewer = connectedViewer(relay, () -> {
                audioPlayed.countDown();
                allPlayed.countDown();
            })) {
                try (Broadcaster audioOnly = connectedBroadcaster(relay.localAddress(), true, false)) {
                    send(audioOnly, true, false);
                    FrameCollector.await(audioPlayed, 20, "the audio's frames", () -> viewer.stats().toString());
                }
                assertEquals(SENT, viewer.stats().framesDecoded(), "the audio's frames: " + viewer.stats());
                try (Broadcaster withVideo = connectedBroadcaster(relay.localAddress(), true, true)) {
                    send(withVideo, true, true);
                    FrameCollector.await(allPlayed, 20, "the audio's and video's frames",
                            () -> viewer.stats().toString());
                }
                assertEquals(2 * SENT, viewer.stats().framesDecoded(),
                        "the audio's frames, then the video's: " + viewer.stats());
            }
        } finally {
            NettyLeaks.assertNoLeaks();
        }
    }

    /** The viewer's stats and an ops sample once every frame was played, and its buffers' freezes. */
    private record ViewedStream(ViewerStats stats, ReceiveStreamStats sampled, long bufferFreezes) {
        String detail() {
            return "buffer freezes " + bufferFreezes + "; " + stats + "; " + sampled;
        }
    }

    /**
     * Broadcasts audio (or messages) with the gap, with or without video (its frames beside the
     * others'), and watches it through a relay.
     */
    private static ViewedStream watch(boolean audio, boolean video) throws Exception {
        int expected = video ? 2 * SENT : SENT;
        try (RelayNode relay = RelayNode.builder().build().start()) {
            CountDownLatch lastFrame = new CountDownLatch(1);
            AtomicInteger played = new AtomicInteger();
            try (Viewer viewer = connectedViewer(relay, () -> {
                if (played.incrementAndGet() == expected) {
                    lastFrame.countDown();
                }
            })) {
                ViewerStatsSource ops = new ViewerStatsSource(viewer,
                        new Subject("it-novideo", "viewer-1", "node-1", "local"), 1_000_000_000L);
                ops.sample(System.nanoTime());
                try (Broadcaster broadcaster = connectedBroadcaster(relay.localAddress(), audio, video)) {
                    send(broadcaster, audio, video);
                    FrameCollector.await(lastFrame, 20, "the last frame",
                            () -> played.get() + " played; " + viewer.stats() + "; " + relay.stats());
                    // before the broadcaster leaves and the tracks go
                    ReceiveStreamStats sampled = ops.sample(System.nanoTime());
                    ViewerStats stats = viewer.stats();
                    long bufferFreezes = 0;
                    JitterBufferStats buffer = new JitterBufferStats();
                    for (ReceiveTrack t : viewer.engineForStats().tracks()) {
                        t.buffer().readStats(buffer);
                        bufferFreezes += buffer.freezeCount();
                    }
                    return new ViewedStream(stats, sampled, bufferFreezes);
                }
            }
        } finally {
            NettyLeaks.assertNoLeaks();
        }
    }

    /** A viewer of the stream through the relay, once CONNECTED; {@code onFrame} runs for each frame played. */
    private static Viewer connectedViewer(RelayNode relay, Runnable onFrame) throws InterruptedException {
        CountDownLatch connected = new CountDownLatch(1);
        ViewerListener listener = new ViewerListener() {
            @Override
            public void onStateChanged(ConnectionState state, String reason) {
                if (state == ConnectionState.CONNECTED) {
                    connected.countDown();
                }
            }

            @Override
            public void onFrame(ReceivedFrame frame) {
                onFrame.run();
            }
        };
        Viewer viewer = Viewer.builder().node(relay.localAddress()).streamId("it-novideo")
                .fixedPlayoutDelayMs(PLAYOUT_DELAY_MS).listener(listener)
                .failover(StallTolerantFailover.POLICY).build().start();
        try {
            FrameCollector.await(connected, 10, "viewer connected");
        } catch (InterruptedException | RuntimeException | Error e) {
            viewer.close();
            throw e;
        }
        return viewer;
    }

    private static Broadcaster connectedBroadcaster(InetSocketAddress node, boolean audio, boolean video)
            throws InterruptedException {
        return AudioLossRecoveryIT.startConnected(Broadcaster.builder().node(node).streamId("it-novideo").video(video)
                .audio(audio).messages(!audio).maxSendDelay(Broadcaster.NO_SEND_DELAY_LIMIT)
                .failover(StallTolerantFailover.POLICY));
    }

    /** Sends the frames, one every 20 ms but for the gap, from a scheduler thread; returns when all went. */
    private static void send(Broadcaster broadcaster, boolean audio, boolean video) throws InterruptedException {
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
                if (i >= GAP_FROM && i < GAP_TO) {
                    return;
                }
                byte[] frame = new byte[160];
                frame[0] = (byte) i;
                boolean taken = audio ? broadcaster.sendAudio(frame, 0, frame.length, System.nanoTime())
                        : broadcaster.sendMessage(frame, 0, frame.length, System.nanoTime());
                if (video && !broadcaster.sendVideo(frame, 0, frame.length, System.nanoTime(), i == 0)) {
                    taken = false;
                }
                if (!taken) {
                    refused.incrementAndGet();
                }
            }, 0, FRAME_INTERVAL_MS, TimeUnit.MILLISECONDS);
            FrameCollector.await(done, 30, "all frames handed over");
        } finally {
            scheduler.shutdownNow();
        }
        assertEquals(0, refused.get(), "frames the broadcaster refused");
    }
}
