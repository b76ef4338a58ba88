package io.smoothcast.stats;

import static io.smoothcast.stats.StatsChecks.requireCount;

/**
 * How many times an endpoint moved to another node while its node still answered, per reason
 * (the reasons of sdk-transport's {@code NodeSwitchReason}). Moves after a node failed are
 * failovers, counted in {@link StreamStats#failoverCount()} and not here.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param degradedPath moves away from a node whose path lost packets or had a long round trip,
 *     cumulative
 * @param noPublisher moves away from a node without the stream's publisher (viewers only),
 *     cumulative
 * @param mediaSilence moves away from a node that listed the stream but delivered no media of it
 *     (viewers only), cumulative
 */
public record NodeSwitchCounts(long degradedPath, long noPublisher, long mediaSilence) {

    /** No move yet. */
    public static final NodeSwitchCounts NONE = new NodeSwitchCounts(0, 0, 0);

    /**
     * Rejects negative counts.
     *
     * @param degradedPath moves for a degraded path, cumulative
     * @param noPublisher moves for a missing publisher, cumulative
     * @param mediaSilence moves for media silence, cumulative
     */
    public NodeSwitchCounts {
        requireCount(degradedPath, "degradedPath");
        requireCount(noPublisher, "noPublisher");
        requireCount(mediaSilence, "mediaSilence");
    }

    /** @return moves for every reason together */
    public long total() {
        return degradedPath + noPublisher + mediaSilence;
    }
}
