package io.smoothcast.stats;

/**
 * Periodic sampler for a sent stream: the caller keeps cumulative counters in a
 * {@link SendStreamStats.Builder}; {@link #sample(SendStreamStats.Builder, long)} fills in
 * {@code bitrateOutBps} (8 x bytes sent / seconds) and {@code framesPerSecond} (frames encoded /
 * seconds) over the interval since the previous sample (NaN on the first) and builds the
 * snapshot. The receiver-reported values (loss fraction, jitter, RTT) and the target bitrate are
 * taken from the builder as set.
 *
 * <p>Not thread-safe: one instance per stream and endpoint, used by the sampling thread.
 */
public final class SendStatsSampler {

    private final SamplingSchedule schedule;
    private final IntervalCounter bytes = new IntervalCounter();
    private final IntervalCounter frames = new IntervalCounter();

    /** Creates a sampler with {@link ReceiveStatsSampler#DEFAULT_INTERVAL_NS}. */
    public SendStatsSampler() {
        this(ReceiveStatsSampler.DEFAULT_INTERVAL_NS);
    }

    /**
     * @param intervalNs the sampling period, nanoseconds; > 0
     */
    public SendStatsSampler(long intervalNs) {
        this.schedule = new SamplingSchedule(intervalNs);
    }

    /** @return the sampling period, nanoseconds */
    public long intervalNs() {
        return schedule.intervalNs();
    }

    /**
     * @param nowNs the current instant, monotonic nanoseconds
     * @return true if no sample was taken yet or a full interval has passed since the last one
     */
    public boolean isDue(long nowNs) {
        return schedule.isDue(nowNs);
    }

    /**
     * Takes a sample; overwrites the builder's timestamp, bitrate and frame rate, then builds.
     *
     * @param counters the stream's cumulative counters and current measurements; not null
     * @param nowNs the current instant, monotonic nanoseconds
     * @return the snapshot
     * @throws IllegalArgumentException if {@code counters} is null or holds an invalid value
     */
    public SendStreamStats sample(SendStreamStats.Builder counters, long nowNs) {
        if (counters == null) {
            throw new IllegalArgumentException("counters must not be null");
        }
        boolean measured = bytes.update(counters.bytesSent(), nowNs);
        frames.update(counters.framesEncoded(), nowNs);
        schedule.sampled(nowNs);
        counters.timestampNs(nowNs)
                .bitrateOutBps(measured ? bytes.perSecond() * 8 : Double.NaN)
                .framesPerSecond(measured ? frames.perSecond() : Double.NaN);
        return counters.build();
    }
}
