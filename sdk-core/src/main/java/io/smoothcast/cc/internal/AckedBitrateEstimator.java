package io.smoothcast.cc.internal;

/**
 * Throughput of acknowledged packets: receive time is cut into consecutive windows of
 * {@code windowNs} (receiver clock), each closed window gives a sample (its bytes over its
 * length) and the estimate is an exponential average of the samples. This is what the path
 * demonstrably delivered, so the rate controller never claims more than the path carried while
 * the sender was application-limited.
 *
 * <p>Consecutive, non-overlapping windows count every packet exactly once. (A window sliding to
 * end at the newest arrival would not: the newest arrival always closes a frame's burst, so such
 * a window holds one frame too many on average, a bias of several percent.) A gap of more than a
 * window without arrivals (idle sender, outage) starts a fresh window without a sample.
 *
 * <p>Thread-safety: not thread-safe. Allocation-free.
 */
public final class AckedBitrateEstimator {

    private final long windowNs;
    private final double newSampleWeight;
    private boolean started;
    private long windowStartNs;
    private long windowBytes;
    private boolean haveEstimate;
    private double estimateBps;
    private double lastSampleBps;

    /**
     * @param windowNs the sample window in ns, &gt; 0
     * @param newSampleWeight weight of each new window's sample in the average, in (0, 1]
     */
    public AckedBitrateEstimator(long windowNs, double newSampleWeight) {
        if (windowNs <= 0) {
            throw new IllegalArgumentException("windowNs must be > 0: " + windowNs);
        }
        if (!(newSampleWeight > 0 && newSampleWeight <= 1)) {
            throw new IllegalArgumentException("newSampleWeight must be in (0, 1]: " + newSampleWeight);
        }
        this.windowNs = windowNs;
        this.newSampleWeight = newSampleWeight;
    }

    /**
     * @param arrivalTimeNs receiver clock
     * @param sizeBytes size of the acknowledged packet
     */
    public void add(long arrivalTimeNs, int sizeBytes) {
        if (!started) {
            started = true;
            windowStartNs = arrivalTimeNs;
            windowBytes = 0;
        }
        long elapsedNs = arrivalTimeNs - windowStartNs;
        if (elapsedNs >= windowNs) {
            if (elapsedNs < 2 * windowNs) {
                double sampleBps = windowBytes * 8e9 / windowNs;
                lastSampleBps = sampleBps;
                estimateBps = haveEstimate ? estimateBps + newSampleWeight * (sampleBps - estimateBps) : sampleBps;
                haveEstimate = true;
                windowStartNs += windowNs;
            } else {
                windowStartNs = arrivalTimeNs;
            }
            windowBytes = 0;
        }
        windowBytes += sizeBytes;
    }

    /** @return the acknowledged bitrate in bit/s, or -1 before the first window closed */
    public long bitrateBps() {
        return haveEstimate ? (long) estimateBps : -1;
    }

    /** @return the last closed window's sample in bit/s, or -1 before the first window closed */
    public long latestSampleBps() {
        return haveEstimate ? (long) lastSampleBps : -1;
    }

    /**
     * @return the smaller of the average and the last window's sample, in bit/s, or -1: reacts
     *     within one window when the path suddenly delivers less (the average takes several)
     */
    public long conservativeBitrateBps() {
        return haveEstimate ? (long) Math.min(estimateBps, lastSampleBps) : -1;
    }
}
