package io.smoothcast.cc.internal;

/**
 * The delay-based rate controller (section 5.5 of draft-ietf-rmcat-gcc-02): a state machine
 * driven by the overuse detector. Increase is multiplicative (8 % per second) while far from the
 * last known link capacity and additive (two packets per response time) near it; on overuse
 * the rate drops to {@code BETA} times the acknowledged bitrate, or lower when a large standing
 * queue has been measured: low enough to drain it within {@link #QUEUE_DRAIN_NS} (our addition to
 * GCC, so a sudden capacity drop does not leave seconds of queue behind); decreases come at most
 * one per RTT, but on a standing queue over 200 ms (a capacity cliff) 100 ms apart for half a
 * second, since that RTT is mostly the queue itself. After a capacity drop
 * and a recovery probe, the averaged acknowledged bitrate still mixes in the slow windows from
 * before the probe; when an overuse then finds the path changed (smooth average and newest window
 * both far below the known capacity) on a short queue, the decrease starts from the newest window
 * instead. Near a known capacity, with a short queue, an acknowledged bitrate a little under the
 * estimate is the estimate seen late, and the decrease starts from a fixed share of the estimate,
 * so flows sharing a bottleneck all lose the same fraction (see {@code lagsTheEstimate}). The
 * increase never takes the rate above 1.5 times the acknowledged bitrate plus 10 kbit/s, so
 * application-limited periods do not inflate the estimate; and a flow sending under half its
 * (measured) estimate does not decrease on overuse: it did not build the queue.
 *
 * <p>Thread-safety: not thread-safe. Allocation-free.
 */
public final class AimdRateControl {

    /** Share of the acknowledged bitrate kept on overuse. */
    public static final double BETA = 0.85;
    /** A measured standing queue is drained within this time after an overuse. */
    public static final long QUEUE_DRAIN_NS = 1_000_000_000L;
    /** The deepest single decrease, as a share of the acknowledged bitrate. */
    private static final double MIN_DECREASE_SHARE = 0.5;
    private static final double MULTIPLICATIVE_GROWTH_PER_SECOND = 1.08;
    /**
     * After a decrease, the trendline needs this long beyond one RTT to show its effect; another
     * decrease sooner would punish the same queue build-up twice (and hit flows with fewer
     * packet groups per second, whose trend reacts slower, more often than large flows).
     */
    private static final long DECREASE_SETTLE_NS = 250_000_000L;
    private static final long LARGE_QUEUE_NS = 100_000_000L;
    /**
     * A standing queue this long is a capacity cliff the decreases have not caught up with (seen
     * on norway-ferry-2, where the capacity halves within 100 ms and the queue fills to 300 ms
     * before the first decrease): with the one-way delay it takes most of a 400 ms playout budget.
     */
    private static final long DEEP_QUEUE_NS = 200_000_000L;
    /** The spacing of decreases on such a queue: two feedback intervals, about one base RTT. */
    private static final long DEEP_QUEUE_SPACING_NS = 100_000_000L;
    /**
     * How long after the first decrease on a deep queue the short spacing lasts. Measured
     * (BENCHMARKS.md, "Session 6, third pass"): with no limit a TCP flow sharing the link
     * finished later than CongestionControlGoalsTest allows; 300 ms failed its fairness case
     * (seed 5); 1 s (on queues over 250 ms) put GoalGrid's three-flow ratio at 0.74 (goal 0.75);
     * 500 ms held every goal column.
     */
    private static final long DEEP_QUEUE_WINDOW_NS = 500_000_000L;
    /**
     * Under this standing queue an overuse is a build-up of our own that has just begun, and the
     * newest acknowledged window shows what the path carries; above it the window's rate is
     * shaped by a queue (possibly others' traffic) and is no clean measurement.
     */
    private static final long SHORT_QUEUE_NS = 50_000_000L;
    /**
     * Near the known capacity, an acknowledged bitrate at least this share of the estimate is
     * the estimate itself, seen late: the path delivered what the flow sent.
     */
    private static final double LAGGING_ACKED_SHARE = 0.8;
    /**
     * The decrease base for such a flow, as a share of its estimate: about where the largest
     * flows' acknowledged bitrate stands at an overuse, so they decrease as before.
     */
    private static final double LAG_BASE_SHARE = 0.95;
    /**
     * A flow sending less than this share of its estimate is application-limited (paused, or
     * its encoder stopped): an increase can take the estimate no further than 1.5 times the
     * acknowledged bitrate, so a steady sender never falls under two thirds of its estimate.
     */
    private static final double APP_LIMITED_SEND_SHARE = 0.5;
    /** How long the acknowledged bitrate lags the send rate beyond one RTT (its window and more). */
    private static final long ACKED_LAG_NS = 500_000_000L;
    private static final long PACKET_BITS = 1200 * 8;
    /**
     * Packets per response time (RTT + 100 ms) added near the known capacity. GCC uses one; two
     * make congestion events twice as frequent, which is what lets flows sharing a bottleneck
     * converge to equal shares within a minute (and keeps us competitive beside TCP).
     */
    private static final int ADDITIVE_PACKETS = 2;
    private static final long MIN_INCREASE_BPS = 4_000;
    private static final long ACKED_HEADROOM_BPS = 10_000;
    private static final double LINK_AVERAGE_WEIGHT = 0.05;
    /** How many standard deviations around the link capacity average count as "near". */
    private static final double NEAR_DEVIATIONS = 3;

