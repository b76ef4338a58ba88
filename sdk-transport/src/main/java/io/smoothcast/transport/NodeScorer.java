package io.smoothcast.transport;

/**
 * Turns a probe's measurements into a score (lower is better) and a starting bitrate. The score
 * is in milliseconds of round-trip time equivalent:
 *
 * <pre>
 * score = rttWeight x rttMs + jitterWeight x jitterMs + lossWeight x lossPercent
 *       + loadWeight x clients - (region == preferredRegion ? regionBonusMs : 0)
 * </pre>
 *
 * An unreachable node scores positive infinity. The starting bitrate is
 * {@code bandwidthShare x bandwidth x (1 - loss)}, clamped to [min, max] (max when the bandwidth
 * is unknown).
 *
 * <p>Immutable and thread-safe.
 */
public final class NodeScorer {

    /** Default weight of the round-trip time, per ms. */
    public static final double DEFAULT_RTT_WEIGHT = 1.0;
    /** Default weight of the jitter, per ms: jitter costs playout delay on top of the RTT. */
    public static final double DEFAULT_JITTER_WEIGHT = 2.0;
    /** Default weight of the loss, per percent: 1 % loss counts like 10 ms more RTT. */
    public static final double DEFAULT_LOSS_WEIGHT = 10.0;
    /** Default weight of the node's load, per connected client. */
    public static final double DEFAULT_LOAD_WEIGHT = 0.01;
    /** Default bonus of a node in the preferred region, in ms. */
    public static final double DEFAULT_REGION_BONUS_MS = 30.0;
    /** Default share of the measured bandwidth to start with. */
    public static final double DEFAULT_BANDWIDTH_SHARE = 0.7;
    /** Default lowest starting bitrate, bps. */
    public static final long DEFAULT_MIN_START_BITRATE_BPS = 150_000;
    /** Default highest starting bitrate, bps. */
    public static final long DEFAULT_MAX_START_BITRATE_BPS = 4_000_000;

    private static final NodeScorer DEFAULTS = builder().build();

    private final double rttWeight;
    private final double jitterWeight;
    private final double lossWeight;
    private final double loadWeight;
    private final String preferredRegion;
    private final double regionBonusMs;
    private final double bandwidthShare;
    private final long minStartBitrateBps;
    private final long maxStartBitrateBps;

    private NodeScorer(Builder b) {
        this.rttWeight = b.rttWeight;
        this.jitterWeight = b.jitterWeight;
        this.lossWeight = b.lossWeight;
        this.loadWeight = b.loadWeight;
        this.preferredRegion = b.preferredRegion;
        this.regionBonusMs = b.regionBonusMs;
        this.bandwidthShare = b.bandwidthShare;
        this.minStartBitrateBps = b.minStartBitrateBps;
        this.maxStartBitrateBps = b.maxStartBitrateBps;
    }

    /** The default weights, no preferred region. */
    public static NodeScorer defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Scores one node.
     *
     * @param node the node
     * @param reachable whether it answered
     * @param rttMs round-trip time, ms
     * @param jitterMs jitter, ms
     * @param lossFraction loss, 0-1
     * @param clients connected clients it reported, or -1 if unknown (counted as 0)
     * @return the score, lower is better
     */
    public double score(NodeInfo node, boolean reachable, double rttMs, double jitterMs, double lossFraction,
            int clients) {
        if (!reachable) {
            return Double.POSITIVE_INFINITY;
        }
        double score = rttWeight * rttMs + jitterWeight * jitterMs + lossWeight * 100 * lossFraction
                + loadWeight * Math.max(0, clients);
        if (!preferredRegion.isEmpty() && preferredRegion.equals(node.region())) {
            score -= regionBonusMs;
        }
        return score;
    }

    /**
     * The bitrate to start a broadcast with.
     *
     * @param bandwidthBps measured bandwidth in bps, or -1 if unknown
     * @param lossFraction loss, 0-1
     * @return the bitrate, bps
     */
    public long startBitrateBps(long bandwidthBps, double lossFraction) {
        if (bandwidthBps < 0) {
            return maxStartBitrateBps;
        }
        long bps = (long) (bandwidthShare * bandwidthBps * (1 - lossFraction));
        return Math.max(minStartBitrateBps, Math.min(maxStartBitrateBps, bps));
    }

