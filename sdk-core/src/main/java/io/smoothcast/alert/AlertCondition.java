package io.smoothcast.alert;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * When one subject (a stream at an endpoint, or a node) is in breach, with hysteresis so that a
 * value wobbling around the threshold does not flap:
 * <ul>
 *   <li><b>raise</b> when at least {@code raiseCount} (k) of the last {@code windowSamples} (n)
 *       samples match {@code comparison threshold}, counting only samples newer than
 *       {@code windowNs} before the latest one;</li>
 *   <li><b>clear</b> (once raised) when the last {@code clearCount} samples are all on the good
 *       side of {@code clearThreshold}, that is where the comparison does not match it (ABOVE:
 *       {@code value <= clearThreshold}; AT_OR_ABOVE: {@code value < clearThreshold}). The clear
 *       threshold lies on the good side of the raise threshold or equals it.</li>
 * </ul>
 * Samples whose value is NaN are not samples (ignored).
 *
 * <p>Immutable; thread-safe. Build with {@link #when(Metric, Comparison, double)}.
 */
public final class AlertCondition {

    /** Largest supported n (the sample history is a 64-bit mask). */
    public static final int MAX_WINDOW_SAMPLES = 64;

    private final Metric metric;
    private final Comparison comparison;
    private final double threshold;
    private final double clearThreshold;
    private final int raiseCount;
    private final int windowSamples;
    private final int clearCount;
    private final long windowNs;
    private final Set<SampleSource> sources;

    private AlertCondition(Builder b) {
        this.metric = b.metric;
        this.comparison = b.comparison;
        this.threshold = b.threshold;
        this.clearThreshold = b.clearThreshold;
        this.raiseCount = b.raiseCount;
        this.windowSamples = b.windowSamples;
        this.clearCount = b.clearCount;
        this.windowNs = b.windowNs;
        this.sources = Collections.unmodifiableSet(EnumSet.copyOf(b.sources));
    }

    /**
     * Starts a condition that raises on a single matching sample and clears on the next
     * non-matching one; refine it with the builder.
     *
     * @param metric what to compare; not null
     * @param comparison how; not null
     * @param threshold the raise threshold, in the metric's unit; finite
     * @return a builder
     */
    public static Builder when(Metric metric, Comparison comparison, double threshold) {
        return new Builder(metric, comparison, threshold);
    }

    /** @return the metric compared */
    public Metric metric() {
        return metric;
    }

    /** @return the comparison */
    public Comparison comparison() {
        return comparison;
    }

    /** @return the raise threshold, in the metric's unit */
    public double threshold() {
        return threshold;
    }

    /** @return the clear threshold, in the metric's unit */
    public double clearThreshold() {
        return clearThreshold;
    }

    /** @return k: matching samples needed among the last n to raise */
    public int raiseCount() {
        return raiseCount;
    }

    /** @return n: how many recent samples are looked at */
    public int windowSamples() {
        return windowSamples;
    }

    /** @return consecutive good samples needed to clear */
    public int clearCount() {
        return clearCount;
    }

    /** @return the longest age a sample may have to count towards raising, nanoseconds */
    public long windowNs() {
        return windowNs;
    }

    /** @return the sample sources this condition looks at */
    public Set<SampleSource> sources() {
        return sources;
    }

    /**
     * @param value a sample value
     * @return true if it matches the raise threshold
     */
    public boolean breaches(double value) {
        return comparison.matches(value, threshold);
    }

    /**
     * @param value a sample value
     * @return true if it lies on the good side of the clear threshold
     */
    public boolean clears(double value) {
        return !Double.isNaN(value) && !comparison.matches(value, clearThreshold);
    }

    @Override
    public String toString() {
        return metric.name() + " " + comparison.symbol() + " " + threshold + " in " + raiseCount + " of "
                + windowSamples + " samples (clear " + clearCount + " x not " + comparison.symbol() + " "
                + clearThreshold + ")";
    }

    /** Collects a condition. Not thread-safe. */
    public static final class Builder {
        private final Metric metric;
        private final Comparison comparison;
        private final double threshold;
        private double clearThreshold;
        private int raiseCount = 1;
        private int windowSamples = 1;
        private int clearCount = 1;
        private long windowNs = Long.MAX_VALUE;
        private Set<SampleSource> sources = EnumSet.allOf(SampleSource.class);

        private Builder(Metric metric, Comparison comparison, double threshold) {
            if (metric == null) {
                throw new IllegalArgumentException("metric must not be null");
            }
            if (comparison == null) {
                throw new IllegalArgumentException("comparison must not be null");
            }
            if (!Double.isFinite(threshold)) {
                throw new IllegalArgumentException("threshold must be finite: " + threshold);
            }
            this.metric = metric;
            this.comparison = comparison;
            this.threshold = threshold;
            this.clearThreshold = threshold;
        }

        /**
         * @param v the clear threshold; on the good side of the raise threshold, or equal
         * @return this builder
         */
        public Builder clearThreshold(double v) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("clearThreshold must be finite: " + v);
            }
            if (comparison.higherIsWorse() ? v > threshold : v < threshold) {
                throw new IllegalArgumentException("clearThreshold " + v + " must be on the good side of threshold "
                        + threshold + " for " + comparison);
            }
            clearThreshold = v;
            return this;
        }

        /**
         * Raise when k of the last n samples match; also sets the clear count to n, so that
         * clearing takes as many good samples in a row as the window is long.
         *
         * @param k matching samples needed; 1 to n
         * @param n samples looked at; 1 to {@link #MAX_WINDOW_SAMPLES}
         * @return this builder
         */
        public Builder kOfN(int k, int n) {
            if (n < 1 || n > MAX_WINDOW_SAMPLES) {
                throw new IllegalArgumentException("n must be in [1, " + MAX_WINDOW_SAMPLES + "]: " + n);
            }
            if (k < 1 || k > n) {
                throw new IllegalArgumentException("k must be in [1, n=" + n + "]: " + k);
            }
            raiseCount = k;
            windowSamples = n;
            clearCount = n;
            return this;
        }

        /**
         * @param v consecutive samples on the good side of the clear threshold needed to clear;
         *     1 to {@link #MAX_WINDOW_SAMPLES}
         * @return this builder
         */
        public Builder clearCount(int v) {
            if (v < 1 || v > MAX_WINDOW_SAMPLES) {
                throw new IllegalArgumentException("clearCount must be in [1, " + MAX_WINDOW_SAMPLES + "]: " + v);
            }
            clearCount = v;
            return this;
        }

        /**
         * @param v the longest age of a sample counted towards raising, nanoseconds; > 0
         *     (default: unlimited)
         * @return this builder
         */
        public Builder windowNs(long v) {
            if (v <= 0) {
                throw new IllegalArgumentException("windowNs must be > 0: " + v);
            }
            windowNs = v;
            return this;
        }

        /**
         * @param first a source to look at
         * @param rest more sources
         * @return this builder
         */
        public Builder sources(SampleSource first, SampleSource... rest) {
            if (first == null) {
                throw new IllegalArgumentException("sources must not be null");
            }
            sources = EnumSet.of(first, rest);
            return this;
        }

        /** @return the condition */
        public AlertCondition build() {
            return new AlertCondition(this);
        }
    }
}
