package io.smoothcast.cc.internal;

/**
 * Delay-gradient estimate from inter-group delay variations: the accumulated one-way delay
 * variation is exponentially smoothed and a least-squares line is fitted over the last
 * {@code windowSize} points against arrival time; its slope (ms of delay per ms) says whether the
 * bottleneck queue grows. The slope, scaled by the number of samples seen and a gain, goes to the
 * {@link OveruseDetector}. Structure as in libwebrtc's trendline estimator (our own code).
 *
 * <p>Thread-safety: not thread-safe. Allocation-free after construction.
 */
public final class TrendlineEstimator {

    /** Weight of the previous smoothed value. */
    private static final double SMOOTHING = 0.9;
    /** Gain applied to the slope before comparing with the threshold. */
    private static final double THRESHOLD_GAIN = 4.0;
    /** The scaling by sample count stops growing here. */
    private static final int MAX_DELTAS_FOR_SCALING = 60;

    private final double[] arrivalMs;
    private final double[] smoothedDelayMs;
    private int count;
    private int head;
    private long firstArrivalNs;
    private boolean haveFirst;
    private double accumulatedDelayMs;
    private double smoothedMs;
    private int deltasSeen;
    private double slope;
    private double modifiedTrend;

    /** @param windowSize points in the regression, &gt;= 2 (libwebrtc uses 20) */
    public TrendlineEstimator(int windowSize) {
        if (windowSize < 2) {
            throw new IllegalArgumentException("windowSize must be >= 2: " + windowSize);
        }
        arrivalMs = new double[windowSize];
        smoothedDelayMs = new double[windowSize];
    }

    /**
     * Adds the delay variation between two groups.
     *
     * @param delayVariationMs arrival delta minus send delta, in ms
     * @param arrivalTimeNs arrival time of the later group (receiver clock)
     */
    public void update(double delayVariationMs, long arrivalTimeNs) {
        if (!haveFirst) {
            haveFirst = true;
            firstArrivalNs = arrivalTimeNs;
        }
        deltasSeen = Math.min(deltasSeen + 1, 1000);
        accumulatedDelayMs += delayVariationMs;
        smoothedMs = SMOOTHING * smoothedMs + (1 - SMOOTHING) * accumulatedDelayMs;
        int slot = (head + count) % arrivalMs.length;
        if (count == arrivalMs.length) {
            slot = head;
            head = (head + 1) % arrivalMs.length;
        } else {
            count++;
        }
        arrivalMs[slot] = (arrivalTimeNs - firstArrivalNs) / 1e6;
        smoothedDelayMs[slot] = smoothedMs;
        if (count == arrivalMs.length) {
            slope = fitSlope(slope);
        }
        modifiedTrend = Math.min(deltasSeen, MAX_DELTAS_FOR_SCALING) * slope * THRESHOLD_GAIN;
    }

    private double fitSlope(double previous) {
        // One pass over the window; x is taken relative to the oldest point so the sums stay
        // small and the subtraction below does not cancel away the precision.
        double originX = arrivalMs[head];
        double sumX = 0;
        double sumY = 0;
        double sumXY = 0;
        double sumXX = 0;
        for (int i = 0; i < count; i++) {
            double x = arrivalMs[i] - originX;
            double y = smoothedDelayMs[i];
            sumX += x;
            sumY += y;
            sumXY += x * y;
            sumXX += x * x;
        }
        double denominator = count * sumXX - sumX * sumX;
        return denominator <= 0 ? previous : (count * sumXY - sumX * sumY) / denominator;
    }

    /** @return the fitted slope (dimensionless: ms of queue growth per ms) */
    public double slope() {
        return slope;
    }

    /** @return slope scaled by sample count and gain, compared with the detector threshold (ms) */
    public double modifiedTrend() {
        return modifiedTrend;
    }

    /** Forgets all points. */
    public void reset() {
        count = 0;
        head = 0;
        haveFirst = false;
        accumulatedDelayMs = 0;
        smoothedMs = 0;
        deltasSeen = 0;
        slope = 0;
        modifiedTrend = 0;
    }
}