    /** Builds a {@link NodeScorer}. Not thread-safe. */
    public static final class Builder {
        private double rttWeight = DEFAULT_RTT_WEIGHT;
        private double jitterWeight = DEFAULT_JITTER_WEIGHT;
        private double lossWeight = DEFAULT_LOSS_WEIGHT;
        private double loadWeight = DEFAULT_LOAD_WEIGHT;
        private String preferredRegion = "";
        private double regionBonusMs = DEFAULT_REGION_BONUS_MS;
        private double bandwidthShare = DEFAULT_BANDWIDTH_SHARE;
        private long minStartBitrateBps = DEFAULT_MIN_START_BITRATE_BPS;
        private long maxStartBitrateBps = DEFAULT_MAX_START_BITRATE_BPS;

        private Builder() {
        }

        /** @param weight score per ms of RTT, 0-1000; default {@value NodeScorer#DEFAULT_RTT_WEIGHT} @return this builder */
        public Builder rttWeight(double weight) {
            this.rttWeight = weight(weight, "rttWeight");
            return this;
        }

        /** @param weight score per ms of jitter, 0-1000; default {@value NodeScorer#DEFAULT_JITTER_WEIGHT} @return this builder */
        public Builder jitterWeight(double weight) {
            this.jitterWeight = weight(weight, "jitterWeight");
            return this;
        }

        /** @param weight score per percent of loss, 0-1000; default {@value NodeScorer#DEFAULT_LOSS_WEIGHT} @return this builder */
        public Builder lossWeight(double weight) {
            this.lossWeight = weight(weight, "lossWeight");
            return this;
        }

        /** @param weight score per connected client, 0-1000; default {@value NodeScorer#DEFAULT_LOAD_WEIGHT} @return this builder */
        public Builder loadWeight(double weight) {
            this.loadWeight = weight(weight, "loadWeight");
            return this;
        }

        /**
         * @param region the region to favour (a {@link NodeInfo} label), empty for none (the default)
         * @param bonusMs score bonus of its nodes, 0-1000 ms; default {@value NodeScorer#DEFAULT_REGION_BONUS_MS}
         * @return this builder
         */
        public Builder preferredRegion(String region, double bonusMs) {
            if (region == null || !NodeInfo.isValidRegion(region)) {
                throw new IllegalArgumentException("preferredRegion region must be 0-" + NodeInfo.MAX_REGION_LENGTH
                        + " characters from A-Z a-z 0-9 . _ -: " + region);
            }
            this.preferredRegion = region;
            this.regionBonusMs = weight(bonusMs, "preferredRegion bonusMs");
            return this;
        }

        /**
         * @param share of the measured bandwidth to start with, 0.05-1; default {@value NodeScorer#DEFAULT_BANDWIDTH_SHARE}
         * @param minBps lowest starting bitrate, bps (&gt; 0); default {@value NodeScorer#DEFAULT_MIN_START_BITRATE_BPS}
         * @param maxBps highest starting bitrate, bps (&gt;= minBps); default {@value NodeScorer#DEFAULT_MAX_START_BITRATE_BPS}
         * @return this builder
         */
        public Builder startBitrate(double share, long minBps, long maxBps) {
            if (!(share >= 0.05 && share <= 1)) {
                throw new IllegalArgumentException("startBitrate share must be 0.05-1: " + share);
            }
            if (minBps <= 0 || maxBps < minBps) {
                throw new IllegalArgumentException("startBitrate needs 0 < minBps <= maxBps: " + minBps + ", " + maxBps);
            }
            this.bandwidthShare = share;
            this.minStartBitrateBps = minBps;
            this.maxStartBitrateBps = maxBps;
            return this;
        }

        /** @return the scorer */
        public NodeScorer build() {
            return new NodeScorer(this);
        }

        private static double weight(double value, String name) {
            if (!(value >= 0 && value <= 1000)) {
                throw new IllegalArgumentException(name + " must be 0-1000: " + value);
            }
            return value;
        }
    }
}