    private enum State { HOLD, INCREASE, DECREASE }

    private final long minBitrateBps;
    private final long maxBitrateBps;
    private long currentBps;
    private State state = State.INCREASE;
    private long lastChangeNs;
    private boolean haveLastChange;
    private long lastDecreaseNs;
    private boolean haveDecreased;
    private double linkCapacityKbps = -1;
    private double linkVarianceKbps = 0.4;
    private long rttNs = 200_000_000L;
    private long queueDelayNs;
    /** Whether the standing queue is above DEEP_QUEUE_NS, and since when (first decrease). */
    private boolean deepQueue;
    private long deepQueueSinceNs;
    private long latestAckedSampleBps = -1;
    private long sentBps = -1;
    /** Whether a probe result raised the estimate since the last decrease. */
    private boolean raisedSinceDecrease;

    /**
     * @param startBitrateBps the first estimate
     * @param minBitrateBps lower bound
     * @param maxBitrateBps upper bound
     */
    public AimdRateControl(long startBitrateBps, long minBitrateBps, long maxBitrateBps) {
        this.minBitrateBps = minBitrateBps;
        this.maxBitrateBps = maxBitrateBps;
        this.currentBps = clamp(startBitrateBps);
    }

    /** @param rttNs the latest round-trip time, used for the additive step and decrease spacing */
    public void setRttNs(long rttNs) {
        this.rttNs = rttNs;
    }

    /** @param queueDelayNs the latest estimate of the bottleneck's standing queue, &gt;= 0 */
    public void setQueueDelayNs(long queueDelayNs) {
        this.queueDelayNs = Math.max(0, queueDelayNs);
        if (this.queueDelayNs <= DEEP_QUEUE_NS) {
            deepQueue = false;
        }
    }

    /**
     * @param sampleBps the acknowledged bitrate of the newest closed window only, or -1 if
     *     unknown: the decrease base when a decrease finds that the path changed
     */
    public void setLatestAckedSampleBps(long sampleBps) {
        this.latestAckedSampleBps = sampleBps;
    }

    /**
     * @param sentBps what the flow sent over the last window (send clock), or -1 if unknown:
     *     tells an application-limited flow, which does not decrease on overuse
     */
    public void setSentBitrateBps(long sentBps) {
        this.sentBps = sentBps;
    }

    /**
     * Sets the estimate directly (a probe result).
     *
     * @param bitrateBps the new estimate
     * @param nowNs the current time
     */
    public void setEstimate(long bitrateBps, long nowNs) {
        raisedSinceDecrease |= clamp(bitrateBps) > currentBps;
        currentBps = clamp(bitrateBps);
        lastChangeNs = nowNs;
        haveLastChange = true;
    }

    /**
     * Updates the estimate with the detector's hypothesis.
     *
     * @param usage the detector's hypothesis
     * @param ackedBps the acknowledged bitrate over a short window, or -1 if unknown: the base
     *     of a decrease and of the ceiling on increases
     * @param smoothAckedBps the acknowledged bitrate over a longer window, or -1: tracks the link
     *     capacity, where the short window's frame-by-frame noise would look like a path change
     * @param nowNs the current time (sender clock)
     * @return the new estimate in bit/s
     */
    public long update(BandwidthUsage usage, long ackedBps, long smoothAckedBps, long nowNs) {
        switch (usage) {
            case OVERUSING:
                if (state != State.DECREASE) {
                    state = State.DECREASE;
                }
                break;
            case UNDERUSING:
                state = State.HOLD;
                break;
            default:
                if (state == State.HOLD || state == State.DECREASE) {
                    state = State.INCREASE;
                    lastChangeNs = nowNs; // start the increase clock now, not at the old change
                    haveLastChange = true;
                }
                break;
        }
        if (!haveLastChange) {
            lastChangeNs = nowNs;
            haveLastChange = true;
        }
        switch (state) {
            case INCREASE:
                increase(ackedBps, smoothAckedBps, nowNs);
                break;
            case DECREASE:
                decrease(ackedBps, smoothAckedBps, nowNs);
                break;
            default:
                lastChangeNs = nowNs;
                break;
        }
        return currentBps;
    }

