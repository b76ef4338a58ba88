package io.smoothcast.abr.internal;

/**
 * When and how far a continuous encoder's bitrate rises: only once the target has stayed at or
 * above the current bitrate times {@code (1 + minStepFraction)} for a hold time without
 * interruption, and then to the lowest target seen during that hold. The bitrate so follows the
 * lower envelope of a congestion controller's sawtooth, in steps at least a hold apart and at
 * least {@code minStepFraction} high, instead of every tooth. (Falls are the caller's: a target
 * under the bitrate is followed at once, and the caller then calls {@link #restart()}.)
 *
 * <p>A hold of 0 and a step of 0 follow every rise of the target at once.
 *
 * <p>Not thread-safe: owned by one selector and called from its thread. Allocation-free.
 */
public final class HeldRise {

    private final long holdNs;
    private final double minStepFraction;
    private boolean holding;
    private long holdingSinceNs;
    /** The lowest target seen since the hold began, in bits per second. */
    private long lowestDuringHoldBps;

    /**
     * @param holdNs how long, in nanoseconds (not negative), the target must stay above the
     *     step threshold before the bitrate rises
     * @param minStepFraction the smallest rise, as a fraction (not negative) of the current
     *     bitrate
     */
    public HeldRise(long holdNs, double minStepFraction) {
        if (holdNs < 0) {
            throw new IllegalArgumentException("holdNs must be >= 0: " + holdNs);
        }
        if (!(minStepFraction >= 0) || Double.isInfinite(minStepFraction)) {
            throw new IllegalArgumentException("minStepFraction must be finite and >= 0: "
                    + minStepFraction);
        }
        this.holdNs = holdNs;
        this.minStepFraction = minStepFraction;
    }

    /**
     * Feeds a target at or above the current bitrate and returns the bitrate to use from now on.
     *
     * @param currentBps the encoder's bitrate now, in bits per second
     * @param targetBps the target, in bits per second, at or above {@code currentBps} and at
     *     most {@code ceilingBps}
     * @param ceilingBps the highest bitrate the encoder may take, in bits per second: a step
     *     that would pass it is cut to it, so the encoder can reach it
     * @param nowNs the caller's time, in nanoseconds
     * @return {@code currentBps}, or the lowest target of a completed hold (above the step)
     */
    public long next(long currentBps, long targetBps, long ceilingBps, long nowNs) {
        long thresholdBps = Math.min(ceilingBps,
                currentBps + (long) Math.ceil(currentBps * minStepFraction));
        if (targetBps < thresholdBps) {
            holding = false;
            return currentBps;
        }
        if (!holding) {
            holding = true;
            holdingSinceNs = nowNs;
            lowestDuringHoldBps = targetBps;
        } else {
            lowestDuringHoldBps = Math.min(lowestDuringHoldBps, targetBps);
        }
        if (nowNs - holdingSinceNs < holdNs) {
            return currentBps;
        }
        holding = false;
        return lowestDuringHoldBps;
    }

    /** Forgets the hold in progress (the bitrate fell, or jumped for another reason). */
    public void restart() {
        holding = false;
    }
}
