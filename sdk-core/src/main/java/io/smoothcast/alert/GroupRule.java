package io.smoothcast.alert;

/**
 * Raises one alert per group (see {@link GroupBy}) when enough of its members are degraded. A
 * member is a subject that reported the condition's metric within the evaluator's subject
 * timeout; it is degraded while its own {@link AlertCondition} is raised (k of n, hysteresis).
 *
 * <p>The group's alert rises when all of these hold:
 * {@code members >= minMembers}, {@code degraded >= minDegraded} and
 * {@code degraded / members >= raiseFraction}; it clears when
 * {@code degraded / members < clearFraction} or {@code degraded < minDegraded} (so
 * {@code clearFraction <= raiseFraction} gives hysteresis on the group level too). Examples:
 * <ul>
 *   <li>"all viewers of a region degraded": {@code groupBy(REGION)}, {@code raiseFraction(1.0)},
 *       {@code clearFraction(0.75)}, {@code minMembers(3)};</li>
 *   <li>"some viewers of a stream degraded": {@code groupBy(STREAM)},
 *       {@code raiseFraction(0.1)}, {@code clearFraction(0.05)}, {@code minDegraded(2)}.</li>
 * </ul>
 * Members join a group when they first report, so right after start a group may hold only the
 * first reporters; "all members" rules need {@code minMembers} so that one early degraded member
 * does not count as the whole group.
 * The alert's value is the degraded fraction and its threshold the raise fraction; it also
 * carries the member and degraded counts.
 *
 * <p>Immutable; thread-safe. Build with {@link #builder(String, Severity, AlertCondition)}.
 */
public final class GroupRule extends RuleIdentity implements AlertRule {

    private final AlertCondition condition;
    private final String description;
    private final GroupBy groupBy;
    private final double raiseFraction;
    private final double clearFraction;
    private final int minMembers;
    private final int minDegraded;

    private GroupRule(Builder b) {
        super(b.id, b.severity);
        this.condition = b.condition;
        this.description = b.description;
        this.groupBy = b.groupBy;
        this.raiseFraction = b.raiseFraction;
        this.clearFraction = b.clearFraction;
        this.minMembers = b.minMembers;
        this.minDegraded = b.minDegraded;
    }

    /**
     * Starts a group rule (defaults: by STREAM, raise at fraction 1.0, clear below 1.0, at least
     * one member and one degraded member).
     *
     * @param id the rule's identifier; not empty
     * @param severity the alerts' severity; not null
     * @param condition when one member is degraded; not null
     * @return a builder
     */
    public static Builder builder(String id, Severity severity, AlertCondition condition) {
        return new Builder(id, severity, condition);
    }

    @Override
    public String description() {
        return description;
    }

    /** @return when one member is degraded */
    public AlertCondition condition() {
        return condition;
    }

    /** @return how members are grouped */
    public GroupBy groupBy() {
        return groupBy;
    }

    /** @return the degraded fraction (0-1) at or above which the alert rises */
    public double raiseFraction() {
        return raiseFraction;
    }

    /** @return the degraded fraction (0-1) below which the alert clears */
    public double clearFraction() {
        return clearFraction;
    }

    /** @return the fewest members a group needs before it can raise */
    public int minMembers() {
        return minMembers;
    }

    /** @return the fewest degraded members needed to raise (and to stay raised) */
    public int minDegraded() {
        return minDegraded;
    }

    /**
     * @param members current members of a group
     * @param degraded how many of them are degraded
     * @return true if an inactive group should raise
     */
    boolean shouldRaise(int members, int degraded) {
        return members >= minMembers && degraded >= minDegraded && degraded >= raiseFraction * members;
    }

    /**
     * @param members current members of a group
     * @param degraded how many of them are degraded
     * @return true if an active group should clear
     */
    boolean shouldClear(int members, int degraded) {
        return members == 0 || degraded < minDegraded || degraded < clearFraction * members;
    }

    @Override
    public String toString() {
        return "GroupRule[" + id() + ", " + severity() + ", by " + groupBy + ", raise at " + raiseFraction
                + ", clear below " + clearFraction + ", " + condition + "]";
    }

    /** Collects a group rule. Not thread-safe. */
    public static final class Builder {
        private final String id;
        private final Severity severity;
        private final AlertCondition condition;
        private String description;
        private GroupBy groupBy = GroupBy.STREAM;
        private double raiseFraction = 1.0;
        private double clearFraction = 1.0;
        private int minMembers = 1;
        private int minDegraded = 1;

        private Builder(String id, Severity severity, AlertCondition condition) {
            this.id = RuleChecks.requireId(id);
            this.severity = RuleChecks.requireNonNull(severity, "severity");
            this.condition = RuleChecks.requireNonNull(condition, "condition");
            this.description = condition.toString();
        }

        /**
         * @param v a one-line description; not null
         * @return this builder
         */
        public Builder description(String v) {
            description = RuleChecks.requireNonNull(v, "description");
            return this;
        }

        /**
         * @param v how members are grouped; not null
         * @return this builder
         */
        public Builder groupBy(GroupBy v) {
            groupBy = RuleChecks.requireNonNull(v, "groupBy");
            return this;
        }

        /**
         * Sets the raise fraction; the clear fraction is lowered to it if it was higher.
         *
         * @param v degraded fraction at or above which the alert rises; in [0, 1]
         * @return this builder
         */
        public Builder raiseFraction(double v) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException("raiseFraction must be in [0, 1]: " + v);
            }
            raiseFraction = v;
            clearFraction = Math.min(clearFraction, v);
            return this;
        }

        /**
         * @param v degraded fraction below which the alert clears; in [0, raiseFraction]
         * @return this builder
         */
        public Builder clearFraction(double v) {
            if (!(v >= 0 && v <= raiseFraction)) {
                throw new IllegalArgumentException("clearFraction must be in [0, raiseFraction=" + raiseFraction
                        + "]: " + v);
            }
            clearFraction = v;
            return this;
        }

        /**
         * @param v fewest members before the group can raise; >= 1
         * @return this builder
         */
        public Builder minMembers(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("minMembers must be >= 1: " + v);
            }
            minMembers = v;
            return this;
        }

        /**
         * @param v fewest degraded members to raise and stay raised; >= 1
         * @return this builder
         */
        public Builder minDegraded(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("minDegraded must be >= 1: " + v);
            }
            minDegraded = v;
            return this;
        }

        /** @return the rule */
        public GroupRule build() {
            return new GroupRule(this);
        }
    }
}
