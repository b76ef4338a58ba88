package io.smoothcast.cc.internal;

/**
 * Tells a loss-based competitor's standing queue (a TCP flow in a deep drop-tail buffer) from
 * a queue of our own making, so a delay-based controller neither starves beside TCP nor keeps a
 * buffer full by itself. The signal is "we reduced but the queue did not drain": our own queue
 * empties when we back off, a loss-based competitor refills whatever we leave.
 *
 * <p>States, driven by the standing queue (feedback RTT above a base RTT):
 * <ul>
 *   <li><b>delay mode</b>: when the queue has stayed above {@link #QUEUE_NS} for
 *       {@link #DETECT_NS} while the delay-based controller decreased at least twice, the
 *       queue is not ours: competing mode. If it stood that long without our decreases (a full
 *       buffer shows no delay gradient), {@link #update} asks for one decrease to drain it.
 *   <li><b>competing mode</b>: delay-based decreases pause and the loss-based limit governs,
 *       for at most {@link #COMPETING_MAX_NS}; then one decrease and a drain check.
 *   <li><b>drain check</b> ({@link #DRAIN_CHECK_NS}): delay-based changes hold; if the queue
 *       falls under half of {@link #QUEUE_NS} it was ours (delay mode again), if it still stands
 *       above {@link #QUEUE_NS} at the end the competitor is still there and competing mode
 *       resumes at once, without a new detection period (whose decreases used to cost us half
 *       our rate every ten seconds).
 * </ul>
 *
 * <p>The base RTT seen when a competitor was first detected is remembered while the competitor
 * stays ({@link #BASE_MEMORY_NS} after the last competing period): a competitor that never lets
 * the queue drain would otherwise become part of the minimum RTT after one 10-20 s window, and
 * its queue would read as an empty path.
 *
 * <p>Thread-safety: not thread-safe. Allocation-free.
 */
public final class CompetingFlowDetector {

    /** A standing queue at least this long that our decreases do not clear suggests a competitor. */
    public static final long QUEUE_NS = 80_000_000L;
    /** How long the queue must stand, with our decreases, before competing mode starts. */
    public static final long DETECT_NS = 4_000_000_000L;
    /** Longest competing period before a drain check. */
    public static final long COMPETING_MAX_NS = 10_000_000_000L;
    /**
     * How long a drain check waits for the queue to fall after our decrease: our own decrease
     * drains a measured queue within about a second ({@link AimdRateControl#QUEUE_DRAIN_NS}),
     * plus the RTT it takes to be seen.
     */
    public static final long DRAIN_CHECK_NS = 1_500_000_000L;
    /** How long the base RTT from a detection is kept after the last competing period. */
    public static final long BASE_MEMORY_NS = 30_000_000_000L;

    private boolean competing;
    private boolean drainCheck;
    private boolean highQueue;
    private long highQueueSinceNs;
    private int decreasesDuringHighQueue;
    private long competingSinceNs;
    private long drainCheckSinceNs;
    private boolean haveBaseMemory;
    private long rememberedBaseRttNs;
    private long lastCompetingNs;

    /** Counts a decrease of the delay-based estimate (evidence while the queue stands). */
    public void onDelayBasedDecrease() {
        if (highQueue) {
            decreasesDuringHighQueue++;
        }
    }

    /**
     * Updates the state with the latest RTT sample.
     *
     * @param rttSampleNs the latest feedback RTT in ns
     * @param minRttNs the minimum RTT of the recent window in ns
     * @param nowNs the current time (sender clock)
     * @return true when the caller should decrease the delay-based estimate now, to drain the
     *     queue (a standing queue with no gradient, or the start of a drain check)
     */
    public boolean update(long rttSampleNs, long minRttNs, long nowNs) {
        if (haveBaseMemory && !competing && !drainCheck && nowNs - lastCompetingNs > BASE_MEMORY_NS) {
            haveBaseMemory = false;
        }
        long baseRttNs = haveBaseMemory ? Math.min(rememberedBaseRttNs, minRttNs) : minRttNs;
        long queueDelayNs = rttSampleNs - baseRttNs;
        if (queueDelayNs < QUEUE_NS / 2) {
            // The queue drained: whatever stood there is gone, and the path's base RTT is fresh.
            competing = false;
            drainCheck = false;
            highQueue = false;
            haveBaseMemory = false;
            return false;
        }
        if (competing) {
            if (nowNs - competingSinceNs > COMPETING_MAX_NS) {
                competing = false;
                drainCheck = true;
                drainCheckSinceNs = nowNs;
                lastCompetingNs = nowNs;
                return true;
            }
            return false;
        }
        if (drainCheck) {
            if (nowNs - drainCheckSinceNs < DRAIN_CHECK_NS) {
                return false;
            }
            drainCheck = false;
            if (queueDelayNs >= QUEUE_NS) {
                enterCompeting(baseRttNs, nowNs);
            } else {
                startHighQueue(nowNs);
            }
            return false;
        }
        if (queueDelayNs < QUEUE_NS) {
            return false;
        }
        if (!highQueue) {
            startHighQueue(nowNs);
        }
        if (nowNs - highQueueSinceNs >= DETECT_NS) {
            if (decreasesDuringHighQueue >= 2) {
                enterCompeting(baseRttNs, nowNs);
            } else {
                startHighQueue(nowNs);
                return true;
            }
        }
        return false;
    }

    private void enterCompeting(long baseRttNs, long nowNs) {
        competing = true;
        competingSinceNs = nowNs;
        lastCompetingNs = nowNs;
        highQueue = false;
        if (!haveBaseMemory) {
            haveBaseMemory = true;
            rememberedBaseRttNs = baseRttNs;
        }
    }

    private void startHighQueue(long nowNs) {
        highQueue = true;
        highQueueSinceNs = nowNs;
        decreasesDuringHighQueue = 0;
    }

    /** @return whether a loss-based competitor is believed to hold the queue (delay is ignored) */
    public boolean isCompeting() {
        return competing;
    }

    /** @return whether a drain check is running (delay-based changes hold) */
    public boolean isDrainChecking() {
        return drainCheck;
    }

    /**
     * @return whether the delay-based controller should not decrease on overuse now (competing
     *     mode or a drain check)
     */
    public boolean pausesDelayBasedDecreases() {
        return competing || drainCheck;
    }
}
