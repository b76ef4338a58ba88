package io.smoothcast.alert;

/**
 * Where a metric sample came from, so a rule can be limited to some sources (for example only
 * what viewers receive). Immutable; thread-safe.
 */
public enum SampleSource {
    /** A {@link io.smoothcast.stats.ReceiveStreamStats} snapshot. */
    RECEIVE,
    /** A {@link io.smoothcast.stats.SendStreamStats} snapshot. */
    SEND,
    /** A {@link io.smoothcast.stats.NodeStats} snapshot. */
    NODE,
    /** A value given directly to {@link AlertEvaluator#onSample}. */
    CUSTOM
}
