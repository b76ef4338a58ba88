package io.smoothcast.transport;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@link NodeProbe}'s answer: every node ranked best first, the recommended node and a starting
 * bitrate for a broadcaster. Immutable and thread-safe.
 *
 * @param ranked the results, best (lowest score) first; unreachable nodes last
 * @param startBitrateBps recommended starting bitrate for the best node, in bits per second
 * @param durationMs how long the probe took, in ms
 */
public record ProbeReport(List<ProbeResult> ranked, long startBitrateBps, long durationMs) {

    /** Copies the list. */
    public ProbeReport {
        ranked = List.copyOf(ranked);
    }

    /**
     * The best reachable node.
     *
     * @return the node, or null if none answered
     */
    public NodeInfo recommended() {
        return ranked.isEmpty() || !ranked.get(0).reachable() ? null : ranked.get(0).node();
    }

    /**
     * The addresses in ranked order, unreachable ones last: ready for
     * {@code Viewer.Builder.nodes} or {@code Broadcaster.Builder.nodes}.
     *
     * @return the addresses
     */
    public List<InetSocketAddress> rankedAddresses() {
        return ranked.stream().map(r -> r.node().address()).toList();
    }

    /** The round trips measured to the nodes that answered, in ns, for the client builders. */
    Map<InetSocketAddress, Long> roundTripsNs() {
        Map<InetSocketAddress, Long> rttNs = new HashMap<>();
        for (ProbeResult result : ranked) {
            if (result.reachable() && result.rttMs() >= 0) { // NaN when no ping came back
                rttNs.put(result.node().address(), (long) (result.rttMs() * TimeUnit.MILLISECONDS.toNanos(1)));
            }
        }
        return Map.copyOf(rttNs);
    }
}
