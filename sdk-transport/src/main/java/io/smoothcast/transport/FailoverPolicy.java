package io.smoothcast.transport;

/**
 * How a {@link Viewer} or {@link Broadcaster} detects a dead node and moves to another one.
 *
 * <p>Detection: the client sends a keepalive every {@link Builder#heartbeatIntervalMs} and
 * declares its node dead when nothing at all (media, feedback, replies) arrived for one heartbeat
 * plus {@code 2 x SRTT + 4 x RTTVar}, that allowance clamped to
 * [{@link Builder#silenceFloorMs}, {@link Builder#latencyBudgetMs}] (SRT's link stability rule).
 * A node heard only sparsely is given longer: three of its usual intervals between arrivals (at
 * most three heartbeats) plus that allowance, so that on a path carrying nothing but keepalive
 * answers one or two lost answers are not taken for a dead node.
 * A node that does not accept the client within {@link Builder#joinTimeoutMs} counts as failed
 * too.
 *
 * <p>Failover: the client joins the next node of its list (failed nodes last, each after a
 * backoff from {@link Builder#backoffBaseMs} doubling to {@link Builder#backoffMaxMs}), keeps its
 * session id, SSRCs and sequence numbering, and asks for a keyframe. A node that failed (went
 * silent, refused, or did not accept within the join timeout) is <em>held down</em>: for
 * {@value #FAILED_NODE_HOLD_DOWN_MS} ms, doubling with each further failure up to
 * {@value #FAILED_NODE_HOLD_DOWN_MAX_MS} ms, it is tried only after every node that is not held
 * down, whatever its place in the list, and it is not probed as an alternative for proactive
 * switching (below); among held-down nodes the one that failed fewest times comes first (list
 * order breaks ties). Its failures are forgotten only once it has carried the
 * client for {@value #FAILURES_FORGOTTEN_AFTER_MS} ms, not when it merely accepts: a flapping
 * node, which accepts and dies again, is held down longer each time and ranks behind a node that
 * failed once. (The backoff above only times the retries; it restarts from its base when a node
 * accepts, so a node that answered is tried again promptly when no other node is left.) A node
 * that refused the client's token (UNAUTHORIZED, TOKEN_EXPIRED, FORBIDDEN) did not fail: it is
 * neither held down nor ranked lower for it, only asked again with the same token after a backoff
 * that grows to {@value #TOKEN_REFUSAL_BACKOFF_MAX_MS} ms, and at once after a renewal. While no
 * node carries it the state is {@link ConnectionState#RECONNECTING}; after {@link Builder#giveUpMs} it becomes
 * {@link ConnectionState#FAILED}, yet the client keeps trying at the backoff cap and reports
 * {@link ConnectionState#CONNECTED} again when a node answers.
 *
 * <p>Redundancy ({@link Builder#redundant}): the client stays joined to two nodes at once
 * (SMPTE ST 2022-7 style); a broadcaster sends every packet to both, a viewer merges both copies
 * in its jitter buffers, which drop duplicates, so losing one node loses no frame. A viewer's
 * adaptive playout delay counts the arrival of the copy it drops too, so it covers the slower
 * leg as a viewer on that leg alone would, at the delay quantile of its packets (adding the
 * legs' difference in delay and the slower leg's jitter, up to the 1 s maximum) and that leg alone plays
 * every frame on time when the faster one dies; when either leg dies the delay starts afresh
 * on the leg left. A fixed playout delay does not adapt: it stays above the faster leg, and the
 * slower leg alone is on time only if it exceeds the legs' difference plus that leg's jitter.
 * The dropped copies count as duplicates in the jitter buffers' statistics, or as packets
 * discarded late when they come after their frame played.
 *
 * <p>Proactive switching (viewers and broadcasters on a single path,
 * {@link Builder#proactiveSwitching}): a node that still answers but delivers badly is left for a
 * clearly better one. Every {@value #EVALUATION_INTERVAL_MS} ms the client measures its path: the
 * loss before retransmission, smoothed over the last windows (a viewer counts the gaps in the
 * transport-wide sequence numbers of the node's packets; a broadcaster counts the packets the
 * node's transport-cc feedback reports lost), and the keepalive round-trip time. The path is <em>degraded</em> while that loss
 * is at least {@link Builder#degradedLossFraction} or the RTT at least {@link Builder#degradedRttMs}.
 * Once it has been degraded for {@link Builder#degradedForMs}, the client pings the other nodes
 * from its own socket, each every {@link Builder#probeIntervalMs} (small datagrams, at most
 * {@value #MAX_PROBED_NODES} nodes), and scores both sides with {@link Builder#scorer} (the
 * current path from its measured loss and its keepalives' round trips; each alternative from its
 * last pings). Both sides' round trips go through the same estimator, the 20th percentile and the
 * median change between consecutive samples over the last 50, so a loaded host that answers late
 * now and then inflates neither side, and inflates both alike when it does.
 * When an alternative has scored at least {@link Builder#switchMarginMs} better than the current
 * path for {@link Builder#switchHoldMs} in a row, the client joins it, then leaves the old node
 * (make before break: no gap, the state stays CONNECTED), moves the old node to the end of its
 * list and reports {@link NodeSwitchReason#DEGRADED_PATH}. A broadcaster leaves the old node as
 * soon as the new one accepted its PUBLISH and asks its encoder for a keyframe; the old node then
 * tells its viewers that the publisher left, and they find it on the new node by the publisher
 * search below at their next evaluation (a viewer that had the stream searches at once). Hysteresis against flapping: a path
 * that is not degraded is never left, the margin must hold for the whole hold time, and after a
 * proactive switch the next one waits at least {@link Builder#switchDwellMs}.
 *
 * <p>No publisher ({@link Builder#noPublisherTimeoutMs}): a viewer on a single path whose node
 * answers but has had no track for the stream for that long (the publisher is on another node
 * and no cascade brings it here) asks the other nodes in turn, one at a time: it joins one next
 * to its current node and moves there ({@link NodeSwitchReason#NO_PUBLISHER}) if that node
 * announces tracks within {@link Builder#joinTimeoutMs}; otherwise it leaves it and asks the
 * next. After asking every node in vain it waits the timeout again. So with {@code n} nodes a
 * publisher is found within about {@code timeout + (n - 1) x (join round trip, or joinTimeoutMs
 * for nodes without it)} after it appears, plus up to one more timeout if a round had just ended.
 * If the viewer had the stream less than the timeout ago (it failed over onto this node, or the
 * publisher just left it), the publisher is alive somewhere or failing over: the search starts
 * at the next evaluation instead (asking costs a join and a leave; a node without tracks is
 * never moved to).
 *
 * <p>Media silence ({@link #mediaSilenceTimeoutMs()}): a node learns that its publisher left
 * from the publisher's LEAVE, or after its session timeout (5 s) when that LEAVE is lost; until
 * then it keeps listing the stream's tracks although the publisher sends them elsewhere. So a
 * viewer whose node answers and lists tracks but has delivered no original media packet of the
 * stream (retransmissions and probe padding do not count) for that long tries the other nodes,
 * one at a time, by the make-before-break join above: it moves
 * ({@link NodeSwitchReason#MEDIA_SILENCE}) only once media of the stream arrives from the other
 * node while its own node is still silent. A publisher that merely paused is silent on every
 * node, so the trial finds nothing and the viewer stays: it leaves a node that delivers no media
 * within {@link Builder#joinTimeoutMs} of being joined, and stays on its own node if media
 * resumes there meanwhile. After asking every node in vain it waits before the next round,
 * first the media-silence timeout, doubling with each fruitless round up to
 * {@value #MEDIA_SILENCE_BACKOFF_MAX_FACTOR} times it; media on its node starts the wait over
 * from the timeout. A long pause thus costs one join, a few keepalives and a leave per other
 * node per round, rounds further and further apart.
 *
 * <p>A viewer in redundant mode runs the same publisher search for each of its two paths, one
 * path at a time, never onto the node of its other path: a path on a node without the publisher
 * covers nothing. While its other path has the stream the publisher is alive elsewhere, so such
 * a path searches at the next evaluation too (a round that finds nothing still waits the
 * timeout before the next).
 *
 * <p>A proactive switch never moves to a node that answers without the publisher: it waits up
 * to {@link Builder#joinTimeoutMs} for the node's tracks (a cascading node fetches the stream
 * first), then leaves it and does not probe it again for the no-publisher timeout, or the join
 * timeout if longer.
 * The publisher search does not apply to broadcasters, and proactive switching does not apply in
 * redundant mode (there the second node already covers a bad one).
 *
 * <p>Immutable and thread-safe.
 */
