package io.smoothcast.transport;

/**
 * What a {@link NodeProbe} measured to one node. Immutable and thread-safe.
 *
 * @param node the node
 * @param reachable whether the node answered at all
 * @param rttMs median round-trip time of the pings, in ms (NaN when none was answered)
 * @param jitterMs mean difference between consecutive ping round trips, in ms (0 with fewer than two)
 * @param lossFraction share of pings unanswered, 0-1
 * @param bandwidthBps bottleneck bandwidth from the packet train, in bits per second, at most
 *     {@link NodeProbe#MAX_MEASURABLE_BANDWIDTH_BPS}; -1 when unknown (fewer than two train replies)
 * @param clients publishers plus subscribers the node reported, or -1 if it did not answer
 * @param score the {@link NodeScorer}'s score: lower is better, infinite when unreachable
 */
public record ProbeResult(NodeInfo node, boolean reachable, double rttMs, double jitterMs, double lossFraction,
        long bandwidthBps, int clients, double score) {
}
