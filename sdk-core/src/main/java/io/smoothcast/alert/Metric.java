package io.smoothcast.alert;

import io.smoothcast.quality.QualityGrader;
import io.smoothcast.quality.QualityLevel;
import io.smoothcast.quality.QualitySample;
import io.smoothcast.stats.NodeStats;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.stats.SendStreamStats;
import io.smoothcast.stats.StatsTimes;
import java.util.function.ToDoubleFunction;

/**
 * A named quantity that alert rules compare with thresholds, and how to read it from each kind
 * of snapshot. A metric that cannot be read from a snapshot kind (no reader, or the reader
 * returns NaN) yields no sample for it.
 *
 * <p>The built-in metrics read the snapshots of {@link io.smoothcast.stats}; define others with
 * {@link #builder(String, String)}, or with {@link #custom(String, String)} for values fed
 * through {@link AlertEvaluator#onSample}. Metrics are equal when their names are equal.
 *
 * <p>Immutable; thread-safe (readers must be pure functions).
 */
public final class Metric {

    /** Round-trip time, milliseconds (receive and send). */
    public static final Metric RTT_MS = builder("rtt_ms", "ms")
            .receive(ReceiveStreamStats::roundTripTimeMs).send(SendStreamStats::roundTripTimeMs).build();
    /** Interarrival jitter, milliseconds (receive; send reads the receiver's report). */
    public static final Metric JITTER_MS = builder("jitter_ms", "ms")
            .receive(ReceiveStreamStats::jitterMs).send(SendStreamStats::jitterMs).build();
    /** Network loss before recovery in the interval, 0-1 (receive; send reads the report). */
    public static final Metric LOSS_BEFORE_RECOVERY = builder("loss_before_recovery", "ratio")
            .receive(ReceiveStreamStats::lossFractionBeforeRecovery).send(SendStreamStats::lossFraction).build();
    /** Loss left at playout after recovery in the interval, 0-1 (receive). */
    public static final Metric LOSS_AFTER_RECOVERY = builder("loss_after_recovery", "ratio")
            .receive(ReceiveStreamStats::lossFractionAfterRecovery).build();
    /** Capture-to-playout latency, milliseconds (receive). */
    public static final Metric E2E_LATENCY_MS = builder("e2e_latency_ms", "ms")
            .receive(ReceiveStreamStats::endToEndLatencyMs).build();
    /** Share of the interval spent frozen, 0-1 (receive). */
    public static final Metric STALL_RATE = builder("stall_rate", "ratio")
            .receive(ReceiveStreamStats::stallRate).build();
    /** Mean jitter buffer delay, milliseconds (receive). */
    public static final Metric JITTER_BUFFER_DELAY_MS = builder("jitter_buffer_delay_ms", "ms")
            .receive(ReceiveStreamStats::jitterBufferDelayMs).build();
    /** Frame rate, frames per second (receive: decoded; send: encoded). */
    public static final Metric FRAMES_PER_SECOND = builder("frames_per_second", "fps")
            .receive(ReceiveStreamStats::framesPerSecond).send(SendStreamStats::framesPerSecond).build();
    /** Received bitrate, bits per second (receive; node ingress). */
    public static final Metric BITRATE_IN_BPS = builder("bitrate_in_bps", "bps")
            .receive(ReceiveStreamStats::bitrateInBps).node(NodeStats::bitrateInBps).build();
    /** Sent bitrate, bits per second (send; node egress). */
    public static final Metric BITRATE_OUT_BPS = builder("bitrate_out_bps", "bps")
            .send(SendStreamStats::bitrateOutBps).node(NodeStats::bitrateOutBps).build();
    /** The congestion controller's target bitrate, bits per second (send). */
    public static final Metric TARGET_BITRATE_BPS = builder("target_bitrate_bps", "bps")
            .send(SendStreamStats::targetBitrateBps).build();
    /** 1 while the endpoint fell back to audio only, else 0 (receive and send). */
    public static final Metric AUDIO_ONLY = builder("audio_only", "flag")
            .receive(s -> s.audioOnly() ? 1 : 0).send(s -> s.audioOnly() ? 1 : 0).build();
    /**
     * A broadcaster's own send backlog: the longest wait of a frame in its send queue and pacer
     * over the last one to two seconds, milliseconds (send; not measured by relays).
     */
    public static final Metric SEND_DELAY_MAX_MS = builder("send_delay_max_ms", "ms")
            .send(SendStreamStats::sendDelayMaxMs).build();
    /** Node changes so far (receive and send). */
    public static final Metric FAILOVER_COUNT = builder("failover_count", "count")
            .receive(s -> s.failoverCount()).send(s -> s.failoverCount()).build();
    /** Time since the last media packet, milliseconds (receive); none before the first packet. */
    public static final Metric MEDIA_AGE_MS = builder("media_age_ms", "ms")
            .receive(s -> s.lastPacketReceivedNs() == StatsTimes.NEVER ? Double.NaN
                    : StatsTimes.ageNs(s.lastPacketReceivedNs(), s.timestampNs()) / 1e6)
            .build();
    /**
     * The 0-6 {@link QualityLevel} from {@link QualityGrader#defaults()} (receive and send);
     * UNKNOWN yields no sample. To grade with other thresholds, build a metric of your own:
     * {@code Metric.builder("quality_level_strict", "level").receive(s -> grader.grade(QualitySample.of(s)).value())}.
     */
    public static final Metric QUALITY_LEVEL = builder("quality_level", "level")
            .receive(s -> levelValue(QualityGrader.defaults().grade(QualitySample.of(s))))
            .send(s -> levelValue(QualityGrader.defaults().grade(QualitySample.of(s))))
            .build();
    /** Concurrent viewers over all streams of a node (node). */
    public static final Metric CONCURRENT_VIEWERS = builder("concurrent_viewers", "count")
            .node(s -> s.concurrentViewers()).build();

