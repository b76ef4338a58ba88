package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.jitter.JitterBufferStats;
import io.smoothcast.transport.internal.client.ReceiveTrack;
import io.smoothcast.transport.internal.client.ViewerEngine;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Broadcaster → relay → viewers over real UDP sockets on 127.0.0.1. */
class BroadcastThroughRelayIT {

    private static final long SEED = 20261127L;
    private static final int FRAMES = 200;
    private static final int FRAME_INTERVAL_MS = 10;
    private static final int MAX_FRAME_BYTES = 6000;
    /**
     * These tests are about delivery, not dead-node detection: with the default policy a relay
     * or client thread starved for about 300 ms on a loaded host made a client declare its only
     * node dead and re-join it seconds later, missing the frames in between; and a relay that
     * answered a join after more than the default 1.5 s (still compiling, on a loaded host) had
     * its late answers counted as malformed by the viewer, which had given that join up (session
     * 10). The clients still wait at most 5 s to connect.
     */
    private static final FailoverPolicy TOLERANT = StallTolerantFailover.POLICY;

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    @Test
    @Timeout(60)
    void threeViewers_receiveEveryFrame_inOrder_intact() throws Exception {
        // The viewers share two I/O threads, as many clients in one process would.
        try (SharedIoThreads ioThreads = SharedIoThreads.create(2);
                RelayNode relay = RelayNode.builder().build().start()) {
            watchEveryFrameIntact(relay, ioThreads, 3);
        }
        NettyLeaks.assertNoLeaks();
    }

    /**
     * {@code viewerCount} viewers on {@code relay} (sharing {@code ioThreads}) watch a
     * {@value #FRAMES}-frame broadcast: each gets every frame, in order, once and intact, the
     * relay receives every packet sent, and nothing is dropped as malformed or left to the owner
     * by a fan-out thread that fell behind. Also used by {@link RelayFanOutThreadsIT}.
     */
    static void watchEveryFrameIntact(RelayNode relay, SharedIoThreads ioThreads, int viewerCount) throws Exception {
        List<FrameCollector> collectors = new ArrayList<>();
        List<Viewer> viewers = new ArrayList<>();
        try {
            for (int i = 0; i < viewerCount; i++) {
                FrameCollector collector = new FrameCollector(FRAMES - 1);
                collectors.add(collector);
                viewers.add(Viewer.builder().node(relay.localAddress()).streamId("it-show").failover(TOLERANT)
                        .sharedIoThreads(ioThreads).listener(collector).build().start());
            }
            for (FrameCollector c : collectors) {
                FrameCollector.await(c.connected, 5, "viewer connected");
            }
            try (Broadcaster broadcaster = connectedBroadcaster(relay, new AtomicInteger(), TOLERANT)) {
                sendFrames(broadcaster, FRAMES, null);
                // Every failure below names the counters of all three parties: a frame missing at
                // one viewer may come from the broadcaster, the relay or that viewer's threads.
                java.util.function.Supplier<String> counters = () -> diagnosis(relay, broadcaster, viewers, collectors);
                for (int i = 0; i < viewerCount; i++) {
                    FrameCollector.await(collectors.get(i).lastFrame, 10, "last frame at viewer " + i,
                            () -> "; " + counters.get());
                }
                List<Integer> expected = IntStream.range(0, FRAMES).boxed().toList();
                for (int i = 0; i < viewerCount; i++) {
                    FrameCollector c = collectors.get(i);
                    String viewer = "viewer " + i + " of " + viewerCount;
                    assertEquals(0, c.corrupted(), () -> viewer + ": corrupted frames; " + counters.get());
                    assertEquals(expected, c.indices(),
                            () -> viewer + ": every frame, in order, once; " + counters.get());
                }
                BroadcasterStats sent = broadcaster.stats();
                assertEquals(FRAMES, sent.framesSent(), counters);
                RelayStats stats = relay.stats();
                // Every packet sent reached the relay, except perhaps tail loss probes still on
                // their way: on a loaded host the node's feedback can come more than 250 ms late,
                // so the broadcaster may probe the stream's end while this reads its counters.
                assertTrue(stats.rtpReceived() <= sent.packetsSent()
                        && stats.rtpReceived() >= sent.packetsSent() - sent.tailProbesSent(),
                        () -> "relay rtpReceived=" + stats.rtpReceived() + "; " + counters.get());
                assertEquals(0, stats.malformedDropped(), counters);
                assertEquals(0, stats.handlerFailures(), counters);
                assertEquals(0, stats.fanOutLaneDropped(), counters);
                assertEquals(0, stats.handOffDropped(), counters);
                for (Viewer v : viewers) {
                    assertEquals(0, v.stats().malformedDropped(), counters);
                }
            }
        } finally {
            viewers.forEach(Viewer::close);
        }
    }

