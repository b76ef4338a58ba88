package io.smoothcast.jitter;

/** How the jitter buffer chooses its playout delay. Immutable; thread-safe. */
public enum PlayoutMode {
    /**
     * The delay follows measured arrival jitter: a quantile of recent relative delays (plus one
     * round trip when NACK is on), clamped to [min, max], changing at a bounded rate.
     */
    ADAPTIVE,
    /**
     * A constant latency window above the path's base delay (the lowest transit time seen over
     * the last 5 to 10 seconds), as SRT's latency setting.
     */
    FIXED
}
