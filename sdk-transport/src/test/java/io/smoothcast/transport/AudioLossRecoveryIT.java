package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.jitter.JitterBufferStats;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.transport.internal.client.ReceiveTrack;
import io.smoothcast.transport.internal.client.ViewerEngine;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An audio-only stream (the video track announced but never sent) over two lossy legs, 5 %
 * random loss each way and 100 ms round trip on the broadcaster's uplink and on the viewer's
 * downlink, over real UDP: the broadcaster answers the relay's NACKs for audio and the relay's
 * cache answers the viewer's, so that no more than 1 % of the measured audio frames stay lost
 * (before session 16 audio had no RTX and about one in ten was lost: two legs of 5 %).
 */
class AudioLossRecoveryIT {

    private static final long SEED = 20261129L;
    /**
     * Frames of the start, not counted: a receiver cannot ask for packets sent before the first
     * one it got (see {@link LossRecoveryIT}).
     */
    private static final int JOIN_FRAMES = 25;
    /** Measured: 6 s of 20 ms frames. */
    private static final int FRAMES = 300;
    /** Sent after the measured ones, so a loss at the end shows a gap too. */
    private static final int TAIL_FRAMES = 25;
    private static final int LAST_MEASURED = JOIN_FRAMES + FRAMES - 1;
    private static final int FRAME_INTERVAL_MS = 20;
    /** An Opus frame at 64 kbps is 160 bytes; each synthetic frame is one packet. */
    private static final int FRAME_BYTES = 200;
    private static final int VIDEO_FRAME_BYTES = 2000;
    /** As {@link LossRecoveryIT}'s: room for four repair rounds on a loaded machine. */
    private static final int PLAYOUT_DELAY_MS = 800;

