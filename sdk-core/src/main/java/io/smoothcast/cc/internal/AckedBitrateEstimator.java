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
 * <p>Packets acknowledged {@linkplain #addUntimed without an arrival time} (read late after a
 * stall of the receiver's thread) arrived after the previous timed arrival and before the next
 * one; nothing more is known. Their bytes are held until the next timed arrival. If that arrival
 * stays in the current window, they belong to it. If it closes the window, one sample covers the
 * whole span from the window's start to that arrival (all its bytes, timed and untimed, over its
 * measured length), so the path's rate during a stall is measured rather than lost (a gap of more
 * than two windows would otherwise give no sample at all) and no arrival time is invented. A span
 * longer than {@value #MAX_UNTIMED_SPAN_WINDOWS} windows gives no sample (the sender may have
 * been idle in it).
 *
 * <p>A span in which the sender sent nothing for reasons of its own (its thread stalled) is no
 * measurement of the path: {@link #skipIdleBefore} takes the time since the previous timed
 * arrival out of the current window, which then spans that much more receive time.
 *
 * <p>Thread-safety: not thread-safe. Allocation-free.
 */
public final class AckedBitrateEstimator {

    /** Longest span, in windows, that untimed arrivals may be averaged over. */
    static final int MAX_UNTIMED_SPAN_WINDOWS = 10;

    private final long windowNs;
    private final double newSampleWeight;
    private boolean started;
    private long windowStartNs;
    private long windowBytes;
    /** Bytes acknowledged without an arrival time since the last timed arrival. */
    private long untimedBytes;
    private long lastArrivalNs;
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
            lastArrivalNs = arrivalTimeNs;
            windowBytes = 0;
        }
        if (arrivalTimeNs - lastArrivalNs > 0) {
            lastArrivalNs = arrivalTimeNs;
        }
        long elapsedNs = arrivalTimeNs - windowStartNs;
        if (untimedBytes > 0) {
            addAfterUntimed(arrivalTimeNs, elapsedNs, sizeBytes);
            return;
        }
        if (elapsedNs >= windowNs) {
            if (elapsedNs < 2 * windowNs) {
                addSample(windowBytes * 8e9 / windowNs);
                windowStartNs += windowNs;
            } else {
                windowStartNs = arrivalTimeNs;
            }
            windowBytes = 0;
        }
        windowBytes += sizeBytes;
    }

    /**
     * Counts a packet acknowledged without an arrival time: it arrived after the last timed
     * arrival and before the next one. Before the first timed arrival there is no span to put it
     * in, and it is not counted.
     *
     * @param sizeBytes size of the acknowledged packet
     */
    public void addUntimed(int sizeBytes) {
        if (started) {
            untimedBytes += sizeBytes;
        }
    }

    /**
     * Takes the time between the previous timed arrival and {@code arrivalTimeNs} out of the
     * current window: the sender sent nothing then (its own stall), so the path was not observed.
     * Call it before {@link #add} for that arrival.
     *
     * @param arrivalTimeNs the arrival time of the first packet sent after the sender's gap
     *     (receiver clock)
     */
    public void skipIdleBefore(long arrivalTimeNs) {
        if (started && arrivalTimeNs - lastArrivalNs > 0) {
            windowStartNs += arrivalTimeNs - lastArrivalNs;
            lastArrivalNs = arrivalTimeNs;
        }
    }

    private void addAfterUntimed(long arrivalTimeNs, long elapsedNs, int sizeBytes) {
        long spanBytes = windowBytes + untimedBytes;
        untimedBytes = 0;
        if (elapsedNs < windowNs) {
            windowBytes = spanBytes + sizeBytes;
            return;
        }
        if (elapsedNs <= MAX_UNTIMED_SPAN_WINDOWS * windowNs) {
            addSample(spanBytes * 8e9 / elapsedNs);
        }
        windowStartNs = arrivalTimeNs;
        windowBytes = sizeBytes;
    }

    private void addSample(double sampleBps) {
        lastSampleBps = sampleBps;
        estimateBps = haveEstimate ? estimateBps + newSampleWeight * (sampleBps - estimateBps) : sampleBps;
        haveEstimate = true;
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
