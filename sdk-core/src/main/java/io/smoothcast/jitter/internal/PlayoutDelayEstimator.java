package io.smoothcast.jitter.internal;

/**
 * Decides when media should play, from packet arrival times (producer side of the jitter
 * buffer).
 *
 * <p>Each packet gives a transit value: arrival time minus media time (the RTP timestamp in
 * nanoseconds). The lowest transit seen over the last one to two {@code baseWindowNs} is the
 * path's base delay; a packet's relative delay is how far its transit lies above that base.
 * In adaptive mode the target delay is a quantile of the relative delays in a
 * {@link DelayHistogram} with a forget factor (NetEq-style), at least three times the RFC 3550
 * interarrival jitter, plus one round trip of headroom when retransmission is on, clamped to
 * [min, max]. In fixed mode it is a constant. The playout offset
 * (media time + offset = local playout time) then moves towards base + target, at most
 * {@code maxChangeNsPerNs} nanoseconds per nanosecond of arrival time, so playback speed never
 * jumps; but it never stays below the base transit (see {@link #playoutDelayNs()}).
 *
 * <p>Also keeps the RFC 3550 interarrival jitter (section 6.4.1) on the same transit values.
 *
 * <p>Not thread-safe: owned by the producer thread. Allocates nothing after construction.
 */
public final class PlayoutDelayEstimator {

    /** How often the quantile is recomputed, in arrival time; it walks every bucket. */
    private static final long QUANTILE_INTERVAL_NS = 5_000_000L;
    /** The adaptive target is at least this many times the RFC 3550 interarrival jitter. */
    private static final long JITTER_FLOOR_FACTOR = 3;
    /** Samples before the histogram alone decides; until then the initial delay is a floor. */
    private static final long WARMUP_SAMPLES = 50;

    private final boolean adaptive;
    private final long minDelayNs;
    private final long maxDelayNs;
    private final long fixedOrInitialDelayNs;
    private final double maxChangeNsPerNs;
    private final double quantile;
    private final long baseWindowNs;
    private final boolean retransmissionHeadroom;
    private final DelayHistogram histogram;

    private boolean started;
    private long lastTransitNs;
    private long jitterNsTimes16;
    private long currentWindowMinNs;
    private long previousWindowMinNs;
    private long windowStartNs;
    private long quantileNs;
    private long lastQuantileAtNs;
    private long rttNs = -1;
    private long targetDelayNs;
    private long offsetNs;
    private long lastOffsetUpdateNs;

    /**
     * @param adaptive true for adaptive mode, false for a fixed delay
     * @param fixedOrInitialDelayNs the fixed delay, or the adaptive mode's starting delay
     * @param minDelayNs lowest target delay (adaptive)
     * @param maxDelayNs highest target delay (adaptive)
     * @param maxChangeNsPerNs how fast the playout delay may change, e.g. 0.1 = 100 ms per second
     * @param quantile fraction of relative delays the target covers (adaptive), in (0, 1]
     * @param forgetFactor histogram forget factor per packet (adaptive), in (0, 1]
     * @param bucketWidthNs histogram bucket width in nanoseconds
     * @param baseWindowNs length of one base-delay window in nanoseconds
     * @param retransmissionHeadroom add one RTT to the adaptive target when RTT is known
     */
    public PlayoutDelayEstimator(boolean adaptive, long fixedOrInitialDelayNs, long minDelayNs, long maxDelayNs,
            double maxChangeNsPerNs, double quantile, double forgetFactor, long bucketWidthNs, long baseWindowNs,
            boolean retransmissionHeadroom) {
        this.adaptive = adaptive;
        this.fixedOrInitialDelayNs = fixedOrInitialDelayNs;
        this.minDelayNs = minDelayNs;
        this.maxDelayNs = maxDelayNs;
        this.maxChangeNsPerNs = maxChangeNsPerNs;
        this.quantile = quantile;
        this.baseWindowNs = baseWindowNs;
        this.retransmissionHeadroom = retransmissionHeadroom;
        int buckets = (int) Math.max(1, Math.min(100_000, maxDelayNs / bucketWidthNs + 1));
        this.histogram = adaptive ? new DelayHistogram(bucketWidthNs, buckets, forgetFactor) : null;
        this.targetDelayNs = fixedOrInitialDelayNs;
    }

