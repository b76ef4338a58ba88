package io.smoothcast.alert;

import io.smoothcast.quality.QualityLevel;
import java.util.List;

/**
 * The default rule set, one rule per situation of the P0-P3 scale. Samples are expected every
 * 2 s, so "3 of 5 samples" means "in 3 of the last 10 s or so". Constants name every threshold;
 * build your own list (with these rules or not) to tune them.
 *
 * <table>
 *   <caption>Default rules</caption>
 *   <tr><th>id</th><th>grade</th><th>raises when</th><th>clears when</th></tr>
 *   <tr><td>stream-down</td><td>P0</td><td>no endpoint received media of the stream for 5 s</td>
 *       <td>media flows again</td></tr>
 *   <tr><td>stall-rate-high</td><td>P1</td><td>at least half the viewers of a stream have a stall
 *       rate above 5 % in 3 of 5 samples</td><td>fewer than a quarter still do (a viewer recovers
 *       after 5 samples at or below 2 %)</td></tr>
 *   <tr><td>audio-only-fallback</td><td>P1</td><td>the broadcaster sends audio only</td>
 *       <td>video is back for 2 samples</td></tr>
 *   <tr><td>region-all-degraded</td><td>P1</td><td>every viewer of a region (at least 3) is at
 *       quality BAD or worse in 2 of 3 samples</td><td>fewer than 75 % are</td></tr>
 *   <tr><td>region-some-degraded</td><td>P2</td><td>at least 2 viewers and 25 % of a region are
 *       at BAD or worse</td><td>fewer than 10 % (or fewer than 2) are</td></tr>
 *   <tr><td>stream-some-degraded</td><td>P2</td><td>at least 2 viewers and 10 % of a stream are
 *       at BAD or worse</td><td>fewer than 5 % (or fewer than 2) are</td></tr>
 *   <tr><td>send-backlog</td><td>P2</td><td>a broadcaster's frames waited more than 500 ms in
 *       its own send queue and pacer in 3 of 5 samples (it hands in more than the path carries,
 *       or its I/O thread is starved): every viewer is that much behind, or, at its send-delay
 *       limit, loses frames</td><td>at or below 200 ms in 3 samples in a row</td></tr>
 *   <tr><td>jitter-elevated</td><td>P3</td><td>20 % of the viewers in a region have jitter above
 *       30 ms in 3 of 5 samples</td><td>fewer than 10 % (a viewer recovers at or below 20 ms)</td></tr>
 *   <tr><td>rtt-elevated</td><td>P3</td><td>20 % of the viewers in a region have RTT above
 *       400 ms in 3 of 5 samples</td><td>fewer than 10 % (a viewer recovers at or below 300 ms)</td></tr>
 * </table>
 * Both P1 "region-all-degraded" and P2 "region-some-degraded" hold when a whole region is
 * degraded; each is reported, so a report sees the P2 start and the escalation.
 *
 * <p>Stateless; thread-safe (rules are immutable).
 */
public final class DefaultAlertRules {

    /** P0: time without media before a stream is down, ns. */
    public static final long STREAM_DOWN_NO_MEDIA_NS = NoMediaRule.DEFAULT_NO_MEDIA_NS;
    /** P1: stall rate above which a viewer is stalling. */
    public static final double STALL_RATE_THRESHOLD = 0.05;
    /** P1: stall rate at or below which a stalling viewer recovers. */
    public static final double STALL_RATE_CLEAR = 0.02;
    /** Quality level from which a viewer counts as degraded. */
    public static final QualityLevel DEGRADED_LEVEL = QualityLevel.BAD;
    /**
     * P2: a broadcaster's send backlog above which it is behind, ms: half the broadcaster's
     * default send-delay limit (1 s), so the alert comes before frames are dropped for their age.
     */
    public static final double SEND_BACKLOG_THRESHOLD_MS = 500;
    /** P2: send backlog at or below which the broadcaster has caught up, ms. */
    public static final double SEND_BACKLOG_CLEAR_MS = 200;
    /** P3: jitter above which a viewer's jitter is elevated, ms. */
    public static final double JITTER_THRESHOLD_MS = 30;
    /** P3: jitter at or below which it is back to normal, ms. */
    public static final double JITTER_CLEAR_MS = 20;
    /** P3: RTT above which a viewer's RTT is elevated, ms. */
    public static final double RTT_THRESHOLD_MS = 400;
    /** P3: RTT at or below which it is back to normal, ms. */
    public static final double RTT_CLEAR_MS = 300;

