package io.smoothcast.alert;

/**
 * The P0 "stream down" rule: raises one alert per stream when no endpoint reporting that stream
 * in a {@link io.smoothcast.stats.ReceiveStreamStats} (the ingest node, relays, viewers) has
 * received media for {@code noMediaNs}; clears when any of them receives media again.
 *
 * <p>A stream is watched from its first receive snapshot (a stream that never delivers media goes
 * down {@code noMediaNs} after that) until {@link AlertEvaluator#removeStream} is called when it
 * ends; it is checked on every snapshot and on {@link AlertEvaluator#tick(long)}, so the alert
 * rises even when the endpoints stop reporting altogether. The alert names the node and region
 * of the endpoint that last received media (the first to report it, among equals), which is
 * where an operator starts looking.
 *
 * <p>Immutable; thread-safe.
 */
public final class NoMediaRule extends RuleIdentity implements AlertRule {

    /** Default time without media before a stream is down: 5 s. */
    public static final long DEFAULT_NO_MEDIA_NS = 5_000_000_000L;

    private final long noMediaNs;

    private NoMediaRule(String id, Severity severity, long noMediaNs) {
        super(id, severity);
        if (noMediaNs <= 0) {
            throw new IllegalArgumentException("noMediaNs must be > 0: " + noMediaNs);
        }
        this.noMediaNs = noMediaNs;
    }

    /**
     * @param id the rule's identifier; not empty
     * @param severity the alerts' severity (P0 in the default set); not null
     * @param noMediaNs how long without media makes a stream down, nanoseconds; > 0
     * @return the rule
     */
    public static NoMediaRule of(String id, Severity severity, long noMediaNs) {
        return new NoMediaRule(id, severity, noMediaNs);
    }

    @Override
    public String description() {
        return "no media for " + noMediaNs / 1_000_000 + " ms";
    }

    /** @return how long without media makes a stream down, nanoseconds */
    public long noMediaNs() {
        return noMediaNs;
    }

    @Override
    public String toString() {
        return "NoMediaRule[" + id() + ", " + severity() + ", " + description() + "]";
    }
}
