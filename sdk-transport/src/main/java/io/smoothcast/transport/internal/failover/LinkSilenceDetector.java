package io.smoothcast.transport.internal.failover;

/**
 * Decides that a node has gone silent, the way SRT judges link stability: the node must be heard
 * within one heartbeat interval plus {@code 2 x SRTT + 4 x RTTVar}, the latter clamped between a
 * floor and the latency budget. Round-trip samples are smoothed as RFC 6298 does (gains 1/8 and
 * 1/4). Before the first sample the budget is used.
 *
 * <p>Anything from the node counts as hearing it: media, RTCP, control replies. The client sends
 * a keepalive every heartbeat interval, so a live node is heard at least that often even when no
 * media flows.
 *
 * <p>The round trip alone does not describe how irregularly a live node is heard: a node whose
 * thread is starved of CPU (an overloaded host) stays silent for longer than its round trip and
 * then answers again. So the detector also keeps the longest recent gap between two arrivals (it
 * decays by 1/{@value #GAP_DECAY_DIVISOR} of the time that passes) and never declares silence
 * before {@code 3/2} of that gap, still within heartbeat plus budget. On a steady path the gaps
 * are far below the RTT rule and change nothing; a path that has shown 150 ms hiccups is given
 * 225 ms before it counts as dead, instead of being left on every hiccup.
 *
 * <p>A node heard only sparsely (a path that carries nothing but the answers to the client's
 * keepalives, say a viewer before the publisher starts) must not be declared dead after a
 * single lost answer: with 15 % loss that happens every few seconds. So, as SRT counts several
 * expected packets before it calls a link broken, the detector smooths the interval between
 * arrivals (capped at the heartbeat: a live node answers at least that often) and also allows
 * {@value #MISSING_ARRIVALS} of those intervals plus the round-trip allowance. With media
 * arriving every few ms this rule is far below the others and changes nothing; with keepalive
 * answers alone every 100 ms it allows 300 ms plus the allowance, so two lost answers in a row
 * are survived and a third is not.
 *
 * <p>Not thread-safe: the client's I/O thread only.
 */
public final class LinkSilenceDetector {

    private final long heartbeatIntervalNs;
    private final long floorNs;
    private final long budgetNs;
    private long smoothedRttNs = -1;
    private long rttVariationNs;
    private long lastHeardNs;
    /** Longest recent gap between arrivals, decaying; in ns. */
    private long recentMaxGapNs;
    /**
     * Smoothed interval between arrivals, each gap capped at the heartbeat, in ns: the plain
     * mean of the first {@value #INTERVAL_GAIN_DIVISOR} gaps (so that the gap between the two
     * answers of the join does not weigh for long), then a moving average with gain 1/{@value
     * #INTERVAL_GAIN_DIVISOR}.
     */
    private long smoothedIntervalNs;
    private int intervalSamples;

    /** The recent maximum gap loses 1/this of the time that passes. */
    static final int GAP_DECAY_DIVISOR = 64;

    /** Expected arrivals that must all be missing before a sparsely heard node counts as silent. */
    static final int MISSING_ARRIVALS = 3;

    /** The smoothed interval between arrivals moves by 1/this of each new gap. */
    static final int INTERVAL_GAIN_DIVISOR = 8;

    /**
     * @param heartbeatIntervalNs how often the client's keepalive makes the node answer, in ns
     * @param floorNs the smallest allowance for the round trip, in ns
     * @param budgetNs the largest allowance for the round trip (the latency budget), in ns
     * @param nowNs the time the watch starts (counts as heard)
     */
    public LinkSilenceDetector(long heartbeatIntervalNs, long floorNs, long budgetNs, long nowNs) {
        this.heartbeatIntervalNs = heartbeatIntervalNs;
        this.floorNs = floorNs;
        this.budgetNs = Math.max(floorNs, budgetNs);
        this.lastHeardNs = nowNs;
    }

    /** Something arrived from the node. */
    public void onHeard(long nowNs) {
        long gapNs = nowNs - lastHeardNs;
        recentMaxGapNs = Math.max(gapNs, recentMaxGapNs - gapNs / GAP_DECAY_DIVISOR);
        // A gap is never counted as longer than the heartbeat: a lost answer must not teach the
        // detector that the node is heard even more rarely.
        long intervalNs = Math.min(Math.max(0, gapNs), heartbeatIntervalNs);
        int weight = Math.min(intervalSamples, INTERVAL_GAIN_DIVISOR - 1);
        smoothedIntervalNs = (weight * smoothedIntervalNs + intervalNs) / (weight + 1);
        intervalSamples = Math.min(intervalSamples + 1, INTERVAL_GAIN_DIVISOR);
        lastHeardNs = nowNs;
    }

    /**
     * Starts the watch again without counting the time since the last arrival as a gap of the
     * node's (the client itself was not scheduled, so it could not hear anything).
     */
    public void restartWatch(long nowNs) {
        lastHeardNs = nowNs;
    }

    /**
     * Forgets the interval between arrivals measured so far. Called when the node accepts the
     * client: the join's requests and answers come far closer together than anything after.
     */
    public void forgetIntervals() {
        intervalSamples = 0;
        smoothedIntervalNs = 0;
    }

    /**
     * Takes over the longest recent gap another path's detector has seen, when it is longer than
     * this one's. Called when the client moves its traffic to a fresh path: the hiccups of a
     * starved host (the client's own threads held off the CPU) show on every path alike, and a
     * path without history would otherwise be left on the first of them.
     */
    public void inheritRecentGaps(LinkSilenceDetector previous) {
        recentMaxGapNs = Math.max(recentMaxGapNs, previous.recentMaxGapNs);
    }

    /** A round-trip time sample, in ns (a negative sample is ignored). */
    public void onRttSample(long rttNs) {
        if (rttNs < 0) {
            return;
        }
        if (smoothedRttNs < 0) {
            smoothedRttNs = rttNs;
            rttVariationNs = rttNs / 2;
        } else {
            rttVariationNs = (3 * rttVariationNs + Math.abs(smoothedRttNs - rttNs)) / 4;
            smoothedRttNs = (7 * smoothedRttNs + rttNs) / 8;
        }
    }

    /** The silence after which the node is declared dead, in ns. */
    public long timeoutNs() {
        long allowanceNs = smoothedRttNs < 0 ? budgetNs
                : Math.min(budgetNs, Math.max(floorNs, 2 * smoothedRttNs + 4 * rttVariationNs));
        long gapRuleNs = Math.min(heartbeatIntervalNs + budgetNs, recentMaxGapNs / 2 * 3);
        long missingRuleNs = intervalSamples == 0 ? 0 : MISSING_ARRIVALS * smoothedIntervalNs + allowanceNs;
        return Math.max(Math.max(heartbeatIntervalNs + allowanceNs, gapRuleNs), missingRuleNs);
    }

    /** Whether the node has been silent longer than {@link #timeoutNs()} at {@code nowNs}. */
    public boolean isSilent(long nowNs) {
        return nowNs - lastHeardNs > timeoutNs();
    }

    /** How long the node has been silent at {@code nowNs}, in ns. */
    public long silenceNs(long nowNs) {
        return nowNs - lastHeardNs;
    }
}
