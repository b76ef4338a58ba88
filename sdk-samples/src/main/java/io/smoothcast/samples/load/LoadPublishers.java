package io.smoothcast.samples.load;

import io.smoothcast.samples.internal.FramePacer;
import io.smoothcast.samples.internal.SyntheticFrames;
import io.smoothcast.samples.internal.WallClock;
import io.smoothcast.transport.Broadcaster;
import io.smoothcast.transport.BroadcasterListener;
import io.smoothcast.transport.BroadcasterStats;
import io.smoothcast.transport.ConnectionState;
import io.smoothcast.transport.SharedIoThreads;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Synthetic publishers: N {@link Broadcaster}s on a shared I/O pool, each publishing its own
 * stream of {@link SyntheticFrames} at a fixed frame rate and bitrate (a keyframe every two
 * seconds and on request), all fed by one thread. They start evenly over the ramp-up time.
 *
 * <p>Thread-safety: {@link #start()}, {@link #snapshot()} and {@link #close()} may be called
 * from any thread.
 */
public final class LoadPublishers implements AutoCloseable {

    private final InetSocketAddress node;
    private final List<String> streamIds;
    /** PUBLISH tokens, one per stream, or null for none. */
    private final List<String> tokens;
    private final int framesPerSecond;
    private final long bitrateBps;
    private final long rampUpNs;
    private final SharedIoThreads io;
    private final List<Broadcaster> broadcasters = new ArrayList<>();
    private final List<KeyframeFlag> keyframeFlags = new ArrayList<>();
    private final FramePacer pacer;
    // Used only on the pacer's thread.
    private final SyntheticFrames frames = new SyntheticFrames();
    private final byte[] buffer;
    private final long[] sequences;
    private final int frameBytes;
    private volatile boolean running;
    private long startNs;

    /** Set by the broadcaster's I/O thread when a viewer asks for a keyframe. */
    private static final class KeyframeFlag implements BroadcasterListener {
        volatile boolean requested = true;

        @Override
        public void onKeyframeRequested() {
            requested = true;
        }
    }

    /**
     * Publishers without tokens.
     *
     * @param node the node to publish to
     * @param streamIds one stream per publisher
     * @param framesPerSecond frame rate, 1-120
     * @param bitrateBps each stream's bitrate, bits per second, 16,000-50,000,000
     * @param rampUpMs publishers start evenly over this time, ms, >= 0
     * @throws IllegalArgumentException naming the bad argument
     */
    public LoadPublishers(InetSocketAddress node, List<String> streamIds, int framesPerSecond, long bitrateBps,
            long rampUpMs) {
        this(node, streamIds, null, framesPerSecond, bitrateBps, rampUpMs);
    }

    /**
     * @param node the node to publish to
     * @param streamIds one stream per publisher
     * @param tokens the PUBLISH token of each stream (same order), or null to send none
     * @param framesPerSecond frame rate, 1-120
     * @param bitrateBps each stream's bitrate, bits per second, 16,000-50,000,000
     * @param rampUpMs publishers start evenly over this time, ms, >= 0
     * @throws IllegalArgumentException naming the bad argument
     */
    public LoadPublishers(InetSocketAddress node, List<String> streamIds, List<String> tokens, int framesPerSecond,
            long bitrateBps, long rampUpMs) {
        if (tokens != null && streamIds != null && tokens.size() != streamIds.size()) {
            throw new IllegalArgumentException("tokens must have one token per stream: " + tokens.size() + " for "
                    + streamIds.size());
        }
        if (node == null) {
            throw new IllegalArgumentException("node must not be null");
        }
        if (streamIds == null || streamIds.isEmpty()) {
            throw new IllegalArgumentException("streamIds must not be empty");
        }
        if (framesPerSecond < 1 || framesPerSecond > 120) {
            throw new IllegalArgumentException("framesPerSecond must be 1-120: " + framesPerSecond);
        }
        if (bitrateBps < 16_000 || bitrateBps > 50_000_000) {
            throw new IllegalArgumentException("bitrateBps must be 16000-50000000: " + bitrateBps);
        }
        if (rampUpMs < 0) {
            throw new IllegalArgumentException("rampUpMs must be >= 0: " + rampUpMs);
        }
        for (String id : streamIds) {
            ControlPackets.streamId(id, "streamIds");
        }
        this.node = node;
        this.streamIds = List.copyOf(streamIds);
        this.tokens = tokens == null ? null : List.copyOf(tokens);
        this.framesPerSecond = framesPerSecond;
        this.bitrateBps = bitrateBps;
        this.rampUpNs = TimeUnit.MILLISECONDS.toNanos(rampUpMs);
        this.io = SharedIoThreads.create(Math.max(1, Math.min(4, streamIds.size() / 8 + 1)));
        this.frameBytes = SyntheticFrames.frameBytes(bitrateBps, framesPerSecond);
        this.buffer = new byte[2 * frameBytes];
        this.sequences = new long[this.streamIds.size()];
        this.pacer = new FramePacer("load-publishers", framesPerSecond, this::produceFrame);
    }

    /**
     * Starts the feeding thread; the broadcasters start over the ramp-up time.
     *
     * @throws IllegalStateException if already started
     */
    public synchronized void start() {
        if (running) {
            throw new IllegalStateException("already started");
        }
        running = true;
        startNs = System.nanoTime(); // published to the pacer's thread by its start
        pacer.start();
    }

    private void produceFrame() {
        long elapsedNs = System.nanoTime() - startNs;
        synchronized (this) {
            while (running && broadcasters.size() < streamIds.size()
                    && elapsedNs >= startOffsetNs(broadcasters.size())) {
                KeyframeFlag flag = new KeyframeFlag();
                keyframeFlags.add(flag);
                broadcasters.add(Broadcaster.builder().node(node).streamId(streamIds.get(broadcasters.size()))
                        .token(tokens == null ? null : tokens.get(broadcasters.size())).listener(flag)
                        .sharedIoThreads(io)
                        .bitrateLimits(bitrateBps, 2 * bitrateBps, 4 * bitrateBps)
                        .build().start());
            }
        }
        for (int i = 0; i < keyframeFlags.size(); i++) {
            Broadcaster b = broadcasters.get(i);
            KeyframeFlag flag = keyframeFlags.get(i);
            if (b.state() != ConnectionState.CONNECTED) {
                flag.requested = true;
                continue;
            }
            boolean keyframe = flag.requested || sequences[i] % (2L * framesPerSecond) == 0;
            int length = keyframe ? 2 * frameBytes : frameBytes;
            frames.write(buffer, sequences[i], WallClock.epochNs(), length);
            if (b.sendVideo(buffer, 0, length, System.nanoTime(), keyframe)) {
                if (keyframe) {
                    flag.requested = false;
                }
                sequences[i]++;
            }
        }
    }

    private long startOffsetNs(int index) {
        return streamIds.size() == 1 ? 0 : rampUpNs * index / (streamIds.size() - 1);
    }

    /** @return the publishers' totals so far */
    public synchronized LoadReport.Publishers snapshot() {
        int connected = 0;
        long sent = 0;
        long refused = 0;
        long packets = 0;
        long bytes = 0;
        for (Broadcaster b : broadcasters) {
            BroadcasterStats s = b.stats();
            connected += b.state() == ConnectionState.CONNECTED ? 1 : 0;
            sent += s.framesSent();
            refused += s.framesRejected() + s.framesDroppedNotConnected();
            packets += s.packetsSent();
            bytes += s.bytesSent();
        }
        return new LoadReport.Publishers(streamIds.size(), connected, sent, refused, packets, bytes);
    }

    /** Stops feeding, closes the broadcasters and their pool. Idempotent. */
    @Override
    public void close() {
        running = false;
        pacer.close();
        synchronized (this) {
            for (Broadcaster b : broadcasters) {
                b.close();
            }
            broadcasters.clear();
            keyframeFlags.clear();
        }
        io.close();
    }
}