public final class FailoverPolicy {

    /** Default keepalive interval while connected, in ms. */
    public static final int DEFAULT_HEARTBEAT_INTERVAL_MS = 100;
    /** Default lower clamp of the round-trip allowance, in ms. */
    public static final int DEFAULT_SILENCE_FLOOR_MS = 60;
    /** Default upper clamp of the round-trip allowance (the latency budget), in ms. */
    public static final int DEFAULT_LATENCY_BUDGET_MS = 500;
    /** Default time a node has to accept the client, in ms. */
    public static final int DEFAULT_JOIN_TIMEOUT_MS = 1500;
    /** Default first wait before a failed node is tried again, in ms. */
    public static final int DEFAULT_BACKOFF_BASE_MS = 250;
    /** Default longest wait before a failed node is tried again, in ms. */
    public static final int DEFAULT_BACKOFF_MAX_MS = 4000;
    /** Default time without any node before the state becomes FAILED, in ms. */
    public static final int DEFAULT_GIVE_UP_MS = 10_000;
    /**
     * How long a node that failed is held down (tried only after the nodes that are not), in ms;
     * doubled for each further failure before the node is trusted again.
     */
    public static final int FAILED_NODE_HOLD_DOWN_MS = 10_000;
    /** Longest hold-down of a node that keeps failing, in ms. */
    public static final int FAILED_NODE_HOLD_DOWN_MAX_MS = 120_000;
    /**
     * Longest wait before a node that refused the client's token is asked again with the same
     * token, in ms (the wait starts at {@link Builder#backoffBaseMs} and doubles with each
     * refusal; a {@link Builder#backoffMaxMs} above it wins): with the same token a node refuses
     * again until an operator changes it, so a refused client asks each node about twice a
     * minute rather than fifteen times. A renewed token is sent at once.
     */
    public static final int TOKEN_REFUSAL_BACKOFF_MAX_MS = 30_000;
    /**
     * How long a node that failed must then carry the client before its failures are forgotten
     * (its next failure is held down for {@link #FAILED_NODE_HOLD_DOWN_MS} again), in ms.
     */
    public static final int FAILURES_FORGOTTEN_AFTER_MS = 10_000;

