package io.smoothcast.samples.ops;

import io.smoothcast.alert.AlertListener;
import io.smoothcast.alert.Subject;
import io.smoothcast.history.BackgroundHistoryWriter;
import io.smoothcast.netsim.LinkModel;
import io.smoothcast.transport.Broadcaster;
import io.smoothcast.transport.NetworkEmulator;
import io.smoothcast.transport.OpsMonitor;
import io.smoothcast.transport.RelayNode;
import io.smoothcast.transport.Viewer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A self-contained live setup for the dashboard: one relay node, one broadcaster sending
 * synthetic video (30 fps) and audio (50 packets/s), viewers connected directly and viewers behind
 * a lossy, delayed link ({@link NetworkEmulator}), all on 127.0.0.1 and watched by an
 * {@link OpsMonitor} sampling every second.
 *
 * <p>Not thread-safe: start and close from one thread.
 */
public final class LiveDemo implements AutoCloseable {

    /** The demo's stream id. */
    public static final String STREAM_ID = "demo";
    /** The relay's name in statistics. */
    public static final String NODE_ID = "node-1";
    /** The relay's region in statistics. */
    public static final String REGION = "local";
    /** Highest random loss towards the lossy viewers, as a fraction. */
    public static final double MAX_LOSS = 0.5;
    /** Lowest synthetic video bitrate, bits per second. */
    public static final long MIN_BITRATE_BPS = 50_000;
    /** Highest synthetic video bitrate, bits per second. */
    public static final long MAX_BITRATE_BPS = 20_000_000;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final OpsMonitor monitor;
    private final RelayNode relay;
    private final ScheduledExecutorService frames;

    private LiveDemo(int directViewers, int lossyViewers, double lossFraction, long videoBitrateBps,
            AlertListener alerts, BackgroundHistoryWriter history) {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        OpsMonitor.Builder ops = OpsMonitor.builder().alertListener(alerts);
        if (history != null) {
            ops.history(history);
        }
        monitor = ops.build();
        resources.add(monitor);
        try {
            relay = RelayNode.builder().bindAddress(loopback).build().start();
            resources.add(relay);
            monitor.watch(relay, NODE_ID, REGION);
            NetworkEmulator lossy = null;
            if (lossyViewers > 0) {
                LinkModel.Builder link = LinkModel.builder().propagationDelayNs(40_000_000L).jitterNs(5_000_000L)
                        .randomLoss(lossFraction).constantCapacityBps(50_000_000L).seed(7);
                LinkModel.Builder back = LinkModel.builder().propagationDelayNs(40_000_000L)
                        .constantCapacityBps(50_000_000L).seed(8);
                lossy = NetworkEmulator.builder().target(relay.localAddress()).bindAddress(loopback)
                        .fromTarget(link).toTarget(back).build().start();
                resources.add(lossy);
            }
            for (int i = 0; i < directViewers + lossyViewers; i++) {
                boolean behindLoss = i >= directViewers;
                Viewer viewer = Viewer.builder()
                        .node(behindLoss ? lossy.localAddress() : relay.localAddress())
                        .localAddress(loopback).streamId(STREAM_ID).build().start();
                resources.add(viewer);
                monitor.watch(viewer, new Subject(STREAM_ID, (behindLoss ? "lossy-" : "direct-") + i, NODE_ID, REGION));
            }
            Broadcaster broadcaster = Broadcaster.builder().node(relay.localAddress()).localAddress(loopback)
                    .streamId(STREAM_ID).audio(true).build().start();
            resources.add(broadcaster);
            monitor.watch(broadcaster, new Subject(STREAM_ID, "broadcaster", NODE_ID, REGION));
            frames = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "smoothcast-demo-frames");
                t.setDaemon(true);
                return t;
            });
            startFrames(broadcaster, videoBitrateBps);
            monitor.start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Starts the demo.
     *
     * @param directViewers viewers connected straight to the relay, >= 0
     * @param lossyViewers viewers behind a link with 40 ms delay and {@code lossFraction} loss, >= 0
     * @param lossFraction random loss towards the lossy viewers, 0-0.5
     * @param videoBitrateBps synthetic video bitrate, bits per second, 50 kbit/s - 20 Mbit/s
     * @param alerts told of raised and cleared alerts (on the monitor's thread); not null
     * @param history where statistics and alerts are appended; null for none
     * @return the running demo
     */
    public static LiveDemo start(int directViewers, int lossyViewers, double lossFraction, long videoBitrateBps,
            AlertListener alerts, BackgroundHistoryWriter history) {
        if (directViewers < 0 || lossyViewers < 0) {
            throw new IllegalArgumentException("viewer counts must be >= 0: " + directViewers + ", " + lossyViewers);
        }
        if (!(lossFraction >= 0 && lossFraction <= MAX_LOSS)) {
            throw new IllegalArgumentException("lossFraction must be in [0, 0.5]: " + lossFraction);
        }
        if (videoBitrateBps < MIN_BITRATE_BPS || videoBitrateBps > MAX_BITRATE_BPS) {
            throw new IllegalArgumentException("videoBitrateBps must be in [50k, 20M]: " + videoBitrateBps);
        }
        if (alerts == null) {
            throw new IllegalArgumentException("alerts must not be null");
        }
        return new LiveDemo(directViewers, lossyViewers, lossFraction, videoBitrateBps, alerts, history);
    }

    private void startFrames(Broadcaster broadcaster, long videoBitrateBps) {
        SplittableRandom random = new SplittableRandom(42);
        int videoBytes = (int) Math.max(200, videoBitrateBps / 8 / 30);
        byte[] video = new byte[videoBytes * 3];
        byte[] audio = new byte[120];
        random.nextBytes(video);
        random.nextBytes(audio);
        long[] frame = {0};
        // one task per 10 ms: video at 30 fps (every 3.33 ticks), audio every 2 ticks (50 packets/s)
        frames.scheduleAtFixedRate(() -> {
            long tick = frame[0]++;
            long nowNs = System.nanoTime();
            if (tick % 2 == 0) {
                broadcaster.sendAudio(audio, 0, audio.length, nowNs);
            }
            if (tick * 3 / 10 != (tick - 1) * 3 / 10 || tick == 0) {
                long videoFrame = tick * 3 / 10;
                boolean key = videoFrame % 60 == 0;
                broadcaster.sendVideo(video, 0, key ? video.length : videoBytes, nowNs, key);
            }
        }, 0, 10, TimeUnit.MILLISECONDS);
    }

    /** @return the monitor watching the demo */
    public OpsMonitor monitor() {
        return monitor;
    }

    /** @return the relay's UDP address */
    public InetSocketAddress relayAddress() {
        return relay.localAddress();
    }

    /** Stops the frames, the clients, the relay and the monitor. Idempotent. */
    @Override
    public void close() {
        if (frames != null) {
            frames.shutdownNow();
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        resources.clear();
    }
}