    /**
     * How far audio's adaptive playout delay may lie above video's: one 20 ms audio frame (the
     * two estimates see different packets and move in 2 ms steps).
     */
    private static final long DELAY_SLACK_NS = TimeUnit.MILLISECONDS.toNanos(20);

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    @Test
    @Timeout(60)
    void audioOnly_fivePercentLossOnBothLegs_repairedByBroadcasterAndRelay() throws Exception {
        try (RelayNode relay = RelayNode.builder().build().start();
                NetworkEmulator uplink = NetworkEmulator.builder().target(relay.localAddress())
                        .toTarget(LossRecoveryIT.lossyLink(11)).fromTarget(LossRecoveryIT.lossyLink(12)).build().start();
                NetworkEmulator downlink = NetworkEmulator.builder().target(relay.localAddress())
                        .toTarget(LossRecoveryIT.lossyLink(13)).fromTarget(LossRecoveryIT.lossyLink(14)).build().start()) {
            AudioFrames received = new AudioFrames();
            try (Viewer viewer = Viewer.builder().node(downlink.localAddress()).streamId("it-audio")
                    .fixedPlayoutDelayMs(PLAYOUT_DELAY_MS).listener(received)
                    .failover(StallTolerantFailover.POLICY).build().start()) {
                FrameCollector.await(received.connected, 10, "viewer connected through the emulator");
                try (Broadcaster broadcaster = connectedAudioBroadcaster(uplink.localAddress())) {
                    sendAudio(broadcaster, JOIN_FRAMES + FRAMES + TAIL_FRAMES, false);
                    String context = "; " + viewer.stats() + "; uplink " + uplink.stats() + "; downlink "
                            + downlink.stats() + "; " + relay.stats() + "; " + broadcaster.stats();
                    FrameCollector.await(received.pastMeasured, 20, "an audio frame after the measured ones",
                            () -> received.indices() + context);
                    ViewerStats stats = viewer.stats(); // before the broadcaster leaves and the tracks go
                    List<Integer> missing = received.missingMeasured();
                    String detail = "lost " + missing.size() + " of " + FRAMES + " audio frames " + missing
                            + "; " + stats + "; uplink " + uplink.stats() + "; downlink " + downlink.stats() + "; "
                            + relay.stats() + "; " + broadcaster.stats();
                    System.out.println("AudioLossRecoveryIT: " + detail);
                    received.assertInOrderIntact(detail);
                    assertEquals(0, received.videoFrames(), "audio only: " + detail);
                    assertTrue(uplink.stats().toTargetLost() > 0 && downlink.stats().fromTargetLost() > 0,
                            "the emulators dropped: " + detail);
                    assertTrue(broadcaster.stats().retransmissionsSent() > 0, "the broadcaster repaired: " + detail);
                    assertTrue(relay.stats().sourceRetransmissionsReceived() > 0, "the relay restored: " + detail);
                    assertTrue(relay.stats().retransmissionsSent() > 0, "the relay's cache repaired: " + detail);
                    assertTrue(stats.retransmissionsReceived() > 0, "the viewer got RTX: " + detail);
                    assertTrue(missing.size() <= FRAMES / 100, "residual audio loss <= 1 %: " + detail);
                }
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    /**
     * Audio and video over a lossy downlink (5 % each way, 100 ms round trip) to a viewer with
     * the default adaptive playout delay: audio's own buffer plays at a delay no longer than the
     * video's timeline (both have one round trip of repair headroom; audio's repairs must not
     * make audio wait longer than the video it plays beside).
     */
    @Test
    @Timeout(60)
    void audioAndVideo_adaptiveDelay_audioRepairsAddNoDelayBeyondVideos() throws Exception {
        try (RelayNode relay = RelayNode.builder().build().start();
                NetworkEmulator downlink = NetworkEmulator.builder().target(relay.localAddress())
                        .toTarget(LossRecoveryIT.lossyLink(15)).fromTarget(LossRecoveryIT.lossyLink(16)).build().start()) {
            AudioFrames received = new AudioFrames();
            try (Viewer viewer = Viewer.builder().node(downlink.localAddress()).streamId("it-audio")
                    .listener(received).failover(StallTolerantFailover.POLICY).build().start()) {
                FrameCollector.await(received.connected, 10, "viewer connected through the emulator");
                try (Broadcaster broadcaster = connectedAudioBroadcaster(relay.localAddress())) {
                    sendAudio(broadcaster, JOIN_FRAMES + FRAMES + TAIL_FRAMES, true);
                    FrameCollector.await(received.pastMeasured, 20, "an audio frame after the measured ones",
                            () -> received.indices() + "; " + viewer.stats() + "; " + relay.stats());
                    ViewerEngine engine = viewer.engineForStats();
                    long videoDelayNs = engine.timeline().playoutDelayNs();
                    long audioDelayNs = -1;
                    for (ReceiveTrack t : engine.tracks()) {
                        if (t.track().kind() == MediaKind.AUDIO) {
                            JitterBufferStats s = new JitterBufferStats();
                            t.buffer().readStats(s);
                            audioDelayNs = s.playoutDelayNs();
                        }
                    }
                    List<Integer> missing = received.missingMeasured();
                    String detail = received.videoFrames() + " video frames; audio playout delay " + audioDelayNs / 1_000_000 + " ms, video "
                            + videoDelayNs / 1_000_000 + " ms; audio lost " + missing.size() + " of " + FRAMES + " "
                            + missing + "; " + viewer.stats() + "; " + downlink.stats() + "; " + relay.stats();
                    System.out.println("AudioLossRecoveryIT adaptive: " + detail);
                    received.assertInOrderIntact(detail);
                    assertTrue(audioDelayNs > 0 && videoDelayNs > 0, detail);
                    assertTrue(audioDelayNs <= videoDelayNs + DELAY_SLACK_NS, detail);
                }
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    /**
     * A true audio-only broadcast ({@code video(false)}: no video track announced) through a relay
     * to a viewer over clean real UDP: every audio frame arrives intact and in order, the viewer
     * counts the end-to-end latency of audio and reports audio's playout delay, and nobody asks
     * for a keyframe. Announcing a video track and never sending it (the only way before session
     * 16) made the relay ask the broadcaster for a keyframe as the viewer joined, and the viewer
     * count no latency (neither to playout nor to receipt) and report no playout delay: all for the
     * video that never came.
     */
    @Test
    @Timeout(60)
    void audioOnly_noVideoTrack_everyFrameArrives_latencyCounted_noKeyframeRequested() throws Exception {
        int frames = 150;
        try (RelayNode relay = RelayNode.builder().build().start()) {
            AudioFrames received = new AudioFrames();
            try (Viewer viewer = Viewer.builder().node(relay.localAddress()).streamId("it-audio")
                    .fixedPlayoutDelayMs(PLAYOUT_DELAY_MS).listener(received)
                    .failover(StallTolerantFailover.POLICY).build().start()) {
                FrameCollector.await(received.connected, 10, "viewer connected");
                // What an operator's OpsMonitor samples: the interval from here to the last frame.
                ViewerStatsSource ops = new ViewerStatsSource(viewer,
                        new io.smoothcast.alert.Subject("it-audio", "viewer-1", "node-1", "local"), 1_000_000_000L);
                ops.sample(System.nanoTime());
                try (Broadcaster broadcaster = connectedAudioBroadcaster(relay.localAddress(), false)) {
                    sendAudio(broadcaster, frames, false);
                    FrameCollector.await(received.frameArrived(frames - 1), 20, "the last audio frame",
                            () -> received.indices() + "; " + viewer.stats() + "; " + relay.stats());
                    ReceiveStreamStats sampled = ops.sample(System.nanoTime());
                    assertTrue(sampled.jitterBufferDelayMs() > 0,
                            "the ops snapshot's buffer delay is audio's, not NaN or 0: " + sampled);
                    ViewerStats stats = viewer.stats(); // before the broadcaster leaves and the tracks go
                    String detail = received.indices().size() + " audio frames; " + stats + "; " + relay.stats()
                            + "; " + broadcaster.stats();
                    System.out.println("AudioLossRecoveryIT audio-only: " + detail);
                    received.assertInOrderIntact(detail);
                    assertEquals(IntStream.range(0, frames).boxed().toList(), received.indices(), detail);
                    assertEquals(0, received.videoFrames(), detail);
                    assertEquals(frames, stats.endToEndLatencyCount(), "latency of every audio frame: " + detail);
                    assertTrue(stats.totalEndToEndLatencyNs() > 0, detail);
                    assertTrue(stats.playoutDelayNs() > 0, "audio's playout delay: " + detail);
                    assertEquals(0, stats.keyframeRequestsSent(), "the viewer asked for no keyframe: " + detail);
                    assertEquals(0, stats.packetsLost() + stats.framesDropped() + stats.freezeCount(), detail);
                    assertEquals(0, relay.stats().keyframeRequestsReceived() + relay.stats().keyframeRequestsForwarded(),
                            "the relay asked for no keyframe: " + detail);
                    assertEquals(0, broadcaster.stats().keyframeRequests(), detail);
                    assertEquals(frames, broadcaster.stats().framesSent(), detail);
                }
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    private static Broadcaster connectedAudioBroadcaster(InetSocketAddress node) throws InterruptedException {
        return connectedAudioBroadcaster(node, true);
    }

    /**
     * A broadcaster with audio (with {@code video}, also its video track), connected to {@code node};
     * bitrate limits and no send-delay limit as {@link BroadcastThroughRelayIT#connectedBroadcaster}.
     */
    private static Broadcaster connectedAudioBroadcaster(InetSocketAddress node, boolean video)
            throws InterruptedException {
        return startConnected(Broadcaster.builder().node(node).streamId("it-audio").audio(true).video(video)
                .bitrateLimits(4_000_000, 5_000_000, 8_000_000).maxSendDelay(Broadcaster.NO_SEND_DELAY_LIMIT)
                .failover(StallTolerantFailover.POLICY));
    }

    /** Builds and starts a broadcaster (its listener replaced) and returns it once connected. */
    static Broadcaster startConnected(Broadcaster.Builder builder) throws InterruptedException {
        CountDownLatch connected = new CountDownLatch(1);
        Broadcaster broadcaster = builder.listener(new BroadcasterListener() {
            @Override
            public void onStateChanged(ConnectionState state, String reason) {
                if (state == ConnectionState.CONNECTED) {
                    connected.countDown();
                }
            }
        }).build().start();
        try {
            FrameCollector.await(connected, 10, "broadcaster connected");
        } catch (AssertionError | InterruptedException e) {
            broadcaster.close();
            throw e;
        }
        return broadcaster;
    }

    /**
     * Sends {@code frames} audio frames, one every 20 ms, from a scheduler thread; returns when all
     * went. With {@code video}, a small video frame (one or two packets, a keyframe a second) goes
     * with each: a light video track (the synthetic one of {@link BroadcastThroughRelayIT}, about
     * 2.4 Mbit/s, starved this test's viewer on a loaded host: failover, frames seconds late).
     */
    private static void sendAudio(Broadcaster broadcaster, int frames, boolean video) throws InterruptedException {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger next = new AtomicInteger();
        List<Integer> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
        try {
            scheduler.scheduleAtFixedRate(() -> {
                int i = next.getAndIncrement();
                if (i >= frames) {
                    done.countDown();
                    return;
                }
                byte[] frame = SyntheticFrames.frame(SEED, i, FRAME_BYTES);
                long captureNs = System.nanoTime();
                if (!broadcaster.sendAudio(frame, 0, frame.length, captureNs)) {
                    refused.add(i);
                }
                if (video) {
                    byte[] picture = SyntheticFrames.frame(SEED + 1, i, VIDEO_FRAME_BYTES);
                    if (!broadcaster.sendVideo(picture, 0, picture.length, captureNs, i % 50 == 0)) {
                        refused.add(-i - 1);
                    }
                }
            }, 0, FRAME_INTERVAL_MS, TimeUnit.MILLISECONDS);
            FrameCollector.await(done, 30, "all audio frames handed over");
        } finally {
            scheduler.shutdownNow();
        }
        assertEquals(List.of(), refused, "frames the broadcaster refused (video: -index - 1)");
    }

    /** The audio frames delivered: indices, checksums verified. */
    private static final class AudioFrames implements ViewerListener {
        final CountDownLatch connected = new CountDownLatch(1);
        /** Opens when a frame after the measured ones is played: every measured one was played or given up. */
        final CountDownLatch pastMeasured = new CountDownLatch(1);
        /** Guarded by this. */
        private final List<Integer> indices = new ArrayList<>();
        private int corrupted;
        private int videoFrames;
        /** The frame {@link #arrivalLatch} waits for; guarded by this. */
        private int arrivalWatch = -1;
        private CountDownLatch arrivalLatch;

        @Override
        public void onStateChanged(ConnectionState state, String reason) {
            if (state == ConnectionState.CONNECTED) {
                connected.countDown();
            }
        }

        @Override
        public void onFrame(ReceivedFrame frame) {
            MediaKind kind = frame.kind();
            int index = kind == MediaKind.AUDIO ? SyntheticFrames.verify(frame.toByteArray()) : -1;
            synchronized (this) {
                if (kind != MediaKind.AUDIO) {
                    videoFrames++;
                    return;
                }
                if (index < 0) {
                    corrupted++;
                    return;
                }
                indices.add(index);
                if (index == arrivalWatch) {
                    arrivalLatch.countDown();
                }
            }
            if (index > LAST_MEASURED) {
                pastMeasured.countDown();
            }
        }

        /** Opens when the audio frame {@code index} is played. */
        CountDownLatch frameArrived(int index) {
            CountDownLatch latch = new CountDownLatch(1);
            synchronized (this) {
                arrivalWatch = index;
                arrivalLatch = latch;
                if (indices.contains(index)) {
                    latch.countDown();
                }
            }
            return latch;
        }

        synchronized List<Integer> indices() {
            return List.copyOf(indices);
        }

        synchronized List<Integer> missingMeasured() {
            Set<Integer> got = new HashSet<>(indices);
            return IntStream.rangeClosed(JOIN_FRAMES, LAST_MEASURED).filter(i -> !got.contains(i)).boxed().toList();
        }

        synchronized int videoFrames() {
            return videoFrames;
        }

        /** Every delivered audio frame intact (every repaired one too), once, in order. */
        synchronized void assertInOrderIntact(String detail) {
            assertEquals(0, corrupted, "corrupted frames: " + detail);
            for (int i = 1; i < indices.size(); i++) {
                assertTrue(indices.get(i) > indices.get(i - 1), "in order, no duplicates: " + indices + "; " + detail);
            }
        }
    }
}