    private final String name;
    private final String unit;
    private final ToDoubleFunction<ReceiveStreamStats> receive;
    private final ToDoubleFunction<SendStreamStats> send;
    private final ToDoubleFunction<NodeStats> node;

    private Metric(Builder b) {
        this.name = b.name;
        this.unit = b.unit;
        this.receive = b.receive;
        this.send = b.send;
        this.node = b.node;
    }

    private static double levelValue(QualityLevel level) {
        return level == QualityLevel.UNKNOWN ? Double.NaN : level.value();
    }

    /**
     * Starts a metric read from snapshots.
     *
     * @param name a short snake_case name, unique among the metrics in use; not empty
     * @param unit the unit of its values, for messages ("ms", "ratio", "bps"); not empty
     * @return a builder
     */
    public static Builder builder(String name, String unit) {
        return new Builder(name, unit);
    }

    /**
     * A metric with no snapshot readers, fed through {@link AlertEvaluator#onSample}.
     *
     * @param name a short snake_case name; not empty
     * @param unit the unit of its values; not empty
     * @return the metric
     */
    public static Metric custom(String name, String unit) {
        return builder(name, unit).build();
    }

    /** @return the metric's name */
    public String name() {
        return name;
    }

    /** @return the unit of its values */
    public String unit() {
        return unit;
    }

    /**
     * @param stats a receive snapshot
     * @return the metric's value in it, NaN if it has none
     */
    public double read(ReceiveStreamStats stats) {
        if (stats == null) {
            throw new IllegalArgumentException("stats must not be null");
        }
        return receive == null ? Double.NaN : receive.applyAsDouble(stats);
    }

    /**
     * @param stats a send snapshot
     * @return the metric's value in it, NaN if it has none
     */
    public double read(SendStreamStats stats) {
        if (stats == null) {
            throw new IllegalArgumentException("stats must not be null");
        }
        return send == null ? Double.NaN : send.applyAsDouble(stats);
    }

    /**
     * @param stats a node snapshot
     * @return the metric's value in it, NaN if it has none
     */
    public double read(NodeStats stats) {
        if (stats == null) {
            throw new IllegalArgumentException("stats must not be null");
        }
        return node == null ? Double.NaN : node.applyAsDouble(stats);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Metric m && m.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }

    /** Collects a metric's readers. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final String unit;
        private ToDoubleFunction<ReceiveStreamStats> receive;
        private ToDoubleFunction<SendStreamStats> send;
        private ToDoubleFunction<NodeStats> node;

        private Builder(String name, String unit) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("name must not be empty: " + name);
            }
            if (unit == null || unit.isEmpty()) {
                throw new IllegalArgumentException("unit must not be empty: " + unit);
            }
            this.name = name;
            this.unit = unit;
        }

        /**
         * @param reader reads the value from a receive snapshot (NaN for none)
         * @return this builder
         */
        public Builder receive(ToDoubleFunction<ReceiveStreamStats> reader) {
            receive = reader;
            return this;
        }

        /**
         * @param reader reads the value from a send snapshot (NaN for none)
         * @return this builder
         */
        public Builder send(ToDoubleFunction<SendStreamStats> reader) {
            send = reader;
            return this;
        }

        /**
         * @param reader reads the value from a node snapshot (NaN for none)
         * @return this builder
         */
        public Builder node(ToDoubleFunction<NodeStats> reader) {
            node = reader;
            return this;
        }

        /** @return the metric */
        public Metric build() {
            return new Metric(this);
        }
    }
}
