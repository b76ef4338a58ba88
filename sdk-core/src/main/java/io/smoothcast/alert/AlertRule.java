package io.smoothcast.alert;

/**
 * A rule the {@link AlertEvaluator} checks. Three kinds:
 * <ul>
 *   <li>{@link ThresholdRule}: one alert per subject whose samples meet an {@link AlertCondition};</li>
 *   <li>{@link GroupRule}: one alert per group (a stream, region or node) when enough of its
 *       subjects meet a condition, which expresses both "all viewers of a region degraded" and
 *       "some viewers degraded";</li>
 *   <li>{@link NoMediaRule}: one alert per stream when no media arrived for a while (P0).</li>
 * </ul>
 *
 * <p>Implementations are immutable; thread-safe.
 */
public sealed interface AlertRule permits ThresholdRule, GroupRule, NoMediaRule {

    /** @return the rule's identifier, unique within an evaluator (for example "stream-down") */
    String id();

    /** @return the severity of the alerts it raises */
    Severity severity();

    /** @return a one-line description of what it detects */
    String description();
}