    /** Default loss, from 0 to 1, at which a path counts as degraded. */
    public static final double DEFAULT_DEGRADED_LOSS_FRACTION = 0.05;
    /** Default round-trip time at which a path counts as degraded, in ms. */
    public static final int DEFAULT_DEGRADED_RTT_MS = 300;
    /** Default time a path must stay degraded before the alternatives are probed, in ms. */
    public static final int DEFAULT_DEGRADED_FOR_MS = 1000;
    /** Default interval between pings to each alternative while probing, in ms. */
    public static final int DEFAULT_PROBE_INTERVAL_MS = 100;
    /** Default score advantage an alternative needs, in ms of RTT equivalent ({@link NodeScorer}). */
    public static final int DEFAULT_SWITCH_MARGIN_MS = 30;
    /** Default time the advantage must hold before a switch, in ms. */
    public static final int DEFAULT_SWITCH_HOLD_MS = 1500;
    /** Default shortest time between two proactive switches, in ms. */
    public static final int DEFAULT_SWITCH_DWELL_MS = 20_000;
    /** Default time without a publisher on the node before a viewer asks the others, in ms. */
    public static final int DEFAULT_NO_PUBLISHER_TIMEOUT_MS = 3000;
    /**
     * Longest wait between two rounds of media-silence trials, as a multiple of
     * {@link #mediaSilenceTimeoutMs()}.
     */
    public static final int MEDIA_SILENCE_BACKOFF_MAX_FACTOR = 8;
    /** How often a viewer measures its path for proactive switching, in ms. */
    public static final int EVALUATION_INTERVAL_MS = 250;
    /** Most alternatives pinged at once while the path is degraded. */
    public static final int MAX_PROBED_NODES = 4;