    private void increase(long ackedBps, long smoothAckedBps, long nowNs) {
        // Right after a decrease the acknowledged bitrate still shows the old, higher rate: it is
        // no evidence of a faster path then.
        boolean ackedIsFresh = !haveDecreased || nowNs - lastDecreaseNs > rttNs + ACKED_LAG_NS;
        if (ackedIsFresh && smoothAckedBps > 0 && linkCapacityKbps > 0
                && smoothAckedBps / 1000.0 > upperLinkKbps()) {
            linkCapacityKbps = -1; // the path got faster than we knew: go multiplicative again
        }
        long elapsedNs = Math.min(Math.max(nowNs - lastChangeNs, 0), 1_000_000_000L);
        double seconds = elapsedNs / 1e9;
        long increment;
        if (linkCapacityKbps > 0) {
            double responseSeconds = (rttNs + 100_000_000L) / 1e9;
            // The same absolute step for every flow, whatever its rate: that is what makes AIMD
            // converge to equal shares.
            double additiveBps = ADDITIVE_PACKETS * PACKET_BITS / responseSeconds * seconds;
            increment = (long) Math.max(MIN_INCREASE_BPS * seconds, additiveBps);
        } else {
            increment = (long) Math.max(currentBps * (Math.pow(MULTIPLICATIVE_GROWTH_PER_SECOND, seconds) - 1),
                    1000 * seconds);
        }
        long next = currentBps + increment;
        if (ackedBps > 0) {
            long ceiling = (long) (1.5 * ackedBps) + ACKED_HEADROOM_BPS;
            next = Math.min(next, Math.max(currentBps, ceiling));
        }
        currentBps = clamp(next);
        lastChangeNs = nowNs;
    }

    private void decrease(long ackedBps, long smoothAckedBps, long nowNs) {
        // At most one decrease per round trip, so one queue build-up is not punished twice.
        // A standing queue above LARGE_QUEUE_NS is no longer one build-up in progress: it must
        // go, so then the next decrease may come after one RTT.
        // A standing queue above DEEP_QUEUE_NS leaves a frame too little of its playout budget,
        // and the RTT is then mostly that queue (300 ms of queue: 400 ms RTT), so waiting an RTT
        // would leave it standing that long: the next decrease may come DEEP_QUEUE_SPACING_NS on.
        // Only during the first DEEP_QUEUE_WINDOW_NS of such a queue (from the first decrease
        // that saw it): a cliff's queue is met by two to four quick decreases; one that stands
        // longer may be a loss-based competitor's, which faster decreases would not drain (they
        // would only hand it our share; CompetingFlowDetector handles that).
        if (queueDelayNs > DEEP_QUEUE_NS && !deepQueue) {
            deepQueue = true;
            deepQueueSinceNs = nowNs;
        }
        long spacingNs;
        if (deepQueue && nowNs - deepQueueSinceNs < DEEP_QUEUE_WINDOW_NS) {
            spacingNs = Math.min(rttNs, DEEP_QUEUE_SPACING_NS);
        } else if (queueDelayNs > LARGE_QUEUE_NS) {
            spacingNs = rttNs;
        } else {
            spacingNs = rttNs + DECREASE_SETTLE_NS;
        }
        if (haveDecreased && nowNs - lastDecreaseNs < spacingNs) {
            return;
        }
        if (sentBps >= 0 && sentBps < APP_LIMITED_SEND_SHARE * currentBps && linkCapacityKbps > 0
                && currentBps / 1000.0 <= upperLinkKbps()) {
            // A flow sending a fraction of its estimate (a paused broadcast sends only padding)
            // did not build the queue, and cutting its estimate to its own trickle would lose
            // the rate it had: seen in RFC 8867 5.8, where one overuse during the pause took a
            // flow from 1244 to 224 kbit/s and it came back audio-only. Only an estimate within
            // the capacity this flow measured itself is kept so (not one a probe lifted beyond
            // anything sent yet, which a ladder encoder's padding cap can leave unvalidated).
            // Hold instead; once it sends at its estimate again, the next overuse decreases from
            // what the path delivered.
            // The increase cap already keeps its estimate from growing meanwhile.
            lastChangeNs = nowNs;
            state = State.HOLD;
            return;
        }
        long basis = ackedBps > 0 ? ackedBps : currentBps;
        if (raisedSinceDecrease && queueDelayNs < SHORT_QUEUE_NS && latestAckedSampleBps > 0 && smoothAckedBps > 0
                && pathChanged(smoothAckedBps / 1000.0)
                && pathChanged(latestAckedSampleBps / 1000.0)) {
            basis = latestAckedSampleBps;
        } else if (ackedBps > 0 && lagsTheEstimate(ackedBps, smoothAckedBps)) {
            basis = Math.max(ackedBps, (long) (LAG_BASE_SHARE * currentBps));
        }
        double drainShare = 1.0 - (double) queueDelayNs / QUEUE_DRAIN_NS;
        long next = (long) (Math.max(MIN_DECREASE_SHARE, Math.min(BETA, drainShare)) * basis);
        if (next > currentBps && linkCapacityKbps > 0) {
            next = (long) (BETA * linkCapacityKbps * 1000);
        }
        if (next < currentBps) {
            currentBps = clamp(next);
        }
        if (smoothAckedBps > 0) {
            updateLinkCapacity(smoothAckedBps / 1000.0);
        }
        lastDecreaseNs = nowNs;
        haveDecreased = true;
        raisedSinceDecrease = false;
        lastChangeNs = nowNs;
        state = State.HOLD;
    }

