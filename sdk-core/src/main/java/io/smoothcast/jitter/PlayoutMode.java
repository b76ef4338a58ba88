package io.smoothcast.jitter;

/** How the jitter buffer chooses its playout delay. */
public enum PlayoutMode {
    /**
     * The delay follows measured arrival jitter: a quantile of recent relative delays (plus one
     * round trip when NACK is on), clamped to [min, max], changing at a bounded rate.
     */
    ADAPTIVE,
    /** A constant latency window above the path's base delay, as SRT's latency setting. */
    FIXED
}