    private static final FailoverPolicy DEFAULTS = builder().build();

    private final int heartbeatIntervalMs;
    private final int silenceFloorMs;
    private final int latencyBudgetMs;
    private final int joinTimeoutMs;
    private final int backoffBaseMs;
    private final int backoffMaxMs;
    private final int giveUpMs;
    private final boolean redundant;
    private final boolean proactiveSwitching;
    private final double degradedLossFraction;
    private final int degradedRttMs;
    private final int degradedForMs;
    private final int probeIntervalMs;
    private final int switchMarginMs;
    private final int switchHoldMs;
    private final int switchDwellMs;
    private final int noPublisherTimeoutMs;
    private final NodeScorer scorer;

    private FailoverPolicy(Builder b) {
        this.heartbeatIntervalMs = b.heartbeatIntervalMs;
        this.silenceFloorMs = b.silenceFloorMs;
        this.latencyBudgetMs = b.latencyBudgetMs;
        this.joinTimeoutMs = b.joinTimeoutMs;
        this.backoffBaseMs = b.backoffBaseMs;
        this.backoffMaxMs = b.backoffMaxMs;
        this.giveUpMs = b.giveUpMs;
        this.redundant = b.redundant;
        this.proactiveSwitching = b.proactiveSwitching;
        this.degradedLossFraction = b.degradedLossFraction;
        this.degradedRttMs = b.degradedRttMs;
        this.degradedForMs = b.degradedForMs;
        this.probeIntervalMs = b.probeIntervalMs;
        this.switchMarginMs = b.switchMarginMs;
        this.switchHoldMs = b.switchHoldMs;
        this.switchDwellMs = b.switchDwellMs;
        this.noPublisherTimeoutMs = b.noPublisherTimeoutMs;
        this.scorer = b.scorer;
    }

    /** The defaults (single path). */
    public static FailoverPolicy defaults() {
        return DEFAULTS;
    }

    /** Starts a builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Keepalive interval while connected, in ms. */
    public int heartbeatIntervalMs() {
        return heartbeatIntervalMs;
    }

    /** Lower clamp of the round-trip allowance, in ms. */
    public int silenceFloorMs() {
        return silenceFloorMs;
    }

    /** Upper clamp of the round-trip allowance, in ms. */
    public int latencyBudgetMs() {
        return latencyBudgetMs;
    }

    /** Time a node has to accept the client, in ms. */
    public int joinTimeoutMs() {
        return joinTimeoutMs;
    }

    /** First backoff of a failed node, in ms. */
    public int backoffBaseMs() {
        return backoffBaseMs;
    }

    /** Longest backoff of a failed node, in ms. */
    public int backoffMaxMs() {
        return backoffMaxMs;
    }

    /** Time without a node before FAILED, in ms. */
    public int giveUpMs() {
        return giveUpMs;
    }

    /** Whether the client stays joined to two nodes at once. */
    public boolean redundant() {
        return redundant;
    }

