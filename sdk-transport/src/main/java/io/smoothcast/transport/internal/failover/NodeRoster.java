package io.smoothcast.transport.internal.failover;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes a client may use, best first, and a memory of the ones that failed (the idea of
 * OkHttp's {@code RouteDatabase}). Two clocks per failed node:
 * <ul>
 *   <li>a <em>hold-down</em>: for a while after a failure the node is tried only after every node
 *       that is not held down, whatever its place in the list; among held-down nodes the one
 *       that failed fewest times comes first. The hold-down starts at its base and doubles with
 *       each failure, up to its cap; the failures are forgotten ({@link #trusted}) only once the
 *       node has carried the client for a while, not when it merely accepts, so a flapping node,
 *       accepting and dying again, is held down longer each time and ranks behind a node that
 *       failed less often;</li>
 *   <li>a retry <em>backoff</em>: the node is not joined again before it has passed. It starts at
 *       its base and doubles with each failure since the node last accepted the client, up to its
 *       cap: it spares a dead node from a storm of joins, and a node that accepted is retried
 *       promptly, should every other one be down too.</li>
 * </ul>
 * A node that refused the client's token ({@link #refusedToken}) is no bad node: the refusal
 * neither counts as a failure nor holds the node down, so the ranking stays as it was. It only
 * delays the node's next join, by a backoff of its own that starts at the same base but grows to
 * a longer cap (the same token is refused again until the application renews it, or an operator
 * fixes the node), and a renewal ({@link #tokenRenewed}) ends that wait.
 *
 * <p>Not thread-safe: the client's I/O thread only.
 */
public final class NodeRoster {

    private final long baseBackoffNs;
    private final long maxBackoffNs;
    private final long baseHoldDownNs;
    private final long maxHoldDownNs;
    private final long maxTokenBackoffNs;
    private final List<InetSocketAddress> order = new ArrayList<>();
    private final Map<InetSocketAddress, Failure> failures = new HashMap<>();

    private static final class Failure {
        /** Failures since the node was last trusted: ranks held-down nodes, lengthens the hold-down. */
        int count;
        /** Failures since the node last accepted the client: lengthens the backoff. */
        int sinceAccepted;
        long retryAtNs;
        long heldDownUntilNs;
        /** Refusals of the token since the node last accepted the client or the token was renewed. */
        int tokenRefusals;
        long tokenRetryAtNs;
    }

    /**
     * @param nodes the nodes in order of preference; at least one, no duplicates
     * @param baseBackoffNs the retry backoff after a node's first failure, in ns
     * @param maxBackoffNs the longest retry backoff, in ns
     * @param baseHoldDownNs the hold-down after a node's first failure, in ns
     * @param maxHoldDownNs the longest hold-down, in ns
     * @param maxTokenBackoffNs the longest retry backoff after token refusals, in ns
     */
    public NodeRoster(List<InetSocketAddress> nodes, long baseBackoffNs, long maxBackoffNs, long baseHoldDownNs,
            long maxHoldDownNs, long maxTokenBackoffNs) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("nodes must not be empty");
        }
        order.addAll(nodes);
        this.baseBackoffNs = baseBackoffNs;
        this.maxBackoffNs = Math.max(baseBackoffNs, maxBackoffNs);
        this.baseHoldDownNs = baseHoldDownNs;
        this.maxHoldDownNs = Math.max(baseHoldDownNs, maxHoldDownNs);
        this.maxTokenBackoffNs = Math.max(baseBackoffNs, maxTokenBackoffNs);
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

    /** Whether {@code node} is one of the nodes. */
    public boolean contains(InetSocketAddress node) {
        return order.contains(node);
    }

    /** The nodes in order of preference (a copy). */
    public List<InetSocketAddress> nodes() {
        return List.copyOf(order);
    }

    /**
     * The node to try next: the first node in order that is not held down, else the held-down
     * node that failed fewest times (list order breaks ties); never one in {@code exclude}, nor
     * one whose retry backoff has not passed.
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
            if (nowNs - retryAtNs(failure) < 0) {
                continue;
            }
            if (!isHeldDown(failure, nowNs)) {
                return node;
            }
            if (failure.count < bestCount) {
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
            long retryAtNs = retryAtNs(failure);
            if (!any || retryAtNs - earliest < 0) {
                earliest = retryAtNs;
                any = true;
            }
        }
        return any ? earliest : Long.MAX_VALUE;
    }

    /** A node failed (went silent, refused, or did not answer): remember it, held down and backing off. */
    public void failed(InetSocketAddress node, long nowNs) {
        Failure failure = failures.computeIfAbsent(node, n -> new Failure());
        failure.count++;
        failure.sinceAccepted++;
        failure.retryAtNs = nowNs + doubled(baseBackoffNs, maxBackoffNs, failure.sinceAccepted);
        failure.heldDownUntilNs = nowNs + doubled(baseHoldDownNs, maxHoldDownNs, failure.count);
    }

    /**
     * A node refused the client's token: it is not joined again before a backoff has passed,
     * which doubles with each refusal from the base backoff up to the token backoff's cap. Its
     * failures, hold-down and ranking stay as they were: the refusal says nothing of its health.
     *
     * @param node the node
     * @param nowNs the current time
     */
    public void refusedToken(InetSocketAddress node, long nowNs) {
        Failure failure = failures.computeIfAbsent(node, n -> new Failure());
        failure.tokenRefusals++;
        failure.tokenRetryAtNs = nowNs + doubled(baseBackoffNs, maxTokenBackoffNs, failure.tokenRefusals);
    }

    /** When a failed node may be joined again: after its failure backoff and its token backoff. */
    private static long retryAtNs(Failure failure) {
        if (failure.count == 0) {
            return failure.tokenRetryAtNs;
        }
        if (failure.tokenRefusals == 0) {
            return failure.retryAtNs;
        }
        return failure.tokenRetryAtNs - failure.retryAtNs > 0 ? failure.tokenRetryAtNs : failure.retryAtNs;
    }

    private static boolean isHeldDown(Failure failure, long nowNs) {
        return failure.count > 0 && nowNs - failure.heldDownUntilNs < 0;
    }

    /** {@code baseNs} doubled for each failure after the first, at most {@code maxNs}. */
    private static long doubled(long baseNs, long maxNs, int failures) {
        int doublings = Math.min(failures - 1, 30);
        long ns = Math.min(maxNs, baseNs << doublings);
        return ns < 0 ? maxNs : ns;
    }

    /**
     * A node accepted the client: it is alive, so its retry backoff starts from the base again;
     * its failures and hold-down stay until it has carried the client for a while ({@link #trusted}).
     */
    public void accepted(InetSocketAddress node) {
        Failure failure = failures.get(node);
        if (failure != null) {
            failure.sinceAccepted = 0;
            failure.tokenRefusals = 0;
            if (failure.count == 0) {
                failures.remove(node);
            }
        }
    }

    /** A node has carried the client long enough to be trusted again: forget its failures. */
    public void trusted(InetSocketAddress node) {
        failures.remove(node);
    }

    /**
     * The client replaced its token: every node's token refusals are forgotten, so each may be
     * joined as soon as its failures (if any) allow, as if it had never refused.
     */
    public void tokenRenewed() {
        failures.values().forEach(failure -> failure.tokenRefusals = 0);
        failures.values().removeIf(failure -> failure.count == 0);
    }

    /** Whether a node failed too recently to be tried before the others (its hold-down runs). */
    public boolean isHeldDown(InetSocketAddress node, long nowNs) {
        Failure failure = failures.get(node);
        return failure != null && isHeldDown(failure, nowNs);
    }

    /** Token refusals remembered for a node (since it last accepted the client or the token was renewed). */
    public int tokenRefusals(InetSocketAddress node) {
        Failure failure = failures.get(node);
        return failure == null ? 0 : failure.tokenRefusals;
    }

    /** Failures remembered for a node since it was last trusted (0 when healthy; token refusals are none). */
    public int failureCount(InetSocketAddress node) {
        Failure failure = failures.get(node);
        return failure == null ? 0 : failure.count;
    }
}
