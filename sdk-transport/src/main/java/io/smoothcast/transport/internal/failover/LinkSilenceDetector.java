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
 * <p>Not thread-safe: the client's I/O thread only.
 */
public final class LinkSilenceDetector {

    private final long heartbeatIntervalNs;
    private final long floorNs;
    private final long budgetNs;
    private long smoothedRttNs = -1;
    private long rttVariationNs;
    private long lastHeardNs;

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
        lastHeardNs = nowNs;
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
        return heartbeatIntervalNs + allowanceNs;
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