    /** Whether a viewer or broadcaster leaves a degraded path for a clearly better node. */
    public boolean proactiveSwitching() {
        return proactiveSwitching;
    }

    /** Loss (0-1) at which a path counts as degraded. */
    public double degradedLossFraction() {
        return degradedLossFraction;
    }

    /** Round-trip time at which a path counts as degraded, in ms. */
    public int degradedRttMs() {
        return degradedRttMs;
    }

    /** Time a path stays degraded before the alternatives are probed, in ms. */
    public int degradedForMs() {
        return degradedForMs;
    }

    /** Interval between pings to each alternative while probing, in ms. */
    public int probeIntervalMs() {
        return probeIntervalMs;
    }

    /** Score advantage an alternative needs, in ms of RTT equivalent. */
    public int switchMarginMs() {
        return switchMarginMs;
    }

    /** Time the advantage must hold before a proactive switch, in ms. */
    public int switchHoldMs() {
        return switchHoldMs;
    }

    /** Shortest time between two proactive switches, in ms. */
    public int switchDwellMs() {
        return switchDwellMs;
    }

    /** Time without a publisher on the node before a viewer asks the others, in ms; 0 when off. */
    public int noPublisherTimeoutMs() {
        return noPublisherTimeoutMs;
    }

    /**
     * Time a viewer's node may list the stream's tracks without delivering any media for it
     * before the viewer tries the other nodes ({@link NodeSwitchReason#MEDIA_SILENCE}), in ms; 0
     * when the publisher search is off ({@link #noPublisherTimeoutMs()} 0). Derived, not set:
     * half the no-publisher timeout (a node that lists a stream it does not deliver is as useless
     * as one without it, and trying another node never moves the viewer unless media flows
     * there), but at least one heartbeat plus the latency budget, the silence the dead-node
     * detector itself tolerates (a shorter gap is a hiccup of the path, not a stale publisher).
     * Default {@value #DEFAULT_NO_PUBLISHER_TIMEOUT_MS} / 2 = 1500 ms.
     */
    public int mediaSilenceTimeoutMs() {
        return noPublisherTimeoutMs == 0 ? 0 : Math.max(noPublisherTimeoutMs / 2, heartbeatIntervalMs + latencyBudgetMs);
    }

    /** Scores the current path and the alternatives for proactive switching. */
    public NodeScorer scorer() {
        return scorer;
    }

    @Override
    public String toString() {
        return "FailoverPolicy{heartbeatIntervalMs=" + heartbeatIntervalMs + ", silenceFloorMs=" + silenceFloorMs
                + ", latencyBudgetMs=" + latencyBudgetMs + ", joinTimeoutMs=" + joinTimeoutMs + ", backoffBaseMs="
                + backoffBaseMs + ", backoffMaxMs=" + backoffMaxMs + ", giveUpMs=" + giveUpMs + ", redundant="
                + redundant + ", proactiveSwitching=" + proactiveSwitching + ", degradedLossFraction="
                + degradedLossFraction + ", degradedRttMs=" + degradedRttMs + ", degradedForMs=" + degradedForMs
                + ", probeIntervalMs=" + probeIntervalMs + ", switchMarginMs=" + switchMarginMs + ", switchHoldMs="
                + switchHoldMs + ", switchDwellMs=" + switchDwellMs + ", noPublisherTimeoutMs=" + noPublisherTimeoutMs
                + '}';
    }

