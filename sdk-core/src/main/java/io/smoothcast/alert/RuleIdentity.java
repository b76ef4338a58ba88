package io.smoothcast.alert;

/**
 * What every {@link AlertRule} has the same way: a validated identifier and severity.
 * Package-private so {@link AlertRule}'s three implementations stay the only API; it does not
 * implement {@link AlertRule} itself, so that interface still permits exactly those three.
 *
 * <p>Immutable; thread-safe.
 */
abstract sealed class RuleIdentity permits ThresholdRule, GroupRule, NoMediaRule {

    private final String id;
    private final Severity severity;

    /**
     * @param id the rule's identifier; not empty
     * @param severity the alerts' severity; not null
     * @throws IllegalArgumentException if {@code id} is null or empty, or {@code severity} is null
     */
    RuleIdentity(String id, Severity severity) {
        this.id = RuleChecks.requireId(id);
        this.severity = RuleChecks.requireNonNull(severity, "severity");
    }

    /** @return the rule's identifier, unique within an evaluator (for example "stream-down") */
    public final String id() {
        return id;
    }

    /** @return the severity of the alerts it raises */
    public final Severity severity() {
        return severity;
    }
}
