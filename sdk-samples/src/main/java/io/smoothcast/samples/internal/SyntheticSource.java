package io.smoothcast.samples.internal;

import io.smoothcast.transport.Broadcaster;
import io.smoothcast.transport.BroadcasterListener;
import io.smoothcast.transport.ConnectionState;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Feeds a {@link Broadcaster} with {@link SyntheticFrames} at a fixed frame rate, each frame
 * sized so the stream follows the congestion controller's target bitrate (reported through the
 * listener methods this class implements: register it as the broadcaster's listener).
 * A keyframe (twice the usual size, like a real encoder's) goes out every two seconds and
 * whenever a viewer asks for one.
 *
 * <p>Thread-safe: the listener callbacks run on the broadcaster's I/O thread, the frames are
 * produced on the source's own thread.
 */
public final class SyntheticSource implements BroadcasterListener, AutoCloseable {

    /** Share of the target the video frames use; the rest is headroom for headers and repairs. */
    private static final double TARGET_SHARE = 0.85;
    private static final int KEYFRAME_INTERVAL_S = 2;

    private final int framesPerSecond;
    private final long maxBitrateBps;
    private volatile long targetBitrateBps;
    private volatile boolean keyframeRequested = true;
    private volatile boolean running;
    private volatile ConnectionState state = ConnectionState.CONNECTING;
    private volatile long framesQueued;
    private Thread thread;

    /**
     * @param framesPerSecond frame rate, 1-120
     * @param startBitrateBps bitrate until the first target arrives, bits per second
     * @param maxBitrateBps the stream never goes above this, bits per second
     */
    public SyntheticSource(int framesPerSecond, long startBitrateBps, long maxBitrateBps) {
        if (framesPerSecond < 1 || framesPerSecond > 120) {
            throw new IllegalArgumentException("framesPerSecond must be 1-120: " + framesPerSecond);
        }
        this.framesPerSecond = framesPerSecond;
        this.targetBitrateBps = startBitrateBps;
        this.maxBitrateBps = maxBitrateBps;
    }

    /**
     * Starts producing frames for {@code broadcaster} on a daemon thread.
     *
     * @param broadcaster a started broadcaster whose listener is this source
     */
    public synchronized void start(Broadcaster broadcaster) {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        thread = new Thread(() -> produce(broadcaster), "synthetic-source");
        thread.setDaemon(true);
        thread.start();
    }

    private void produce(Broadcaster broadcaster) {
        SyntheticFrames frames = new SyntheticFrames();
        byte[] buffer = new byte[2 * SyntheticFrames.frameBytes(maxBitrateBps, framesPerSecond)];
        long intervalNs = TimeUnit.SECONDS.toNanos(1) / framesPerSecond;
        long nextNs = System.nanoTime();
        long sequence = 0;
        while (running) {
            long waitNs = nextNs - System.nanoTime();
            if (waitNs > 0) {
                LockSupport.parkNanos(waitNs);
                continue;
            }
            nextNs += intervalNs;
            if (state != ConnectionState.CONNECTED) {
                keyframeRequested = true; // the first frame a viewer sees must be decodable
                continue;
            }
            boolean keyframe = keyframeRequested || sequence % ((long) KEYFRAME_INTERVAL_S * framesPerSecond) == 0;
            keyframeRequested = false;
            long bitrate = (long) (Math.min(targetBitrateBps, maxBitrateBps) * TARGET_SHARE);
            int size = SyntheticFrames.frameBytes(bitrate, framesPerSecond) * (keyframe ? 2 : 1);
            size = Math.min(size, buffer.length);
            frames.write(buffer, sequence, WallClock.epochNs(), size);
            if (broadcaster.sendVideo(buffer, 0, size, System.nanoTime(), keyframe)) {
                framesQueued++;
            }
            sequence++;
        }
    }

    /** @return the bitrate the source currently aims at, bits per second */
    public long targetBitrateBps() {
        return targetBitrateBps;
    }

    /** @return frames the broadcaster accepted so far */
    public long framesQueued() {
        return framesQueued;
    }

    @Override
    public void onStateChanged(ConnectionState newState, String reason) {
        state = newState;
    }

    @Override
    public void onKeyframeRequested() {
        keyframeRequested = true;
    }

    @Override
    public void onTargetBitrate(long bitrateBps) {
        targetBitrateBps = bitrateBps;
    }

    /** Stops the producing thread and waits for it. */
    @Override
    public synchronized void close() {
        running = false;
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
