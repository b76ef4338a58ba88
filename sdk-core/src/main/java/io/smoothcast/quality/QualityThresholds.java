package io.smoothcast.quality;

import java.util.Arrays;

/**
 * The tunable constants of the quality formula (see {@link QualityGrader}). For each input, four
 * upper bounds: the largest value still graded EXCELLENT, GOOD, POOR and BAD; anything above the
 * fourth is VERY_BAD. Bounds are inclusive and must not decrease.
 *
 * <p>Defaults (named constants below) suit a cross-continent live broadcast with a few seconds of
 * latency budget, where RTT matters less than loss and stalls:
 * <pre>{@code
 *              EXCELLENT  GOOD    POOR    BAD     (VERY_BAD above)
 * loss         <= 1 %     <= 3 %  <= 8 %  <= 15 %
 * RTT          <= 150 ms  <= 300  <= 500  <= 800
 * jitter       <= 20 ms   <= 40   <= 80   <= 150
 * stall rate   0          <= 2 %  <= 5 %  <= 10 %
 * }</pre>
 * (any stall at all costs EXCELLENT) and DOWN once media has not flowed for
 * {@link #DEFAULT_DOWN_AFTER_NS} (4 s, two grading intervals).
 *
 * <p>Immutable; thread-safe. Build with {@link #builder()}.
 */
public final class QualityThresholds {

    // Default bounds per input (EXCELLENT, GOOD, POOR, BAD maxima); see the table above.
    private static final double[] DEFAULT_LOSS = {0.01, 0.03, 0.08, 0.15};
    private static final double[] DEFAULT_RTT_MS = {150, 300, 500, 800};
    private static final double[] DEFAULT_JITTER_MS = {20, 40, 80, 150};
    private static final double[] DEFAULT_STALL_RATE = {0.0, 0.02, 0.05, 0.10};
    /** Default time without media before a stream is DOWN: 4 s. */
    public static final long DEFAULT_DOWN_AFTER_NS = 4_000_000_000L;

    private static final QualityThresholds DEFAULTS = builder().build();

    private final double[] loss;
    private final double[] rttMs;
    private final double[] jitterMs;
    private final double[] stallRate;
    private final long downAfterNs;

    private QualityThresholds(Builder b) {
        this.loss = b.loss.clone();
        this.rttMs = b.rttMs.clone();
        this.jitterMs = b.jitterMs.clone();
        this.stallRate = b.stallRate.clone();
        this.downAfterNs = b.downAfterNs;
    }

