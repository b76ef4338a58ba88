package io.smoothcast.transport;

/**
 * Failure-detection settings for integration tests that are not about detecting a dead node.
 * Every node, emulator and client of such a test runs in the test's one JVM, on a machine that
 * builds and measures other things at the same time: a thread that waits a few hundred ms for a
 * core makes a live node look silent for that long. The default policy declares a loopback node
 * dead after about 160 ms of silence (one 100 ms heartbeat plus the 60 ms floor), so such a
 * stall turned a node switch into a failover, or had a client re-join and be evicted by a flood
 * (session notes 2-4). These tests still fail on any silence longer than about 1.1 s, and on
 * every failover and lost frame they assert against; dead-node detection itself is tested with
 * the defaults (FailoverIT). Public for the samples' ITs, which get this module's test jar.
 */
public final class StallTolerantFailover {

    /** Silence allowance on top of the heartbeat, in ms: both the floor and the budget. */
    static final int SILENCE_ALLOWANCE_MS = 1000;
    /**
     * Join timeout, in ms: a relay still compiling its code on a loaded machine answered a first
     * join after more than the default 1.5 s; the client had given that join up, re-joined, and
     * counted the late answers as malformed (session 10, BroadcastThroughRelayIT).
     */
    static final int JOIN_TIMEOUT_MS = 4000;
    /**
     * The policy for clients whose failure detection is not what their test is about: {@link
     * #SILENCE_ALLOWANCE_MS} of silence and {@link #JOIN_TIMEOUT_MS} for a join. Immutable.
     */
    public static final FailoverPolicy POLICY = tolerantPolicy().joinTimeoutMs(JOIN_TIMEOUT_MS).build();

    private StallTolerantFailover() {
    }

    /**
     * The default policy, but with {@link #SILENCE_ALLOWANCE_MS} of silence allowed.
     *
     * @return a builder to finish (or build as is)
     */
    static FailoverPolicy.Builder tolerantPolicy() {
        return FailoverPolicy.builder().latencyBudgetMs(SILENCE_ALLOWANCE_MS).silenceFloorMs(SILENCE_ALLOWANCE_MS);
    }
}
