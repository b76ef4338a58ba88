package io.smoothcast.cc.internal;

/**
 * The loss-based limit on the send rate (section 6 of draft-ietf-rmcat-gcc-02). Loss is measured
 * over at least {@link #MIN_PACKETS_PER_UPDATE} reported packets: above 10 % the limit drops by
 * half the loss fraction, at most once per RTT plus {@link #DECREASE_INTERVAL_NS} (as the draft
 * and libwebrtc space them): the loss that one decrease answers is reported an RTT later, and
 * cutting again on it punished one loss episode several times on long paths (340 ms RTT: the
 * limit fell to 35-90 kbit/s after a capacity drop); between 2 % and 10 %
 * it holds where it is; below 2 % it grows 5 % per update and is lifted altogether once it
 * reaches the delay-based estimate. Without a limit ({@link Long#MAX_VALUE}) the delay-based
 * estimate rules alone.
 *
 * <p>Our departure from the draft: loss between 2 % and 10 % while the delay signals show no
 * queue is taken for random loss (a lossy radio link), not congestion, and the limit keeps
 * growing as below 2 %; holding there would freeze the rate wherever loss was first seen.
 *
 * <p>Thread-safety: not thread-safe. Allocation-free.
 */
public final class LossBasedController {

    public static final double LOW_LOSS = 0.02;
    public static final double HIGH_LOSS = 0.10;
    public static final int MIN_PACKETS_PER_UPDATE = 20;
    public static final long DECREASE_INTERVAL_NS = 300_000_000L;
    private static final double GROWTH_PER_UPDATE = 1.05;

    private long limitBps = Long.MAX_VALUE;
    private long rttNs;
    private int received;
    private int lost;
    private long lastDecreaseNs;
    private boolean haveDecreased;
    private double lastLossFraction;

    /**
     * Counts packets reported in a feedback.
     *
     * @param receivedPackets how many arrived
     * @param lostPackets how many were reported lost
     */
    public void onReported(int receivedPackets, int lostPackets) {
        received += receivedPackets;
        lost += lostPackets;
    }

    /**
     * Updates the limit when enough packets have been reported.
     *
     * @param currentTargetBps the rate in use now (the base of a decrease or hold)
     * @param delayBasedBps the delay-based estimate
     * @param nowNs the current time
     * @param queueIsShort whether the delay signals show no congestion (no overuse, a short
     *     standing queue): moderate loss then is random (a lossy radio link), not ours, and the
     *     limit may grow through the 2-10 % band instead of holding
     * @return the limit in bit/s ({@link Long#MAX_VALUE} when loss limits nothing)
     */
    public long update(long currentTargetBps, long delayBasedBps, long nowNs, boolean queueIsShort) {
        int total = received + lost;
        if (total < MIN_PACKETS_PER_UPDATE) {
            return limitBps;
        }
        double loss = lost / (double) total;
        lastLossFraction = loss;
        received = 0;
        lost = 0;
        if (loss > HIGH_LOSS) {
            if (!haveDecreased || nowNs - lastDecreaseNs >= rttNs + DECREASE_INTERVAL_NS) {
                long base = Math.min(limitBps, currentTargetBps);
                limitBps = (long) (base * (1 - 0.5 * loss));
                lastDecreaseNs = nowNs;
                haveDecreased = true;
            }
        } else if (loss >= LOW_LOSS && !queueIsShort) {
            if (limitBps == Long.MAX_VALUE) {
                limitBps = currentTargetBps;
            }
        } else if (limitBps != Long.MAX_VALUE) {
            limitBps = (long) (limitBps * GROWTH_PER_UPDATE) + 1000;
            if (limitBps >= delayBasedBps) {
                limitBps = Long.MAX_VALUE;
            }
        }
        return limitBps;
    }

    /**
     * Sets the round-trip time that spaces decreases.
     *
     * @param rttNs the path's RTT in ns (the controller passes its minimum RTT, without the
     *     standing queue); 0 (the start) until one is known
     */
    public void setRttNs(long rttNs) {
        this.rttNs = Math.max(0, rttNs);
    }

    /** @return the current limit in bit/s, or {@link Long#MAX_VALUE} */
    public long limitBps() {
        return limitBps;
    }

    /** @return the loss fraction measured at the last update, in [0, 1] */
    public double lastLossFraction() {
        return lastLossFraction;
    }

    /**
     * A probe just showed the path carrying {@code resultBps}: unless loss is high, the limit
     * rises to it at once rather than by 5 % steps (as libwebrtc resets its loss-based estimate
     * on probe results).
     *
     * @param resultBps the probe's measured rate
     */
    public void onProbeResult(long resultBps) {
        if (limitBps != Long.MAX_VALUE && lastLossFraction <= HIGH_LOSS) {
            limitBps = Math.max(limitBps, resultBps);
        }
    }

    /**
     * Lowers the limit from outside (feedback timeout).
     *
     * @param bitrateBps the new limit
     */
    public void capAt(long bitrateBps) {
        limitBps = Math.min(limitBps, bitrateBps);
    }
}
