package io.smoothcast.jitter.internal;

import java.util.Arrays;

/**
 * A histogram of relative packet delays with exponential forgetting, from which a quantile gives
 * the playout delay that covers that fraction of recent packets (the NetEq approach).
 *
 * <p>Forgetting multiplies every old sample's weight by {@code forgetFactor} per new sample.
 * Instead of touching every bucket per sample, each new sample is added with a weight that grows
 * by {@code 1 / forgetFactor}; the relative weights are the same, and the buckets are rescaled
 * only when the weight grows large. So {@link #add(long)} is O(1) and {@link #quantileNs(double)}
 * is O(buckets).
 *
 * <p>Not thread-safe; owned by the producer thread. Allocates nothing after construction.
 */
public final class DelayHistogram {

    private static final double RESCALE_ABOVE = 1e200;

    private final long bucketWidthNs;
    private final double[] weights;
    private final double growth;
    private double nextWeight = 1.0;
    private double totalWeight;
    private long samples;

    /**
     * @param bucketWidthNs width of one bucket, in nanoseconds; positive
     * @param bucketCount number of buckets; delays beyond the last bucket count in the last one
     * @param forgetFactor weight kept by an old sample per new sample, in (0, 1]
     */
    public DelayHistogram(long bucketWidthNs, int bucketCount, double forgetFactor) {
        if (bucketWidthNs <= 0) {
            throw new IllegalArgumentException("bucketWidthNs must be > 0: " + bucketWidthNs);
        }
        if (bucketCount < 1) {
            throw new IllegalArgumentException("bucketCount must be >= 1: " + bucketCount);
        }
        if (!(forgetFactor > 0.0 && forgetFactor <= 1.0)) {
            throw new IllegalArgumentException("forgetFactor must be in (0, 1]: " + forgetFactor);
        }
        this.bucketWidthNs = bucketWidthNs;
        this.weights = new double[bucketCount];
        this.growth = 1.0 / forgetFactor;
    }

    /**
     * Records one relative delay.
     *
     * @param delayNs the delay above the reference, in nanoseconds; negative values count as 0
     */
    public void add(long delayNs) {
        int bucket = delayNs <= 0 ? 0 : (int) Math.min(weights.length - 1, delayNs / bucketWidthNs);
        weights[bucket] += nextWeight;
        totalWeight += nextWeight;
        samples++;
        nextWeight *= growth;
        if (nextWeight > RESCALE_ABOVE) {
            rescale();
        }
    }

    private void rescale() {
        double scale = 1.0 / nextWeight;
        for (int i = 0; i < weights.length; i++) {
            weights[i] *= scale;
        }
        totalWeight *= scale;
        nextWeight = 1.0;
    }

    /**
     * The smallest delay that at least {@code quantile} of the (weighted) samples do not exceed,
     * rounded up to a bucket edge.
     *
     * @param quantile in (0, 1]
     * @return the delay in nanoseconds, or 0 when no sample has been added
     */
    public long quantileNs(double quantile) {
        if (samples == 0) {
            return 0;
        }
        double threshold = quantile * totalWeight;
        double cumulative = 0;
        for (int i = 0; i < weights.length; i++) {
            cumulative += weights[i];
            if (cumulative >= threshold) {
                return (i + 1) * bucketWidthNs;
            }
        }
        return weights.length * bucketWidthNs;
    }

    /** Forgets every sample, as if just constructed; allocates nothing. */
    public void clear() {
        Arrays.fill(weights, 0.0);
        nextWeight = 1.0;
        totalWeight = 0;
        samples = 0;
    }

    /** @return how many samples were added since construction or the last {@link #clear} */
    public long samples() {
        return samples;
    }
}
