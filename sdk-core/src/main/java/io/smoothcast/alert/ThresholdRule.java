package io.smoothcast.alert;

/**
 * Raises one alert per subject (a stream at one endpoint, or a node) whose samples meet the
 * {@link AlertCondition}; clears it when the condition clears or the subject stops reporting.
 * Suits endpoint-side rules (a viewer watching itself) and rules about the broadcaster or a node;
 * on a relay with many viewers, prefer a {@link GroupRule} to get one alert per region or stream
 * instead of one per viewer.
 *
 * <p>Immutable; thread-safe.
 */
public final class ThresholdRule extends RuleIdentity implements AlertRule {

    private final AlertCondition condition;
    private final String description;

    private ThresholdRule(String id, Severity severity, AlertCondition condition, String description) {
        super(id, severity);
        this.condition = RuleChecks.requireNonNull(condition, "condition");
        this.description = RuleChecks.requireNonNull(description, "description");
    }

    /**
     * @param id the rule's identifier; not empty
     * @param severity the alerts' severity; not null
     * @param condition when a subject is in breach; not null
     * @param description a one-line description; not null
     * @return the rule
     */
    public static ThresholdRule of(String id, Severity severity, AlertCondition condition, String description) {
        return new ThresholdRule(id, severity, condition, description);
    }

    @Override
    public String description() {
        return description;
    }

    /** @return when a subject is in breach */
    public AlertCondition condition() {
        return condition;
    }

    @Override
    public String toString() {
        return "ThresholdRule[" + id() + ", " + severity() + ", " + condition + "]";
    }
}