    /** Builds a {@link FailoverPolicy}. Not thread-safe. */
    public static final class Builder {
        private int heartbeatIntervalMs = DEFAULT_HEARTBEAT_INTERVAL_MS;
        private int silenceFloorMs = DEFAULT_SILENCE_FLOOR_MS;
        private int latencyBudgetMs = DEFAULT_LATENCY_BUDGET_MS;
        private int joinTimeoutMs = DEFAULT_JOIN_TIMEOUT_MS;
        private int backoffBaseMs = DEFAULT_BACKOFF_BASE_MS;
        private int backoffMaxMs = DEFAULT_BACKOFF_MAX_MS;
        private int giveUpMs = DEFAULT_GIVE_UP_MS;
        private boolean redundant;
        private boolean proactiveSwitching = true;
        private double degradedLossFraction = DEFAULT_DEGRADED_LOSS_FRACTION;
        private int degradedRttMs = DEFAULT_DEGRADED_RTT_MS;
        private int degradedForMs = DEFAULT_DEGRADED_FOR_MS;
        private int probeIntervalMs = DEFAULT_PROBE_INTERVAL_MS;
        private int switchMarginMs = DEFAULT_SWITCH_MARGIN_MS;
        private int switchHoldMs = DEFAULT_SWITCH_HOLD_MS;
        private int switchDwellMs = DEFAULT_SWITCH_DWELL_MS;
        private int noPublisherTimeoutMs = DEFAULT_NO_PUBLISHER_TIMEOUT_MS;
        private NodeScorer scorer = NodeScorer.defaults();

        private Builder() {
        }

        /** @param ms keepalive interval while connected, 10-5000 ms; default {@value FailoverPolicy#DEFAULT_HEARTBEAT_INTERVAL_MS} @return this builder */
        public Builder heartbeatIntervalMs(int ms) {
            this.heartbeatIntervalMs = check(ms, 10, 5000, "heartbeatIntervalMs");
            return this;
        }

        /**
         * @param ms lower clamp of the round-trip allowance, 1-10000 ms, at most {@link #latencyBudgetMs};
         *     default {@value FailoverPolicy#DEFAULT_SILENCE_FLOOR_MS}
         * @return this builder
         */
        public Builder silenceFloorMs(int ms) {
            this.silenceFloorMs = check(ms, 1, 10_000, "silenceFloorMs");
            return this;
        }

        /**
         * @param ms upper clamp of the round-trip allowance, 1-10000 ms, at least {@link #silenceFloorMs};
         *     default {@value FailoverPolicy#DEFAULT_LATENCY_BUDGET_MS}
         * @return this builder
         */
        public Builder latencyBudgetMs(int ms) {
            this.latencyBudgetMs = check(ms, 1, 10_000, "latencyBudgetMs");
            return this;
        }

        /** @param ms time a node has to accept the client, 50-60000 ms; default {@value FailoverPolicy#DEFAULT_JOIN_TIMEOUT_MS} @return this builder */
        public Builder joinTimeoutMs(int ms) {
            this.joinTimeoutMs = check(ms, 50, 60_000, "joinTimeoutMs");
            return this;
        }

        /**
         * @param ms first backoff of a failed node, 1-60000 ms, at most {@link #backoffMaxMs}; default
         *     {@value FailoverPolicy#DEFAULT_BACKOFF_BASE_MS}
         * @return this builder
         */
        public Builder backoffBaseMs(int ms) {
            this.backoffBaseMs = check(ms, 1, 60_000, "backoffBaseMs");
            return this;
        }

        /**
         * @param ms longest backoff of a failed node, 1-600000 ms, at least {@link #backoffBaseMs}; default
         *     {@value FailoverPolicy#DEFAULT_BACKOFF_MAX_MS}
         * @return this builder
         */
        public Builder backoffMaxMs(int ms) {
            this.backoffMaxMs = check(ms, 1, 600_000, "backoffMaxMs");
            return this;
        }

        /** @param ms time without a node before FAILED, 100-3600000 ms; default {@value FailoverPolicy#DEFAULT_GIVE_UP_MS} @return this builder */
        public Builder giveUpMs(int ms) {
            this.giveUpMs = check(ms, 100, 3_600_000, "giveUpMs");
            return this;
        }