    /**
     * Accounts for one packet and updates the playout offset.
     *
     * @param arrivalNs when the packet arrived, in the caller's nanosecond clock
     * @param mediaTimeNs the packet's RTP timestamp converted to nanoseconds
     */
    public void onPacket(long arrivalNs, long mediaTimeNs) {
        // Kept small enough for the JIT to inline into the buffer's offer; the rarer or
        // mode-specific parts are separate methods.
        final long transitNs = arrivalNs - mediaTimeNs;
        if (!started) {
            start(arrivalNs, transitNs);
            return;
        }
        // RFC 3550 6.4.1: J += (|D| - J) / 16, kept scaled by 16 as in the RFC's appendix A.8.
        long d = transitNs - lastTransitNs;
        lastTransitNs = transitNs;
        jitterNsTimes16 += Math.abs(d) - ((jitterNsTimes16 + 8) >> 4);

        updateBase(arrivalNs, transitNs);
        final long baseNs = baseTransitNs();
        if (adaptive) {
            histogram.add(transitNs - baseNs);
            updateAdaptiveTarget(arrivalNs);
        }
        long elapsedNs = arrivalNs - lastOffsetUpdateNs;
        if (elapsedNs > 0) {
            lastOffsetUpdateNs = arrivalNs;
            long step = baseNs + targetDelayNs - offsetNs;
            // Usually 0 on a steady path: the floating-point rate limit costs more than the rest.
            if (step != 0) {
                moveOffset(step, elapsedNs);
            }
        }
        if (offsetNs < baseNs) {
            // The base rose above the timeline (a queue on the path grew faster than the rate
            // limit lets the delay follow, and a base window rolled over): not even the fastest
            // packet of the base windows arrived by its playout time. Such a timeline smooths
            // nothing: every frame plays late, on arrival, and a missing packet is given up
            // before it can be asked for again. Raising it to the base holds back no packet
            // (none arrived earlier than that), so the rate limit does not apply to this step.
            offsetNs = baseNs;
        }
    }

    private void updateBase(long arrivalNs, long transitNs) {
        if (arrivalNs - windowStartNs >= baseWindowNs) {
            previousWindowMinNs = currentWindowMinNs;
            currentWindowMinNs = transitNs;
            windowStartNs = arrivalNs;
        } else if (transitNs < currentWindowMinNs) {
            currentWindowMinNs = transitNs;
        }
    }

    /**
     * Accounts for another path's copy of a packet already passed to {@link #onPacket} (redundant
     * reception: every packet over two paths, the first copy kept). In adaptive mode its delay
     * above the base (the faster path's) enters the delay history as a copy, so that the target
     * covers the slower path too, at the configured quantile as a receiver on that path alone
     * would (see {@link DelayHistogram}), and that path alone plays without loss when the faster
     * one dies: the added latency is the paths' differential plus the slower path's spread at
     * the quantile, capped by the maximum delay. The interarrival jitter
     * is left alone (alternating between two paths is not jitter), and so is the offset until the
     * next {@link #onPacket}. Does nothing before the first packet or in fixed mode.
     *
     * @param arrivalNs when the copy arrived, in the caller's nanosecond clock
     * @param mediaTimeNs its RTP timestamp converted to nanoseconds
     */
    public void onCopy(long arrivalNs, long mediaTimeNs) {
        if (!started || !adaptive) {
            return;
        }
        long transitNs = arrivalNs - mediaTimeNs;
        updateBase(arrivalNs, transitNs);
        histogram.addCopy(transitNs - baseTransitNs());
        updateAdaptiveTarget(arrivalNs);
    }

