package io.smoothcast.cc.internal;

/**
 * Decides when to probe and at what rate, as libwebrtc's probe controller does in spirit:
 * <ul>
 *   <li>at start, two clusters at {@code 3x} and {@code 6x} the start bitrate;
 *   <li>exponential probing: while results reach {@link #CONTINUE_SHARE} of what was probed,
 *       probe again at twice the result (up to the maximum bitrate);
 *   <li>recovery: after a large drop (the estimate fell below {@link #LARGE_DROP_SHARE} of what it
 *       was, or feedback timed out), once the controller is increasing again and at least
 *       {@link #RECOVERY_DELAY_NS} has passed, one cluster at {@link #RECOVERY_SHARE} of the rate
 *       before the drop, so a short dip does not cost seconds of additive increase.
 * </ul>
 * Requested bitrates wait in a small queue until the congestion controller hands them out.
 *
 * <p>Thread-safety: not thread-safe. Allocation-free after construction.
 */
public final class ProbeController {

    public static final double CONTINUE_SHARE = 0.7;
    public static final double LARGE_DROP_SHARE = 0.66;
    public static final double RECOVERY_SHARE = 0.85;
    public static final long RECOVERY_DELAY_NS = 1_000_000_000L;
    public static final long RECOVERY_WINDOW_NS = 5_000_000_000L;
    private static final long EXPONENTIAL_TIMEOUT_NS = 1_000_000_000L;
    private static final int MAX_PENDING = 4;

    private final boolean initialProbing;
    private final long maxBitrateBps;
    private final long[] pending = new long[MAX_PENDING];
    private int pendingHead;
    private int pendingCount;

    private boolean started;
    private boolean exponential;
    private long lastProbeBps;
    private long lastProbeRequestNs;
    private boolean recoveryArmed;
    private long recoveryTargetBps;
    private long dropTimeNs;

    /**
     * @param initialProbing whether to probe at start (and exponentially after)
     * @param maxBitrateBps no probe goes above this
     */
    public ProbeController(boolean initialProbing, long maxBitrateBps) {
        this.initialProbing = initialProbing;
        this.maxBitrateBps = maxBitrateBps;
    }

    /**
     * Called when media starts flowing.
     *
     * @param startBitrateBps the start estimate
     * @param nowNs the current time
     */
    public void onStart(long startBitrateBps, long nowNs) {
        if (started) {
            return;
        }
        started = true;
        if (initialProbing) {
            request(3 * startBitrateBps, nowNs);
            request(6 * startBitrateBps, nowNs);
            exponential = true;
        }
    }

    /**
     * A probe cluster measured {@code resultBps}. Only the result of the highest cluster asked
     * for so far steers exponential probing; earlier, lower clusters say nothing new.
     *
     * @param resultBps the measured rate
     * @param clusterTargetBps the rate that cluster was sent at
     * @param nowNs the current time
     */
    public void onProbeResult(long resultBps, long clusterTargetBps, long nowNs) {
        if (!exponential || clusterTargetBps < lastProbeBps) {
            return;
        }
        if (resultBps >= CONTINUE_SHARE * clusterTargetBps && lastProbeBps < maxBitrateBps) {
            request(Math.max(2 * resultBps, lastProbeBps + 1), nowNs);
        } else {
            exponential = false;
        }
    }

    /**
     * Called with every new target.
     *
     * @param previousBps the target before this update
     * @param newBps the target after it
     * @param increasing whether the delay-based controller is in its increase state
     * @param nowNs the current time
     */
    public void onTargetChanged(long previousBps, long newBps, boolean increasing, long nowNs) {
        if (exponential && nowNs - lastProbeRequestNs > EXPONENTIAL_TIMEOUT_NS) {
            exponential = false; // no usable result came back
        }
        if (newBps < LARGE_DROP_SHARE * previousBps) {
            onLargeDrop(previousBps, nowNs);
        }
        if (recoveryArmed) {
            long sinceDropNs = nowNs - dropTimeNs;
            if (sinceDropNs > RECOVERY_WINDOW_NS) {
                recoveryArmed = false;
            } else if (increasing && sinceDropNs >= RECOVERY_DELAY_NS) {
                recoveryArmed = false;
                if (newBps < recoveryTargetBps) {
                    request(recoveryTargetBps, nowNs);
                }
            }
        }
    }

    /**
     * Remembers a large drop (or a feedback timeout) so a recovery probe can follow.
     *
     * @param bitrateBeforeBps the rate before the drop
     * @param nowNs the current time
     */
    public void onLargeDrop(long bitrateBeforeBps, long nowNs) {
        if (!recoveryArmed) {
            recoveryTargetBps = Math.min(maxBitrateBps, (long) (RECOVERY_SHARE * bitrateBeforeBps));
        }
        recoveryArmed = true;
        dropTimeNs = nowNs;
    }

    private void request(long bitrateBps, long nowNs) {
        long bps = Math.min(bitrateBps, maxBitrateBps);
        if (pendingCount == MAX_PENDING) {
            return;
        }
        pending[(pendingHead + pendingCount) % MAX_PENDING] = bps;
        pendingCount++;
        lastProbeBps = bps;
        lastProbeRequestNs = nowNs;
    }

    /** @return whether a probe is waiting to be handed out */
    public boolean hasPending() {
        return pendingCount > 0;
    }

    /** @return the next probe bitrate in bit/s; only when {@link #hasPending()} */
    public long takePending() {
        long bps = pending[pendingHead];
        pendingHead = (pendingHead + 1) % MAX_PENDING;
        pendingCount--;
        return bps;
    }
}
