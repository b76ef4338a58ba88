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
 * <p>Redundant reception (every packet over two or more paths, the first copy kept) adds the
 * copies the buffer did not keep with {@link #addCopy(long)}. The quantile then bounds the
 * weight above it by {@code 1 - quantile} of the packets' weight (first copies only), not of all
 * samples: with k paths carrying equal numbers of packets, the pooled samples are 1/k each
 * path's, so every path on its own is covered at the quantile at least (the slowest exactly when
 * the paths' delays do not overlap), as a single-path receiver on it would be; plain
 * {@code quantile} of the pooled samples covered the slower of two paths only at about
 * {@code 1 - 2 (1 - quantile)}. Without copies it is the plain quantile.
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
    /** The part of {@link #totalWeight} added by {@link #addCopy}. */
    private double copyWeight;
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
        addWeighted(delayNs);
    }

    /**
     * Records the delay of another path's copy of a packet already {@link #add added}
     * (redundant reception; see the class comment).
     *
     * @param delayNs the copy's delay above the reference, in nanoseconds; negative values count as 0
     */
    public void addCopy(long delayNs) {
        copyWeight += nextWeight;
        addWeighted(delayNs);
    }

    private void addWeighted(long delayNs) {
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
        copyWeight *= scale;
        nextWeight = 1.0;
    }

    /**
     * The smallest delay, rounded up to a bucket edge, that the (weighted) samples above it
     * exceed by at most {@code 1 - quantile} of the packets' weight: without copies, the delay
     * that at least {@code quantile} of the samples do not exceed; with copies, see the class
     * comment.
     *
     * @param quantile in (0, 1]
     * @return the delay in nanoseconds, or 0 when no sample has been added
     */
    public long quantileNs(double quantile) {
        if (samples == 0) {
            return 0;
        }
        // total - (1 - q) * (total - copies); exactly q * total without copies.
        double threshold = quantile * totalWeight + (1 - quantile) * copyWeight;
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
        copyWeight = 0;
        samples = 0;
    }

    /** @return how many samples were added since construction or the last {@link #clear} */
    public long samples() {
        return samples;
    }
}
