package io.smoothcast.transport.internal.failover;

import io.smoothcast.transport.NodeInfo;
import io.smoothcast.transport.NodeScorer;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.netty.DatagramSender;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Background probing of the nodes a viewer might move to, from the viewer's own socket: one
 * small PROBE (PROTOCOL.md) to each node every interval, and a score per node from its last
 * {@value #WINDOW} pings (the round trip and jitter of the answered ones as an {@link RttWindow}
 * gives them, the same estimator the current path's keepalives go through, and the share
 * unanswered), by the same {@link NodeScorer} that scores the current path. The loss counts only pings sent at least {@value #LOSS_AFTER_MS} ms ago (answered
 * or given up): counting the recent answered ones but not the recent unanswered ones would
 * understate it. And it is the upper end of the loss's one-sigma Wilson interval, not the plain
 * share: a few pings say little, and a lucky run of answers from a lossy node must not look like
 * a clean path (a switch should need evidence; staying needs none). A node has a score once
 * {@value #MIN_SAMPLES} of its pings are that old.
 *
 * <p>The rate is bounded by the caller: at most the nodes it passes, each once per interval.
 *
 * <p>Not thread-safe: the client's I/O thread only. Time comes from the caller.
 */
public final class AlternativeProber {

    /** Pings per node that a score is computed from. */
    static final int WINDOW = 50;
    /** Pings per node old enough to count for the loss before the node has a score. */
    static final int MIN_SAMPLES = 8;
    /** A ping unanswered this long counts as lost, in ms. */
    static final int LOSS_AFTER_MS = 500;
    private static final long LOSS_AFTER_NS = LOSS_AFTER_MS * 1_000_000L;
    private static final byte[] NO_TOKEN = new byte[0];

    /** A probed node with its score. */
    public record Scored(InetSocketAddress node, double score, double rttMs, double lossFraction) {
    }

    private final DatagramSender out;
    private final long intervalNs;
    private final NodeScorer scorer;
    private final List<Target> targets = new ArrayList<>();
    private long pingsSent;

    private static final class Target {
        final InetSocketAddress node;
        final NodeInfo info;
        final int[] sequence = new int[WINDOW];
        final long[] sentNs = new long[WINDOW];
        final long[] rttNs = new long[WINDOW];
        final RttWindow answers = new RttWindow();
        int nextSequence;
        long nextPingNs;

        Target(InetSocketAddress node, long nowNs) {
            this.node = node;
            this.info = new NodeInfo(node, "");
            this.nextPingNs = nowNs;
            Arrays.fill(sequence, -1);
        }
    }

    /**
     * @param out where pings go
     * @param intervalNs time between two pings to one node, in ns
     * @param scorer scores the nodes
     */
    public AlternativeProber(DatagramSender out, long intervalNs, NodeScorer scorer) {
        this.out = out;
        this.intervalNs = intervalNs;
        this.scorer = scorer;
    }

    /**
     * Probes exactly these nodes from now on; nodes probed already keep their samples.
     *
     * @param nodes the nodes (empty to stop)
     * @param nowNs the current time
     */
    public void probe(List<InetSocketAddress> nodes, long nowNs) {
        targets.removeIf(t -> !nodes.contains(t.node));
        for (InetSocketAddress node : nodes) {
            if (find(node) == null) {
                targets.add(new Target(node, nowNs));
            }
        }
    }

    /** Stops probing and forgets every sample. */
    public void stop() {
        targets.clear();
    }

    /** Whether pings go to {@code node} now (its replies are expected). */
    public boolean isProbing(InetSocketAddress node) {
        return find(node) != null;
    }

    /** Whether any node is being probed. */
    public boolean isActive() {
        return !targets.isEmpty();
    }

    /**
     * The round trip to a node being probed: the minimum of its last answers
     * ({@link RttWindow#recentMinNs}), in ns; 0 if it is not probed or has not answered.
     */
    public long rttNs(InetSocketAddress node) {
        Target t = find(node);
        return t == null ? 0 : t.answers.recentMinNs();
    }

    /** Pings sent since this prober was made. */
    public long pingsSent() {
        return pingsSent;
    }

    /** Sends the pings that are due. */
    public void onTick(long nowNs) {
        boolean sent = false;
        for (Target t : targets) {
            if (nowNs - t.nextPingNs < 0) {
                continue;
            }
            int slot = t.nextSequence % WINDOW;
            t.sequence[slot] = t.nextSequence;
            t.sentNs[slot] = nowNs;
            t.rttNs[slot] = -1;
            out.send(ControlCodec.encode(out.allocator(), 0, NO_TOKEN,
                    new ControlMessage.Probe(t.nextSequence, nowNs, ControlMessage.Probe.MIN_PADDING)), t.node);
            t.nextSequence = (t.nextSequence + 1) & Integer.MAX_VALUE;
            t.nextPingNs = nowNs + intervalNs;
            pingsSent++;
            sent = true;
        }
        if (sent) {
            out.flush();
        }
    }

    /**
     * A PROBE_REPLY arrived.
     *
     * @return true if it answered one of the pings still in the window (otherwise it is ignored)
     */
    public boolean onReply(InetSocketAddress sender, ControlMessage.ProbeReply reply, long nowNs) {
        Target t = find(sender);
        int sequence = reply.sequence();
        if (t == null || sequence < 0) {
            return false;
        }
        int slot = sequence % WINDOW;
        if (t.sequence[slot] != sequence || t.rttNs[slot] >= 0) {
            return false;
        }
        // Our own send time, not the echoed one: a reply cannot make a node look faster than it is.
        t.rttNs[slot] = Math.max(0, nowNs - t.sentNs[slot]);
        t.answers.add(t.rttNs[slot]);
        return true;
    }

    /**
     * The best-scoring node that has enough samples.
     *
     * @param nowNs the current time
     * @return the node and its score, or null if no node has a score yet
     */
    public Scored best(long nowNs) {
        Scored best = null;
        for (Target t : targets) {
            Scored s = score(t, nowNs);
            if (s != null && (best == null || s.score() < best.score())) {
                best = s;
            }
        }
        return best;
    }

    private Scored score(Target t, long nowNs) {
        int resolved = 0;
        int resolvedAnswered = 0;
        for (int k = t.nextSequence - WINDOW; k < t.nextSequence; k++) {
            if (k < 0) {
                continue;
            }
            int slot = k % WINDOW;
            if (t.sequence[slot] == k && nowNs - t.sentNs[slot] >= LOSS_AFTER_NS) {
                resolved++;
                resolvedAnswered += t.rttNs[slot] >= 0 ? 1 : 0;
            }
        }
        if (resolved < MIN_SAMPLES) {
            return null;
        }
        double lossFraction = wilsonUpper(resolved - resolvedAnswered, resolved);
        double rttMs = t.answers.lowRttMs();
        double score = scorer.score(t.info, t.answers.size() > 0, rttMs, t.answers.jitterMs(), lossFraction, -1);
        return new Scored(t.node, score, rttMs, lossFraction);
    }

    /** Upper end of the one-sigma Wilson score interval of {@code lost} out of {@code n}. */
    static double wilsonUpper(int lost, int n) {
        double p = (double) lost / n;
        double z2 = 1.0 / n; // z = 1
        double centre = p + z2 / 2;
        double spread = Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n));
        return Math.min(1.0, (centre + spread) / (1 + z2));
    }

    private Target find(InetSocketAddress node) {
        for (Target t : targets) {
            if (t.node.equals(node)) {
                return t;
            }
        }
        return null;
    }
}