    private void start(long arrivalNs, long transitNs) {
        started = true;
        lastTransitNs = transitNs;
        currentWindowMinNs = transitNs;
        previousWindowMinNs = transitNs;
        windowStartNs = arrivalNs;
        lastQuantileAtNs = arrivalNs;
        targetDelayNs = adaptive ? clamp(fixedOrInitialDelayNs) : fixedOrInitialDelayNs;
        offsetNs = transitNs + targetDelayNs;
        lastOffsetUpdateNs = arrivalNs;
        if (adaptive) {
            histogram.add(0);
        }
    }

    /** After a sample entered the histogram. */
    private void updateAdaptiveTarget(long arrivalNs) {
        if (arrivalNs - lastQuantileAtNs >= QUANTILE_INTERVAL_NS) {
            lastQuantileAtNs = arrivalNs;
            quantileNs = histogram.quantileNs(quantile);
        }
        // The RFC 3550 jitter (a mean deviation) sets a floor: the quantile of a short or
        // freshly forgotten history can undershoot the spread the stream still shows.
        long wanted = Math.max(quantileNs, JITTER_FLOOR_FACTOR * (jitterNsTimes16 >> 4));
        if (histogram.samples() < WARMUP_SAMPLES) {
            wanted = Math.max(wanted, fixedOrInitialDelayNs);
        }
        if (retransmissionHeadroom && rttNs > 0) {
            wanted += rttNs;
        }
        targetDelayNs = clamp(wanted);
    }

    /** Moves the offset by {@code step}, at most the configured rate over {@code elapsedNs}. */
    private void moveOffset(long step, long elapsedNs) {
        long maxStepNs = (long) (elapsedNs * maxChangeNsPerNs);
        if (step > maxStepNs) {
            step = maxStepNs;
        } else if (step < -maxStepNs) {
            step = -maxStepNs;
        }
        offsetNs += step;
    }

    private long clamp(long delayNs) {
        return Math.max(minDelayNs, Math.min(maxDelayNs, delayNs));
    }

    /**
     * Forgets the path: the next packet starts the estimate as the first one did (its transit
     * the base, the initial delay, an empty delay history and jitter). For packets that now come
     * over another path, whose delays the old path's say nothing about: without this, a move from
     * a slow path to a fast one kept the slow path's offset, lowered at the rate limit only, and
     * its delay history for as long as the forget factor takes. The round trip set is kept.
     */
    public void restart() {
        started = false;
        jitterNsTimes16 = 0;
        quantileNs = 0;
        if (adaptive) {
            histogram.clear();
        }
    }

    /** @return the lowest transit of the current and previous window, in nanoseconds */
    public long baseTransitNs() {
        return Math.min(currentWindowMinNs, previousWindowMinNs);
    }

    /** @return whether a packet has been seen */
    public boolean started() {
        return started;
    }

    /** @return local playout time minus media time, in nanoseconds */
    public long playoutOffsetNs() {
        return offsetNs;
    }

    /** @return the delay the buffer is steering towards, above the base transit, in nanoseconds */
    public long targetDelayNs() {
        return targetDelayNs;
    }

    /**
     * @return the delay currently applied above the base transit, in nanoseconds; never negative
     *     (when the base rises above the offset, no packet arrives in time for such a timeline,
     *     and the offset is raised to the base at once)
     */
    public long playoutDelayNs() {
        return offsetNs - baseTransitNs();
    }

    /** @return RFC 3550 interarrival jitter, in nanoseconds */
    public long jitterNs() {
        return jitterNsTimes16 >> 4;
    }

    /**
     * Sets the round-trip time used as retransmission headroom.
     *
     * @param rttNs round-trip time in nanoseconds; 0 or less means unknown
     */
    public void rttNs(long rttNs) {
        this.rttNs = rttNs;
    }
}
