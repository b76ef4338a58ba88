package io.smoothcast.samples.internal;

import io.smoothcast.transport.Broadcaster;
import io.smoothcast.transport.BroadcasterListener;
import io.smoothcast.transport.ConnectionState;

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
    private final FramePacer pacer;
    // Used only on the pacer's thread.
    private final SyntheticFrames frames = new SyntheticFrames();
    private final byte[] buffer;
    private long sequence;
    private Broadcaster broadcaster;
    private volatile long targetBitrateBps;
    private volatile boolean keyframeRequested = true;
    private volatile ConnectionState state = ConnectionState.NEW;
    private volatile long framesQueued;

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
        this.buffer = new byte[2 * SyntheticFrames.frameBytes(maxBitrateBps, framesPerSecond)];
        this.pacer = new FramePacer("synthetic-source", framesPerSecond, this::produceFrame);
    }

    /**
     * Starts producing frames for {@code broadcaster} on a daemon thread.
     *
     * @param broadcaster a started broadcaster whose listener is this source
     * @throws IllegalStateException if already started
     */
    public synchronized void start(Broadcaster broadcaster) {
        if (this.broadcaster != null) {
            throw new IllegalStateException("already started");
        }
        this.broadcaster = broadcaster; // published to the pacer's thread by its start
        pacer.start();
    }

    private void produceFrame() {
        if (state != ConnectionState.CONNECTED) {
            keyframeRequested = true; // the first frame a viewer sees must be decodable
            return;
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
    public void close() {
        pacer.close();
    }
}
