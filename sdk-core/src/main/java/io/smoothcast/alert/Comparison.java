package io.smoothcast.alert;

/**
 * How a sample is compared with a rule's threshold. A NaN value never matches.
 *
 * <p>Immutable; thread-safe.
 */
public enum Comparison {
    /** Breaches when {@code value > threshold}. */
    ABOVE,
    /** Breaches when {@code value >= threshold}. */
    AT_OR_ABOVE,
    /** Breaches when {@code value < threshold}. */
    BELOW,
    /** Breaches when {@code value <= threshold}. */
    AT_OR_BELOW;

    /**
     * @param value the sample's value
     * @param threshold the threshold
     * @return true if {@code value} is beyond {@code threshold} in this comparison's sense
     */
    public boolean matches(double value, double threshold) {
        if (Double.isNaN(value)) {
            return false;
        }
        return switch (this) {
            case ABOVE -> value > threshold;
            case AT_OR_ABOVE -> value >= threshold;
            case BELOW -> value < threshold;
            case AT_OR_BELOW -> value <= threshold;
        };
    }

    /** @return true for ABOVE and AT_OR_ABOVE: larger values are worse */
    public boolean higherIsWorse() {
        return this == ABOVE || this == AT_OR_ABOVE;
    }

    /** @return the operator as text, for messages: "&gt;", "&gt;=", "&lt;", "&lt;=" */
    public String symbol() {
        return switch (this) {
            case ABOVE -> ">";
            case AT_OR_ABOVE -> ">=";
            case BELOW -> "<";
            case AT_OR_BELOW -> "<=";
        };
    }
}
