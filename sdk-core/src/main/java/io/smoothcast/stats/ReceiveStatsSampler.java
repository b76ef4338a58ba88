package io.smoothcast.stats;

/**
 * Periodic sampler for a received stream: the caller keeps the cumulative counters in a
 * {@link ReceiveStreamStats.Builder} and, when {@link #isDue(long)}, calls
 * {@link #sample(ReceiveStreamStats.Builder, long)}; the sampler fills in the interval values
 * and builds the snapshot.
 *
 * <p>Interval values, all over the interval since the previous sample:
 * <ul>
 *   <li>{@code bitrateInBps} = 8 x bytes received / seconds;</li>
 *   <li>{@code lossFractionBeforeRecovery} = lost / (received + lost), and
 *       {@code lossFractionAfterRecovery} = lost after recovery / (received + lost), NaN when no
 *       packet was expected;</li>
 *   <li>{@code framesPerSecond} = frames decoded / seconds;</li>
 *   <li>{@code stallRate} = milliseconds frozen / milliseconds elapsed, at most 1.</li>
 * </ul>
 * On the first sample (no previous one) these are NaN. Other values (jitter, RTT, latency, ...)
 * are taken from the builder as the caller set them.
 *
 * <p>Not thread-safe: one instance per stream and endpoint, used by the sampling thread (not the
 * media thread). Allocates only the snapshot.
 */
public final class ReceiveStatsSampler {

    /** The interval the quality levels are defined over: 2 s. */
    public static final long DEFAULT_INTERVAL_NS = 2_000_000_000L;

    private final SamplingSchedule schedule;
    private final IntervalCounter bytes = new IntervalCounter();
    private final IntervalCounter received = new IntervalCounter();
    private final IntervalCounter lost = new IntervalCounter();
    private final IntervalCounter lostAfterRecovery = new IntervalCounter();
    private final IntervalCounter frames = new IntervalCounter();
    private final IntervalCounter frozenMs = new IntervalCounter();

    /** Creates a sampler with {@link #DEFAULT_INTERVAL_NS}. */
    public ReceiveStatsSampler() {
        this(DEFAULT_INTERVAL_NS);
    }

    /**
     * @param intervalNs the sampling period, nanoseconds; > 0
     */
    public ReceiveStatsSampler(long intervalNs) {
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
     * Takes a sample. Overwrites the builder's timestamp and interval values (see the class
     * description), then builds.
     *
     * @param counters the stream's cumulative counters and current measurements; not null
     * @param nowNs the current instant, monotonic nanoseconds
     * @return the snapshot
     * @throws IllegalArgumentException if {@code counters} is null or holds an invalid value
     */
    public ReceiveStreamStats sample(ReceiveStreamStats.Builder counters, long nowNs) {
        if (counters == null) {
            throw new IllegalArgumentException("counters must not be null");
        }
        boolean measured = bytes.update(counters.bytesReceived(), nowNs);
        received.update(counters.packetsReceived(), nowNs);
        lost.update(counters.packetsLost(), nowNs);
        lostAfterRecovery.update(counters.packetsLostAfterRecovery(), nowNs);
        frames.update(counters.framesDecoded(), nowNs);
        frozenMs.update(counters.totalFreezesDurationMs(), nowNs);
        schedule.sampled(nowNs);

        counters.timestampNs(nowNs);
        if (!measured) {
            counters.bitrateInBps(Double.NaN)
                    .lossFractionBeforeRecovery(Double.NaN)
                    .lossFractionAfterRecovery(Double.NaN)
                    .framesPerSecond(Double.NaN)
                    .stallRate(Double.NaN);
            return counters.build();
        }
        long expected = received.delta() + lost.delta();
        double intervalMs = bytes.intervalNs() / 1e6;
        counters.bitrateInBps(bytes.perSecond() * 8)
                .lossFractionBeforeRecovery(expected == 0 ? Double.NaN : fraction(lost.delta(), expected))
                .lossFractionAfterRecovery(
                        expected == 0 ? Double.NaN : fraction(lostAfterRecovery.delta(), expected))
                .framesPerSecond(frames.perSecond())
                .stallRate(Math.min(1.0, frozenMs.delta() / intervalMs));
        return counters.build();
    }

    private static double fraction(long part, long whole) {
        return Math.min(1.0, (double) part / whole);
    }
}