    /** @return the default thresholds */
    public static QualityThresholds defaults() {
        return DEFAULTS;
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the four loss bounds (a copy), fractions */
    public double[] loss() {
        return loss.clone();
    }

    /** @return the four RTT bounds (a copy), milliseconds */
    public double[] rttMs() {
        return rttMs.clone();
    }

    /** @return the four jitter bounds (a copy), milliseconds */
    public double[] jitterMs() {
        return jitterMs.clone();
    }

    /** @return the four stall-rate bounds (a copy), fractions */
    public double[] stallRate() {
        return stallRate.clone();
    }

    /** @return how long without media makes a stream DOWN, nanoseconds */
    public long downAfterNs() {
        return downAfterNs;
    }

    /** Grades one input against its bounds; NaN gives UNKNOWN. */
    QualityLevel gradeLoss(double v) {
        return grade(v, loss);
    }

    QualityLevel gradeRtt(double v) {
        return grade(v, rttMs);
    }

    QualityLevel gradeJitter(double v) {
        return grade(v, jitterMs);
    }

    QualityLevel gradeStall(double v) {
        return grade(v, stallRate);
    }

    private static QualityLevel grade(double value, double[] bounds) {
        if (Double.isNaN(value)) {
            return QualityLevel.UNKNOWN;
        }
        for (int i = 0; i < bounds.length; i++) {
            if (value <= bounds[i]) {
                return QualityLevel.ofValue(QualityLevel.EXCELLENT.value() + i);
            }
        }
        return QualityLevel.VERY_BAD;
    }

    @Override
    public String toString() {
        return "QualityThresholds[loss=" + Arrays.toString(loss) + ", rttMs=" + Arrays.toString(rttMs)
                + ", jitterMs=" + Arrays.toString(jitterMs) + ", stallRate=" + Arrays.toString(stallRate)
                + ", downAfterNs=" + downAfterNs + "]";
    }

    /** Collects thresholds; starts from the defaults. Not thread-safe. */
    public static final class Builder {
        private double[] loss = DEFAULT_LOSS.clone();
        private double[] rttMs = DEFAULT_RTT_MS.clone();
        private double[] jitterMs = DEFAULT_JITTER_MS.clone();
        private double[] stallRate = DEFAULT_STALL_RATE.clone();
        private long downAfterNs = DEFAULT_DOWN_AFTER_NS;

        private Builder() {
        }

        /**
         * @param excellent largest loss fraction graded EXCELLENT
         * @param good largest graded GOOD
         * @param poor largest graded POOR
         * @param bad largest graded BAD
         * @return this builder
         * @throws IllegalArgumentException if the bounds are outside [0, 1] or decrease
         */
        public Builder loss(double excellent, double good, double poor, double bad) {
            loss = bounds("loss", 1.0, excellent, good, poor, bad);
            return this;
        }

        /**
         * @param excellent largest RTT graded EXCELLENT, milliseconds
         * @param good largest graded GOOD, milliseconds
         * @param poor largest graded POOR, milliseconds
         * @param bad largest graded BAD, milliseconds
         * @return this builder
         * @throws IllegalArgumentException if a bound is negative or not finite, or they decrease
         */
        public Builder rttMs(double excellent, double good, double poor, double bad) {
            rttMs = bounds("rttMs", Double.MAX_VALUE, excellent, good, poor, bad);
            return this;
        }

        /**
         * @param excellent largest jitter graded EXCELLENT, milliseconds
         * @param good largest graded GOOD, milliseconds
         * @param poor largest graded POOR, milliseconds
         * @param bad largest graded BAD, milliseconds
         * @return this builder
         * @throws IllegalArgumentException if a bound is negative or not finite, or they decrease
         */
        public Builder jitterMs(double excellent, double good, double poor, double bad) {
            jitterMs = bounds("jitterMs", Double.MAX_VALUE, excellent, good, poor, bad);
            return this;
        }

        /**
         * @param excellent largest stall rate graded EXCELLENT
         * @param good largest graded GOOD
         * @param poor largest graded POOR
         * @param bad largest graded BAD
         * @return this builder
         * @throws IllegalArgumentException if the bounds are outside [0, 1] or decrease
         */
        public Builder stallRate(double excellent, double good, double poor, double bad) {
            stallRate = bounds("stallRate", 1.0, excellent, good, poor, bad);
            return this;
        }

        /**
         * @param v time without media after which a stream is DOWN, nanoseconds; > 0
         * @return this builder
         */
        public Builder downAfterNs(long v) {
            if (v <= 0) {
                throw new IllegalArgumentException("downAfterNs must be > 0: " + v);
            }
            downAfterNs = v;
            return this;
        }

        private static double[] bounds(String name, double max, double... values) {
            double previous = 0;
            for (int i = 0; i < values.length; i++) {
                double v = values[i];
                if (!(v >= 0 && v <= max)) {
                    throw new IllegalArgumentException(name + " bound " + i + " must be in [0, " + max + "]: " + v);
                }
                if (v < previous) {
                    throw new IllegalArgumentException(name + " bounds must not decrease: " + Arrays.toString(values));
                }
                previous = v;
            }
            return values.clone();
        }

        /** @return the thresholds */
        public QualityThresholds build() {
            return new QualityThresholds(this);
        }
    }
}
