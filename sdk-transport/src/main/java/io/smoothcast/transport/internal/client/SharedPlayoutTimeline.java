package io.smoothcast.transport.internal.client;

import io.smoothcast.jitter.SpscJitterBuffer;
import io.smoothcast.jitter.internal.PlayoutDelayEstimator;

/**
 * One playout timeline for the simulcast layers of one source: a frame captured at instant
 * {@code c} plays at {@code c + offset}, whichever layer carries it. Every video packet of every
 * layer feeds one playout delay estimator (the jitter buffer's own, with the viewer's settings),
 * on capture time (abs-capture-time, the same clock for all layers) instead of one layer's RTP
 * time. Each layer's buffer is then polled shifted onto this timeline ({@link LayerPlayout}), so
 * a layer switch plays the old layer up to the switch instant and goes on with the new layer's
 * keyframe one frame interval later: no gap, no skipped frame, nothing back in time.
 *
 * <p>A packet whose transit (arrival minus capture) lies more than {@link #CLOCK_STEP_NS} from
 * the base transit starts the timeline afresh: a new publisher whose capture clock differs, not
 * network jitter.
 *
 * <p>Thread-safety: {@link #onPacket} and {@link #rttNs} belong to the I/O thread;
 * {@link #playoutTimeNs} and {@link #playoutDelayNs} may be called from any thread (each value
 * is published as one volatile long). Allocates nothing after construction (a restart reuses the
 * estimator).
 */
public final class SharedPlayoutTimeline {

    /** {@link #playoutTimeNs} before the first packet. */
    public static final long NOT_STARTED = Long.MIN_VALUE;

    /** A transit this far, in ns, from the base transit is a capture clock step, not jitter. */
    public static final long CLOCK_STEP_NS = 5_000_000_000L;

    private static final long NS_PER_MS = 1_000_000L;
    /** As {@link SpscJitterBuffer}'s: 2 ms delay histogram buckets, 5 s base delay windows. */
    private static final long BUCKET_WIDTH_NS = 2 * NS_PER_MS;
    private static final long BASE_WINDOW_NS = 5_000_000_000L;

    private final PlayoutDelayEstimator estimator;
    private long published = NOT_STARTED;
    /** Playout time minus capture time, ns; {@link #NOT_STARTED} before the first packet. */
    private volatile long offsetNs = NOT_STARTED;
    /** The playout delay above the base transit, ns, published with the offset. */
    private volatile long delayAboveBaseNs;

    private SharedPlayoutTimeline(boolean adaptive, long delayNs) {
        this.estimator = new PlayoutDelayEstimator(adaptive, delayNs,
                SpscJitterBuffer.DEFAULT_MIN_DELAY_MS * NS_PER_MS, SpscJitterBuffer.DEFAULT_MAX_DELAY_MS * NS_PER_MS,
                SpscJitterBuffer.DEFAULT_MAX_DELAY_CHANGE_MS_PER_SECOND / 1000.0, SpscJitterBuffer.DEFAULT_DELAY_QUANTILE,
                SpscJitterBuffer.DEFAULT_FORGET_FACTOR, BUCKET_WIDTH_NS, BASE_WINDOW_NS, true);
    }

    /**
     * A timeline whose delay adapts to the arrivals, as a default adaptive
     * {@link SpscJitterBuffer} (with NACK headroom).
     *
     * @return the timeline
     */
    public static SharedPlayoutTimeline adaptive() {
        return new SharedPlayoutTimeline(true, SpscJitterBuffer.DEFAULT_INITIAL_DELAY_MS * NS_PER_MS);
    }

    /**
     * A timeline with a fixed delay above the base transit, as a fixed-delay
     * {@link SpscJitterBuffer}.
     *
     * @param delayMs the delay, 0-60000 ms
     * @return the timeline
     */
    public static SharedPlayoutTimeline fixed(int delayMs) {
        if (delayMs < 0 || delayMs > 60_000) {
            throw new IllegalArgumentException("delayMs must be in [0, 60000]: " + delayMs);
        }
        return new SharedPlayoutTimeline(false, delayMs * NS_PER_MS);
    }

    /**
     * One video packet of any layer arrived. I/O thread only.
     *
     * @param arrivalNs when it arrived, on the caller's nanosecond clock
     * @param captureNs when its frame was captured, on the same clock (abs-capture-time mapped
     *     through the client's wall-clock mapping)
     * @param advancesStream whether it is the newest of its layer yet (not a retransmission or a
     *     reordered packet): only such a packet starts a fresh or restarted estimate, whose base
     *     the others' longer transit would set too high
     */
    public void onPacket(long arrivalNs, long captureNs, boolean advancesStream) {
        if (estimator.started()) {
            long offBaseNs = arrivalNs - captureNs - estimator.baseTransitNs();
            if (offBaseNs > CLOCK_STEP_NS || offBaseNs < -CLOCK_STEP_NS) {
                estimator.restart();
            }
        }
        if (!estimator.started() && !advancesStream) {
            return;
        }
        estimator.onPacket(arrivalNs, captureNs);
        long offset = estimator.playoutOffsetNs();
        if (offset != published) {
            published = offset;
            delayAboveBaseNs = estimator.playoutDelayNs();
            offsetNs = offset;
        }
    }

    /**
     * Another node's copy of a video packet already passed to {@link #onPacket} arrived
     * (redundant mode): as {@link SpscJitterBuffer#onRedundantCopy}, its delay counts towards
     * the adaptive delay, so that the slower leg alone plays on time (at the delay quantile of that
     * leg's packets). I/O thread only.
     *
     * @param arrivalNs when the copy arrived, on the caller's nanosecond clock
     * @param captureNs when its frame was captured, on the same clock
     */
    public void onCopy(long arrivalNs, long captureNs) {
        if (!estimator.started()) {
            return;
        }
        long offBaseNs = arrivalNs - captureNs - estimator.baseTransitNs();
        if (offBaseNs <= CLOCK_STEP_NS && offBaseNs >= -CLOCK_STEP_NS) {
            estimator.onCopy(arrivalNs, captureNs);
        }
    }

    /**
     * The packets now come over another path (the viewer moved to another node): the next one
     * starts the delay estimate afresh, as {@link SpscJitterBuffer#restartDelayEstimate} does for
     * the layers' buffers. I/O thread only.
     */
    public void restartDelayEstimate() {
        estimator.restart();
    }

    /**
     * Sets the round trip to the node, added to the adaptive delay as retransmission headroom.
     * I/O thread only.
     *
     * @param rttNs the round-trip time, ns; 0 or less = unknown
     */
    public void rttNs(long rttNs) {
        estimator.rttNs(rttNs);
    }

    /**
     * When a frame captured at an instant plays. Any thread.
     *
     * @param captureNs the capture instant, on the caller's nanosecond clock
     * @return its playout time on the same clock, or {@link #NOT_STARTED}
     */
    public long playoutTimeNs(long captureNs) {
        long offset = offsetNs;
        return offset == NOT_STARTED ? NOT_STARTED : captureNs + offset;
    }

    /** @return the playout delay above the base transit, ns, or 0 before the first packet; any thread */
    public long playoutDelayNs() {
        return delayAboveBaseNs;
    }
}
