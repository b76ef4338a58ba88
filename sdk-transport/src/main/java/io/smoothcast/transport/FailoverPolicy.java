package io.smoothcast.transport;

/**
 * How a {@link Viewer} or {@link Broadcaster} detects a dead node and moves to another one.
 *
 * <p>Detection: the client sends a keepalive every {@link Builder#heartbeatIntervalMs} and
 * declares its node dead when nothing at all (media, feedback, replies) arrived for one heartbeat
 * plus {@code 2 x SRTT + 4 x RTTVar}, that allowance clamped to
 * [{@link Builder#silenceFloorMs}, {@link Builder#latencyBudgetMs}] (SRT's link stability rule).
 * A node that does not accept the client within {@link Builder#joinTimeoutMs} counts as failed
 * too.
 *
 * <p>Failover: the client joins the next node of its list (failed nodes last, each after a
 * backoff from {@link Builder#backoffBaseMs} doubling to {@link Builder#backoffMaxMs}), keeps its
 * session id, SSRCs and sequence numbering, and asks for a keyframe. While no node carries it the
 * state is {@link ConnectionState#RECONNECTING}; after {@link Builder#giveUpMs} it becomes
 * {@link ConnectionState#FAILED}, yet the client keeps trying at the backoff cap and reports
 * {@link ConnectionState#CONNECTED} again when a node answers.
 *
 * <p>Redundancy ({@link Builder#redundant}): the client stays joined to two nodes at once
 * (SMPTE ST 2022-7 style); a broadcaster sends every packet to both, a viewer merges both copies
 * in its jitter buffers, which drop duplicates, so losing one node loses no frame.
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

    private static final FailoverPolicy DEFAULTS = builder().build();

    private final int heartbeatIntervalMs;
    private final int silenceFloorMs;
    private final int latencyBudgetMs;
    private final int joinTimeoutMs;
    private final int backoffBaseMs;
    private final int backoffMaxMs;
    private final int giveUpMs;
    private final boolean redundant;

    private FailoverPolicy(Builder b) {
        this.heartbeatIntervalMs = b.heartbeatIntervalMs;
        this.silenceFloorMs = b.silenceFloorMs;
        this.latencyBudgetMs = b.latencyBudgetMs;
        this.joinTimeoutMs = b.joinTimeoutMs;
        this.backoffBaseMs = b.backoffBaseMs;
        this.backoffMaxMs = b.backoffMaxMs;
        this.giveUpMs = b.giveUpMs;
        this.redundant = b.redundant;
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

    @Override
    public String toString() {
        return "FailoverPolicy{heartbeatIntervalMs=" + heartbeatIntervalMs + ", silenceFloorMs=" + silenceFloorMs
                + ", latencyBudgetMs=" + latencyBudgetMs + ", joinTimeoutMs=" + joinTimeoutMs + ", backoffBaseMs="
                + backoffBaseMs + ", backoffMaxMs=" + backoffMaxMs + ", giveUpMs=" + giveUpMs + ", redundant="
                + redundant + '}';
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

        private Builder() {
        }

        /** @param ms keepalive interval while connected, 10-5000 ms @return this builder */
        public Builder heartbeatIntervalMs(int ms) {
            this.heartbeatIntervalMs = check(ms, 10, 5000, "heartbeatIntervalMs");
            return this;
        }

        /** @param ms lower clamp of the round-trip allowance, 1-10000 ms @return this builder */
        public Builder silenceFloorMs(int ms) {
            this.silenceFloorMs = check(ms, 1, 10_000, "silenceFloorMs");
            return this;
        }

        /** @param ms upper clamp of the round-trip allowance, 1-10000 ms @return this builder */
        public Builder latencyBudgetMs(int ms) {
            this.latencyBudgetMs = check(ms, 1, 10_000, "latencyBudgetMs");
            return this;
        }

        /** @param ms time a node has to accept the client, 50-60000 ms @return this builder */
        public Builder joinTimeoutMs(int ms) {
            this.joinTimeoutMs = check(ms, 50, 60_000, "joinTimeoutMs");
            return this;
        }

        /** @param ms first backoff of a failed node, 1-60000 ms @return this builder */
        public Builder backoffBaseMs(int ms) {
            this.backoffBaseMs = check(ms, 1, 60_000, "backoffBaseMs");
            return this;
        }

        /** @param ms longest backoff of a failed node, 1-600000 ms @return this builder */
        public Builder backoffMaxMs(int ms) {
            this.backoffMaxMs = check(ms, 1, 600_000, "backoffMaxMs");
            return this;
        }

        /** @param ms time without a node before FAILED, 100-3600000 ms @return this builder */
        public Builder giveUpMs(int ms) {
            this.giveUpMs = check(ms, 100, 3_600_000, "giveUpMs");
            return this;
        }

        /** @param redundant true to stay joined to two nodes at once (needs two nodes) @return this builder */
        public Builder redundant(boolean redundant) {
            this.redundant = redundant;
            return this;
        }

        /** @return the policy */
        public FailoverPolicy build() {
            if (silenceFloorMs > latencyBudgetMs) {
                throw new IllegalStateException("silenceFloorMs (" + silenceFloorMs
                        + ") must not exceed latencyBudgetMs (" + latencyBudgetMs + ")");
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