    private DefaultAlertRules() {
    }

    /** @return a new list of the default rules, in the order of the table above */
    public static List<AlertRule> create() {
        AlertCondition stalling = AlertCondition.when(Metric.STALL_RATE, Comparison.ABOVE, STALL_RATE_THRESHOLD)
                .clearThreshold(STALL_RATE_CLEAR).kOfN(3, 5).sources(SampleSource.RECEIVE).build();
        AlertCondition degraded = AlertCondition.when(Metric.QUALITY_LEVEL, Comparison.AT_OR_ABOVE,
                DEGRADED_LEVEL.value()).kOfN(2, 3).sources(SampleSource.RECEIVE).build();
        AlertCondition jitter = AlertCondition.when(Metric.JITTER_MS, Comparison.ABOVE, JITTER_THRESHOLD_MS)
                .clearThreshold(JITTER_CLEAR_MS).kOfN(3, 5).sources(SampleSource.RECEIVE).build();
        AlertCondition rtt = AlertCondition.when(Metric.RTT_MS, Comparison.ABOVE, RTT_THRESHOLD_MS)
                .clearThreshold(RTT_CLEAR_MS).kOfN(3, 5).sources(SampleSource.RECEIVE).build();
        AlertCondition audioOnly = AlertCondition.when(Metric.AUDIO_ONLY, Comparison.AT_OR_ABOVE, 1)
                .clearThreshold(1).clearCount(2).sources(SampleSource.SEND).build();
        AlertCondition sendBacklog = AlertCondition.when(Metric.SEND_DELAY_MAX_MS, Comparison.ABOVE,
                SEND_BACKLOG_THRESHOLD_MS).clearThreshold(SEND_BACKLOG_CLEAR_MS).kOfN(3, 5).clearCount(3)
                .sources(SampleSource.SEND).build();
        return List.of(
                NoMediaRule.of("stream-down", Severity.P0, STREAM_DOWN_NO_MEDIA_NS),
                GroupRule.builder("stall-rate-high", Severity.P1, stalling).groupBy(GroupBy.STREAM)
                        .raiseFraction(0.5).clearFraction(0.25)
                        .description("half the viewers of a stream stall more than 5 % of the time").build(),
                ThresholdRule.of("audio-only-fallback", Severity.P1, audioOnly,
                        "the broadcaster fell back to audio only"),
                GroupRule.builder("region-all-degraded", Severity.P1, degraded).groupBy(GroupBy.REGION)
                        .raiseFraction(1.0).clearFraction(0.75).minMembers(3)
                        .description("all viewers of a region at quality BAD or worse").build(),
                GroupRule.builder("region-some-degraded", Severity.P2, degraded).groupBy(GroupBy.REGION)
                        .raiseFraction(0.25).clearFraction(0.10).minDegraded(2)
                        .description("some viewers of a region at quality BAD or worse").build(),
                GroupRule.builder("stream-some-degraded", Severity.P2, degraded).groupBy(GroupBy.STREAM)
                        .raiseFraction(0.10).clearFraction(0.05).minDegraded(2)
                        .description("some viewers of a stream at quality BAD or worse").build(),
                ThresholdRule.of("send-backlog", Severity.P2, sendBacklog,
                        "the broadcaster's frames wait in its own send queue and pacer"),
                GroupRule.builder("jitter-elevated", Severity.P3, jitter).groupBy(GroupBy.REGION)
                        .raiseFraction(0.2).clearFraction(0.1)
                        .description("elevated jitter among the viewers of a region").build(),
                GroupRule.builder("rtt-elevated", Severity.P3, rtt).groupBy(GroupBy.REGION)
                        .raiseFraction(0.2).clearFraction(0.1)
                        .description("elevated RTT among the viewers of a region").build());
    }
}