        /**
         * @param redundant true to stay joined to two nodes at once; a client given a single node
         *     stays on one path. Default false
         * @return this builder
         */
        public Builder redundant(boolean redundant) {
            this.redundant = redundant;
            return this;
        }

        /**
         * @param enabled whether a viewer or broadcaster leaves a degraded path for a clearly
         *     better node; default true
         * @return this builder
         */
        public Builder proactiveSwitching(boolean enabled) {
            this.proactiveSwitching = enabled;
            return this;
        }

        /** @param fraction loss at which a path counts as degraded, 0.001-1; default 0.05 @return this builder */
        public Builder degradedLossFraction(double fraction) {
            if (!(fraction >= 0.001 && fraction <= 1)) {
                throw new IllegalArgumentException("degradedLossFraction must be 0.001-1: " + fraction);
            }
            this.degradedLossFraction = fraction;
            return this;
        }

        /** @param ms round-trip time at which a path counts as degraded, 1-10000 ms; default 300 @return this builder */
        public Builder degradedRttMs(int ms) {
            this.degradedRttMs = check(ms, 1, 10_000, "degradedRttMs");
            return this;
        }

        /** @param ms time a path stays degraded before probing, 0-60000 ms; default 1000 @return this builder */
        public Builder degradedForMs(int ms) {
            this.degradedForMs = check(ms, 0, 60_000, "degradedForMs");
            return this;
        }

        /** @param ms interval between pings to each alternative, 20-5000 ms; default 100 @return this builder */
        public Builder probeIntervalMs(int ms) {
            this.probeIntervalMs = check(ms, 20, 5000, "probeIntervalMs");
            return this;
        }

        /** @param ms score advantage an alternative needs, 0-10000 (ms of RTT equivalent); default 30 @return this builder */
        public Builder switchMarginMs(int ms) {
            this.switchMarginMs = check(ms, 0, 10_000, "switchMarginMs");
            return this;
        }

        /** @param ms time the advantage must hold, 0-60000 ms; default 1500 @return this builder */
        public Builder switchHoldMs(int ms) {
            this.switchHoldMs = check(ms, 0, 60_000, "switchHoldMs");
            return this;
        }

        /** @param ms shortest time between two proactive switches, 0-3600000 ms; default 20000 @return this builder */
        public Builder switchDwellMs(int ms) {
            this.switchDwellMs = check(ms, 0, 3_600_000, "switchDwellMs");
            return this;
        }

        /**
         * @param ms time without a publisher on the node before a viewer asks the other nodes,
         *     100-600000 ms, or 0 to stay; default 3000
         * @return this builder
         */
        public Builder noPublisherTimeoutMs(int ms) {
            this.noPublisherTimeoutMs = ms == 0 ? 0 : check(ms, 100, 600_000, "noPublisherTimeoutMs");
            return this;
        }

        /** @param scorer scores paths for proactive switching; default {@link NodeScorer#defaults()} @return this builder */
        public Builder scorer(NodeScorer scorer) {
            this.scorer = java.util.Objects.requireNonNull(scorer, "scorer");
            return this;
        }

        /**
         * @return the policy
         * @throws IllegalStateException if {@code silenceFloorMs} exceeds {@code latencyBudgetMs} or
         *     {@code backoffBaseMs} exceeds {@code backoffMaxMs}
         */
        public FailoverPolicy build() {
            if (silenceFloorMs > latencyBudgetMs) {
                throw new IllegalStateException("silenceFloorMs (" + silenceFloorMs
                        + ") must not exceed latencyBudgetMs (" + latencyBudgetMs + ")");
            }
            if (backoffBaseMs > backoffMaxMs) {
                throw new IllegalStateException("backoffBaseMs (" + backoffBaseMs
                        + ") must not exceed backoffMaxMs (" + backoffMaxMs + ")");
            }
            return new FailoverPolicy(this);
        }

        private static int check(int value, int min, int max, String name) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be " + min + "-" + max + ": " + value);
            }
            return value;
        }
    }
}
