package io.smoothcast.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A broadcaster listener for the ITs that drive a synthetic encoder: counts down {@link #connected}
 * on the first CONNECTED, raises {@link #keyframeWanted} on a keyframe request (it starts raised,
 * so the first frame is a keyframe) and keeps the congestion controller's targets.
 *
 * <p>Thread-safe: the broadcaster calls it from its own thread while the test reads it.
 */
final class BroadcasterEvents implements BroadcasterListener {

    /** A target the controller reported: when ({@code System.nanoTime}) and what. */
    record TargetSample(long timeNs, long bitrateBps) {
    }

    final CountDownLatch connected = new CountDownLatch(1);
    final AtomicBoolean keyframeWanted = new AtomicBoolean(true);
    /** Calls of {@link #onKeyframeRequested()}. */
    final AtomicLong keyframeRequests = new AtomicLong();
    private final AtomicLong targetBps;
    private final List<TargetSample> targets = new ArrayList<>();

    /** @param initialTargetBps what {@link #targetBps()} says before the first report */
    BroadcasterEvents(long initialTargetBps) {
        targetBps = new AtomicLong(initialTargetBps);
    }

    @Override
    public void onStateChanged(ConnectionState state, String reason) {
        if (state == ConnectionState.CONNECTED) {
            connected.countDown();
        }
    }

    @Override
    public void onKeyframeRequested() {
        keyframeRequests.incrementAndGet();
        keyframeWanted.set(true);
    }

    @Override
    public void onTargetBitrate(long bitrateBps) {
        targetBps.set(bitrateBps);
        synchronized (targets) {
            targets.add(new TargetSample(System.nanoTime(), bitrateBps));
        }
    }

    /** @return the latest target, bits/s */
    long targetBps() {
        return targetBps.get();
    }

    /** @return a copy of the targets reported so far, oldest first */
    List<TargetSample> targets() {
        synchronized (targets) {
            return List.copyOf(targets);
        }
    }
}