    /**
     * Whether the acknowledged bitrate is the flow's own estimate seen late, near a known,
     * unchanged capacity with a short queue. During additive increase every flow sharing a
     * bottleneck grows by the same amount per second, and the acknowledged bitrate shows the
     * rate of about half a second ago (its averaging window, the feedback delay): it lags by
     * the same amount for every flow, a larger share of a smaller flow's rate. Cut from it, a
     * flow below its share loses a larger fraction than one above (traced in RFC 8867 5.4:
     * 24 % against 19-21 %), the cuts become about equal in absolute terms and AIMD stops
     * converging. Cut from a fixed share of the estimate, every such flow loses the same
     * fraction.
     */
    private boolean lagsTheEstimate(long ackedBps, long smoothAckedBps) {
        return linkCapacityKbps > 0 && queueDelayNs < SHORT_QUEUE_NS && smoothAckedBps > 0
                && !pathChanged(smoothAckedBps / 1000.0) && ackedBps < currentBps
                && ackedBps >= LAGGING_ACKED_SHARE * currentBps;
    }

    /** Whether an acknowledged rate lies far below the known link capacity: the path got slower. */
    private boolean pathChanged(double ackedKbps) {
        return linkCapacityKbps > 0 && ackedKbps < lowerLinkKbps();
    }

    private void updateLinkCapacity(double ackedKbps) {
        if (pathChanged(ackedKbps)) {
            linkCapacityKbps = -1; // far below: the path changed, forget the old capacity
        }
        if (linkCapacityKbps < 0) {
            linkCapacityKbps = ackedKbps;
        } else {
            linkCapacityKbps = (1 - LINK_AVERAGE_WEIGHT) * linkCapacityKbps + LINK_AVERAGE_WEIGHT * ackedKbps;
        }
        double normalized = Math.max(linkCapacityKbps, 1);
        double error = linkCapacityKbps - ackedKbps;
        linkVarianceKbps = (1 - LINK_AVERAGE_WEIGHT) * linkVarianceKbps
                + LINK_AVERAGE_WEIGHT * error * error / normalized;
        linkVarianceKbps = Math.max(0.4, Math.min(2.5, linkVarianceKbps));
    }

    private double deviationKbps() {
        return Math.sqrt(linkVarianceKbps * linkCapacityKbps);
    }

    private double upperLinkKbps() {
        return linkCapacityKbps + NEAR_DEVIATIONS * deviationKbps();
    }

    private double lowerLinkKbps() {
        return linkCapacityKbps - NEAR_DEVIATIONS * deviationKbps();
    }

    private long clamp(long bitrateBps) {
        return Math.max(minBitrateBps, Math.min(maxBitrateBps, bitrateBps));
    }

    /** @return the current estimate in bit/s */
    public long estimateBps() {
        return currentBps;
    }

    /** @return whether the controller is in its decrease or hold phase after an overuse */
    public boolean isIncreasing() {
        return state == State.INCREASE;
    }

    /** @return the averaged acknowledged bitrate at past overuses in bit/s, or -1 if unknown */
    public long linkCapacityBps() {
        return linkCapacityKbps > 0 ? (long) (linkCapacityKbps * 1000) : -1;
    }
}
