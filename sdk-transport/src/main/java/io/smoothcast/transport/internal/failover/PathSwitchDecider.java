package io.smoothcast.transport.internal.failover;

import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.NodeInfo;
import io.smoothcast.transport.NodeScorer;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Decides when a viewer leaves a degraded path for a probed alternative (the rule is documented
 * on {@link FailoverPolicy}): the current path must be degraded for a while before the
 * alternatives are probed, one alternative must then score better by the margin for the whole
 * hold time, and two switches are at least the dwell time apart. Pure logic, no I/O.
 *
 * <p>Not thread-safe: the client's I/O thread only. Time comes from the caller.
 */
public final class PathSwitchDecider {

    private static final NodeInfo CURRENT = new NodeInfo(new InetSocketAddress(0), "");

    private final double degradedLossFraction;
    private final double degradedRttMs;
    private final long degradedForNs;
    private final double marginMs;
    private final long holdNs;
    private final long dwellNs;
    private final NodeScorer scorer;
    private boolean degraded;
    private long degradedSinceNs;
    private double lossFraction;
    private double rttMs;
    private double currentScore;
    private InetSocketAddress leader;
    private long leaderSinceNs;
    private boolean switchedBefore;
    private long lastSwitchNs;

    /** @param policy the thresholds, margin, hold and dwell times and the scorer */
    public PathSwitchDecider(FailoverPolicy policy) {
        this.degradedLossFraction = policy.degradedLossFraction();
        this.degradedRttMs = policy.degradedRttMs();
        this.degradedForNs = TimeUnit.MILLISECONDS.toNanos(policy.degradedForMs());
        this.marginMs = policy.switchMarginMs();
        this.holdNs = TimeUnit.MILLISECONDS.toNanos(policy.switchHoldMs());
        this.dwellNs = TimeUnit.MILLISECONDS.toNanos(policy.switchDwellMs());
        this.scorer = policy.scorer();
    }

    /**
     * One measurement of the current path.
     *
     * @param nowNs the current time
     * @param lossFraction smoothed loss of the node's packets, 0-1; NaN when nothing was expected
     * @param rttMs round-trip time (a low percentile, {@link RttWindow#lowRttMs}), in ms; 0 when
     *     not measured yet
     * @param jitterMs variation of the round-trip time ({@link RttWindow#jitterMs}), in ms
     */
    public void onCurrentPath(long nowNs, double lossFraction, double rttMs, double jitterMs) {
        this.lossFraction = Double.isNaN(lossFraction) ? 0 : lossFraction;
        this.rttMs = rttMs;
        boolean now = this.lossFraction >= degradedLossFraction || rttMs >= degradedRttMs;
        if (now && !degraded) {
            degradedSinceNs = nowNs;
        }
        degraded = now;
        currentScore = scorer.score(CURRENT, true, rttMs, jitterMs, this.lossFraction, -1);
    }

    /** Whether the last measurement found the path degraded. */
    public boolean isDegraded() {
        return degraded;
    }

    /** Whether the path has been degraded long enough that the alternatives should be probed. */
    public boolean wantsProbes(long nowNs) {
        return degraded && nowNs - degradedSinceNs >= degradedForNs;
    }

    /** The current path's score from the last measurement (lower is better). */
    public double currentScore() {
        return currentScore;
    }

    /**
     * Whether to switch now.
     *
     * @param nowNs the current time
     * @param best the best-scoring probed alternative, or null if none has enough samples
     * @param bestScore its score
     * @return the node to move to, or null to stay
     */
    public InetSocketAddress decide(long nowNs, InetSocketAddress best, double bestScore) {
        boolean dwelling = switchedBefore && nowNs - lastSwitchNs < dwellNs;
        if (!wantsProbes(nowNs) || dwelling || best == null || !(currentScore - bestScore >= marginMs)) {
            leader = null;
            return null;
        }
        if (!best.equals(leader)) {
            leader = best;
            leaderSinceNs = nowNs;
        }
        return nowNs - leaderSinceNs >= holdNs ? best : null;
    }

    /** The viewer moved to another node (proactively or not): start over, and dwell if proactive. */
    public void onSwitched(long nowNs, boolean proactive) {
        degraded = false;
        leader = null;
        if (proactive) {
            switchedBefore = true;
            lastSwitchNs = nowNs;
        }
    }

    /** Joining the chosen alternative failed: its advantage has to build up again. */
    public void onCandidateFailed() {
        leader = null;
    }

    /** The last measurement in words, for the switch event. */
    public String describe() {
        return String.format(Locale.ROOT, "loss %.1f %%, rtt %.0f ms, score %.1f", 100 * lossFraction, rttMs,
                currentScore);
    }
}