    /** The counters of every party and each viewer's delivery, for failure messages. */
    private static String diagnosis(RelayNode relay, Broadcaster broadcaster, List<Viewer> viewers,
            List<FrameCollector> collectors) {
        RelayStats relayStats = relay.stats();
        StringBuilder b = new StringBuilder("counters at failure: ").append(broadcaster.stats()).append("; ")
                .append(relayStats).append(" (rtpReceived=").append(relayStats.rtpReceived())
                .append(", handlerFailures=").append(relayStats.handlerFailures()).append(')');
        for (int i = 0; i < viewers.size(); i++) {
            Viewer v = viewers.get(i);
            b.append("; viewer ").append(i).append(": ").append(collectors.get(i).deliverySummary(FRAMES))
                    .append(", ").append(v.stats());
            ViewerEngine engine = v.engineForStats();
            if (engine != null) {
                // The parts malformedDropped sums up, and what each jitter buffer gave up.
                var c = engine.counters();
                b.append(", readerStalls=").append(c.get(ViewerEngine.READER_STALLS))
                        .append(", strays=").append(c.get(ViewerEngine.STRAY_PACKETS_DROPPED))
                        .append(", unknownTrack=").append(c.get(ViewerEngine.UNKNOWN_TRACK_DROPPED))
                        .append(", jumpRestarts=").append(c.get(ViewerEngine.SEQUENCE_JUMP_RESTARTS))
                        .append(", layerResumes=").append(c.get(ViewerEngine.LAYER_RESUMES));
                for (ReceiveTrack t : engine.tracks()) {
                    JitterBufferStats jitter = new JitterBufferStats();
                    t.buffer().readStats(jitter);
                    b.append(", ").append(t.track().kind()).append(' ').append(jitter);
                }
            }
        }
        return b.toString();
    }

