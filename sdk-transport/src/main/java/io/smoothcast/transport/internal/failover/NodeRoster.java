package io.smoothcast.transport.internal.failover;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes a client may use, best first, and a memory of the ones that failed (the idea of
 * OkHttp's {@code RouteDatabase}): a failed node is tried only after every healthy one, and not
 * before its backoff has passed. The backoff starts at the base and doubles with each failure,
 * up to the cap. A node's failures are forgotten ({@link #succeeded}) only once it has carried
 * the client for a while, not when it merely accepts: a flapping node, accepting and dying again,
 * keeps its failures and a growing backoff, so it ranks behind a node that failed less often.
 *
 * <p>Not thread-safe: the client's I/O thread only.
 */
public final class NodeRoster {

    private final long baseBackoffNs;
    private final long maxBackoffNs;
    private final List<InetSocketAddress> order = new ArrayList<>();
    private final Map<InetSocketAddress, Failure> failures = new HashMap<>();

    private static final class Failure {
        int count;
        long retryAtNs;
    }

    /**
     * @param nodes the nodes in order of preference; at least one, no duplicates
     * @param baseBackoffNs the wait after a node's first failure, in ns
     * @param maxBackoffNs the longest wait, in ns
     */
    public NodeRoster(List<InetSocketAddress> nodes, long baseBackoffNs, long maxBackoffNs) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("nodes must not be empty");
        }
        order.addAll(nodes);
        this.baseBackoffNs = baseBackoffNs;
        this.maxBackoffNs = Math.max(baseBackoffNs, maxBackoffNs);
    }

    /**
     * Replaces the order of preference (after a probe ranked the nodes); failure memory is kept
     * for the nodes that stay.
     *
     * @param nodes the nodes, best first; at least one
     */
    public void reorder(List<InetSocketAddress> nodes) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("nodes must not be empty");
        }
        order.clear();
        order.addAll(nodes);
        failures.keySet().retainAll(nodes);
    }

    /** The nodes in order of preference (a copy). */
    public List<InetSocketAddress> nodes() {
        return List.copyOf(order);
    }

    /**
     * The node to try next: the first healthy node in order, else the failed node whose backoff
     * has passed and that failed least often; never one in {@code exclude}.
     *
     * @param nowNs the current time
     * @param exclude nodes in use already (may be empty)
     * @return the node, or null if every node is excluded or backing off
     */
    public InetSocketAddress pick(long nowNs, List<InetSocketAddress> exclude) {
        InetSocketAddress best = null;
        int bestCount = Integer.MAX_VALUE;
        for (InetSocketAddress node : order) {
            if (exclude.contains(node)) {
                continue;
            }
            Failure failure = failures.get(node);
            if (failure == null) {
                return node;
            }
            if (nowNs - failure.retryAtNs >= 0 && failure.count < bestCount) {
                best = node;
                bestCount = failure.count;
            }
        }
        return best;
    }

    /**
     * The earliest time a currently backing-off node may be tried, or {@code nowNs} if one may be
     * tried now.
     */
    public long nextRetryNs(long nowNs, List<InetSocketAddress> exclude) {
        long earliest = Long.MAX_VALUE;
        boolean any = false;
        for (InetSocketAddress node : order) {
            if (exclude.contains(node)) {
                continue;
            }
            Failure failure = failures.get(node);
            if (failure == null) {
                return nowNs;
            }
            if (!any || failure.retryAtNs - earliest < 0) {
                earliest = failure.retryAtNs;
                any = true;
            }
        }
        return any ? earliest : Long.MAX_VALUE;
    }

    /** A node failed (went silent, refused, or did not answer): remember it, with backoff. */
    public void failed(InetSocketAddress node, long nowNs) {
        Failure failure = failures.computeIfAbsent(node, n -> new Failure());
        failure.count++;
        int doublings = Math.min(failure.count - 1, 30);
        long backoffNs = Math.min(maxBackoffNs, baseBackoffNs << doublings);
        if (backoffNs < 0) {
            backoffNs = maxBackoffNs;
        }
        failure.retryAtNs = nowNs + backoffNs;
    }

    /** A node has carried the client long enough to be trusted again: forget its failures. */
    public void succeeded(InetSocketAddress node) {
        failures.remove(node);
    }

    /** Failures remembered for a node, since it last carried the client for a while (0 when healthy). */
    public int failureCount(InetSocketAddress node) {
        Failure failure = failures.get(node);
        return failure == null ? 0 : failure.count;
    }
}
