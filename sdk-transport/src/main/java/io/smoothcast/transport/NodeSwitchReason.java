package io.smoothcast.transport;

import io.smoothcast.stats.NodeSwitchCounts;
import io.smoothcast.transport.internal.SingleWriterCounters;
import java.util.Locale;

/**
 * Why a {@link Viewer} or {@link Broadcaster} moved to another node while its node still answered (see
 * {@link FailoverPolicy}). Moves after a node failed go through
 * {@link ConnectionState#RECONNECTING} instead.
 *
 * <p>Immutable and thread-safe.
 */
public enum NodeSwitchReason {
    /** The path to the node lost packets or had a long round trip, and another node scored clearly better. */
    DEGRADED_PATH,
    /** The node had no publisher for the stream; another node has one (viewers only). */
    NO_PUBLISHER,
    /**
     * The node still listed the stream's tracks but delivered no media for
     * {@link FailoverPolicy#mediaSilenceTimeoutMs()}, and another node did deliver it during a
     * trial subscription (viewers only): typically the publisher moved and the old node has not
     * noticed yet.
     */
    MEDIA_SILENCE;

    /**
     * @param counts moves per reason; not null
     * @return the moves for this reason
     */
    public long countIn(NodeSwitchCounts counts) {
        return switch (this) {
            case DEGRADED_PATH -> counts.degradedPath();
            case NO_PUBLISHER -> counts.noPublisher();
            case MEDIA_SILENCE -> counts.mediaSilence();
        };
    }

    /**
     * @return whether only a {@link Viewer} moves for this reason ({@link #NO_PUBLISHER},
     *     {@link #MEDIA_SILENCE}); a {@link Broadcaster} moves only for {@link #DEGRADED_PATH}, so
     *     its counts for the others are always 0
     */
    public boolean viewersOnly() {
        // A switch with no default: a new reason must say which clients it applies to.
        return switch (this) {
            case DEGRADED_PATH -> false;
            case NO_PUBLISHER, MEDIA_SILENCE -> true;
        };
    }

    /** @return the name in lower case, as in Prometheus labels and status lines ("degraded_path") */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads an engine's per-reason move counters, laid out from {@code first} in reason order.
     *
     * @param counters the engine's counters
     * @param first the index of the counter of the first reason
     */
    static NodeSwitchCounts read(SingleWriterCounters counters, int first) {
        return new NodeSwitchCounts(counters.get(first + DEGRADED_PATH.ordinal()),
                counters.get(first + NO_PUBLISHER.ordinal()), counters.get(first + MEDIA_SILENCE.ordinal()));
    }
}