    @Test
    @Timeout(60)
    void garbageTruncatedAndOversizedDatagrams_areDroppedAndCounted_whileTheStreamCarriesOn() throws Exception {
        try (RelayNode relay = RelayNode.builder().build().start();
                DatagramSocket attacker = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            FrameCollector collector = new FrameCollector(FRAMES - 1);
            try (Viewer viewer = Viewer.builder().node(relay.localAddress()).streamId("it-show").failover(TOLERANT)
                    .listener(collector).build().start()) {
                FrameCollector.await(collector.connected, 5, "viewer connected");
                try (Broadcaster broadcaster = connectedBroadcaster(relay, new AtomicInteger(), TOLERANT)) {
                    InetSocketAddress viewerAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                            viewer.localAddress().getPort());
                    InetSocketAddress broadcasterAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                            broadcaster.localAddress().getPort());
                    SplittableRandom random = new SplittableRandom(SEED);
                    int[] sentToEach = new int[1];
                    sendFrames(broadcaster, FRAMES, frameIndex -> {
                        // Between frames, hostile datagrams at all three endpoints.
                        for (InetSocketAddress target : List.of(relay.localAddress(), viewerAddress, broadcasterAddress)) {
                            send(attacker, hostileDatagram(random, frameIndex), target);
                        }
                        sentToEach[0]++;
                    });
                    FrameCollector.await(collector.lastFrame, 10, "last frame at viewer");
                    assertEquals(0, collector.corrupted());
                    assertEquals(IntStream.range(0, FRAMES).boxed().toList(), collector.indices());
                    RelayStats stats = relay.stats();
                    assertEquals(sentToEach[0], stats.malformedDropped() + stats.unsolicitedDropped(), stats.toString());
                    assertEquals(0, stats.handlerFailures());
                    assertEquals(sentToEach[0], viewer.stats().malformedDropped(), viewer.stats().toString());
                    assertEquals(sentToEach[0], broadcaster.stats().malformedDropped(), broadcaster.stats().toString());
                }
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    @Test
    @Timeout(60)
    void chatMessages_reachTheViewer_inOrder_alongsideTheVideo() throws Exception {
        try (RelayNode relay = RelayNode.builder().build().start()) {
            FrameCollector collector = new FrameCollector(FRAMES - 1, FRAMES / 4);
            try (Viewer viewer = Viewer.builder().node(relay.localAddress()).streamId("it-show").failover(TOLERANT)
                    .listener(collector).build().start()) {
                FrameCollector.await(collector.connected, 5, "viewer connected");
                CountDownLatch connected = new CountDownLatch(1);
                // Every frame counted, as connectedBroadcaster: the 2.4 Mbps source above a 1 Mbps
                // default start target would wait in a pacer that, under the send-delay limit,
                // keeps the controller's pace, and go stale.
                try (Broadcaster broadcaster = Broadcaster.builder().node(relay.localAddress()).streamId("it-show")
                        .bitrateLimits(4_000_000, 5_000_000, 8_000_000).maxSendDelay(Broadcaster.NO_SEND_DELAY_LIMIT)
                        .failover(TOLERANT).messages(true).listener(new BroadcasterListener() {
                            @Override
                            public void onStateChanged(ConnectionState state, String reason) {
                                if (state == ConnectionState.CONNECTED) {
                                    connected.countDown();
                                }
                            }
                        }).build().start()) {
                    FrameCollector.await(connected, 5, "broadcaster connected");
                    List<String> sent = new java.util.ArrayList<>();
                    sendFrames(broadcaster, FRAMES, i -> {
                        if (i % 4 == 0) {
                            String line = "chat line " + i + " ✓";
                            byte[] bytes = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                            if (broadcaster.sendMessage(bytes, 0, bytes.length, System.nanoTime())) {
                                sent.add(line);
                            }
                        }
                    });
                    FrameCollector.await(collector.lastFrame, 10, "last frame at viewer");
                    FrameCollector.await(collector.allMessages, 10, "every message at viewer");
                    assertEquals(FRAMES / 4, sent.size());
                    assertEquals(sent, collector.messages());
                    assertEquals(IntStream.range(0, FRAMES).boxed().toList(), collector.indices());
                }
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    @Test
    @Timeout(60)
    void simulcast_eachViewerGetsTheHighestLayerItAccepts() throws Exception {
        int frames = 100;
        int layerOneOffset = 100_000; // layer 1 frames carry indices from here
        try (RelayNode relay = RelayNode.builder().build().start()) {
            FrameCollector low = new FrameCollector(frames - 1);
            FrameCollector high = new FrameCollector(layerOneOffset + frames - 1);
            try (Viewer lowViewer = Viewer.builder().node(relay.localAddress()).streamId("it-show").failover(TOLERANT)
                    .maxSimulcastLayer(0).listener(low).build().start();
                    Viewer highViewer = Viewer.builder().node(relay.localAddress()).streamId("it-show")
                            .failover(TOLERANT).listener(high).build().start()) {
                FrameCollector.await(low.connected, 5, "low viewer connected");
                FrameCollector.await(high.connected, 5, "high viewer connected");
                CountDownLatch connected = new CountDownLatch(1);
                try (Broadcaster broadcaster = Broadcaster.builder().node(relay.localAddress()).streamId("it-show")
                        .failover(TOLERANT).simulcastLayers(2)
                        // Every frame must arrive, though the two layers hand in far more than the
                        // 1 Mbps start target (the pacer catches up by speeding up): no send-delay limit.
                        .maxSendDelay(Broadcaster.NO_SEND_DELAY_LIMIT)
                        .listener(new BroadcasterListener() {
                            @Override
                            public void onStateChanged(ConnectionState state, String reason) {
                                if (state == ConnectionState.CONNECTED) {
                                    connected.countDown();
                                }
                            }
                        }).build().start()) {
                    FrameCollector.await(connected, 5, "broadcaster connected");
                    sendFrames(broadcaster, frames, i -> {
                        // sendFrames sent layer 0's frame i; layer 1 gets its own, bigger frame.
                        byte[] frame = SyntheticFrames.frame(SEED, layerOneOffset + i, 3 * MAX_FRAME_BYTES);
                        broadcaster.sendVideoLayer(1, frame, 0, frame.length, System.nanoTime(), i % 30 == 0);
                    });
                    FrameCollector.await(low.lastFrame, 10, "last low-layer frame");
                    FrameCollector.await(high.lastFrame, 10, "last high-layer frame");
                    assertEquals(IntStream.range(0, frames).boxed().toList(), low.indices());
                    assertEquals(IntStream.range(layerOneOffset, layerOneOffset + frames).boxed().toList(), high.indices());
                    assertEquals(0, low.corrupted() + high.corrupted());
                }
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    /** Cycles through garbage, truncated RTP/RTCP/control headers and oversized datagrams. */
    private static byte[] hostileDatagram(SplittableRandom random, int round) {
        byte[] bytes;
        switch (round % 5) {
            case 0 -> {
                bytes = new byte[random.nextInt(1, 300)];
                random.nextBytes(bytes);
                bytes[0] = (byte) (random.nextInt(2) == 0 ? 0x42 : 0xF0); // not RTP, not control
            }
            case 1 -> bytes = new byte[] {(byte) 0x80, 96, 0, 1, 0}; // truncated RTP header
            case 2 -> bytes = new byte[] {(byte) 0x81, (byte) 205, 0, 9, 0, 0}; // RTCP length past the end
            case 3 -> bytes = new byte[] {0x0A, 1, 0x03, 0, 0, 0, 0, 1, 0, 0, 0, 40, 5}; // control, body cut
            default -> {
                bytes = new byte[4000]; // oversized
                random.nextBytes(bytes);
            }
        }
        return bytes;
    }

    private static void send(DatagramSocket socket, byte[] bytes, InetSocketAddress to) {
        try {
            socket.send(new DatagramPacket(bytes, bytes.length, to));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static Broadcaster connectedBroadcaster(RelayNode relay, AtomicInteger keyframeRequests) throws InterruptedException {
        return connectedBroadcaster(relay, keyframeRequests, FailoverPolicy.defaults());
    }

    static Broadcaster connectedBroadcaster(RelayNode relay, AtomicInteger keyframeRequests, FailoverPolicy failover)
            throws InterruptedException {
        return connectedBroadcaster(relay.localAddress(), keyframeRequests, failover);
    }

    /** As above, to any address (a node, or a network emulator in front of one). */
    static Broadcaster connectedBroadcaster(java.net.InetSocketAddress node, AtomicInteger keyframeRequests,
            FailoverPolicy failover) throws InterruptedException {
        CountDownLatch connected = new CountDownLatch(1);
        // The synthetic source sends about 2.4 Mbps whatever the target: keep the controller above
        // it, so frames never wait in the pacer (rate adaptation has its own test). These tests
        // count every frame the network could lose, so a starved I/O thread on a loaded host
        // must not turn into frames the broadcaster chose to drop (the send-delay limit has its
        // own tests, BroadcasterSendDelayLimitTest).
        Broadcaster broadcaster = Broadcaster.builder().node(node).streamId("it-show")
                .bitrateLimits(4_000_000, 5_000_000, 8_000_000).failover(failover)
                .maxSendDelay(Broadcaster.NO_SEND_DELAY_LIMIT)
                .listener(new BroadcasterListener() {
                    @Override
                    public void onStateChanged(ConnectionState state, String reason) {
                        if (state == ConnectionState.CONNECTED) {
                            connected.countDown();
                        }
                    }

                    @Override
                    public void onKeyframeRequested() {
                        keyframeRequests.incrementAndGet();
                    }
                }).build().start();
        FrameCollector.await(connected, 5, "broadcaster connected");
        return broadcaster;
    }

    /** Sends frames at a steady rate from a scheduler thread; returns when all are handed over. */
    static void sendFrames(Broadcaster broadcaster, int frames, java.util.function.IntConsumer betweenFrames)
            throws Exception {
        sendFrames(broadcaster, frames, betweenFrames, true);
    }

    /**
     * Sends frames from a scheduler thread; returns when all are handed over.
     *
     * @param catchUp true: a steady rate on average, the frames a stalled sending thread missed
     *     sent at once when it runs again; false: at least {@code FRAME_INTERVAL_MS} between two
     *     frames whatever happened, so that a frame index also stands for a time since the
     *     previous ones (for tests that schedule events by frame index)
     */
    static void sendFrames(Broadcaster broadcaster, int frames, java.util.function.IntConsumer betweenFrames,
            boolean catchUp) throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger next = new AtomicInteger();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Integer> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
        try {
            Runnable send = () -> {
                int i = next.getAndIncrement();
                if (i >= frames) {
                    done.countDown();
                    return;
                }
                try {
                    byte[] frame = SyntheticFrames.frame(SEED, i, MAX_FRAME_BYTES);
                    if (!broadcaster.sendVideo(frame, 0, frame.length, System.nanoTime(), i % 30 == 0)) {
                        refused.add(i);
                    }
                    if (betweenFrames != null) {
                        betweenFrames.accept(i);
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            };
            ScheduledFuture<?> task = catchUp
                    ? scheduler.scheduleAtFixedRate(send, 0, FRAME_INTERVAL_MS, TimeUnit.MILLISECONDS)
                    : scheduler.scheduleWithFixedDelay(send, 0, FRAME_INTERVAL_MS, TimeUnit.MILLISECONDS);
            FrameCollector.await(done, 30, "all frames handed to the broadcaster");
            task.cancel(false);
        } finally {
            scheduler.shutdownNow();
        }
        assertTrue(failures.isEmpty(), () -> "sending failed: " + failures);
        // A refusal means a full frame queue (the broadcaster's I/O thread starved) or a stopped
        // broadcaster: the counters and state tell which.
        assertTrue(refused.isEmpty(), () -> "frames not accepted: " + FrameCollector.ranges(refused) + "; "
                + broadcaster.state() + "; " + broadcaster.stats());
    }
}
