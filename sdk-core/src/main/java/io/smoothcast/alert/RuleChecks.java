package io.smoothcast.alert;

/** Argument checks shared by the rules. */
final class RuleChecks {

    private RuleChecks() {
    }

    static String requireId(String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("id must be a non-empty string: " + id);
        }
        return id;
    }

    static <T> T requireNonNull(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }
}
