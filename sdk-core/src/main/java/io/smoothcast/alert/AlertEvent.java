package io.smoothcast.alert;

/**
 * An alert was raised or cleared, with its cause. A RAISED event and the CLEARED event that ends
 * it share an {@code incidentId}; every RAISED event is followed by exactly one CLEARED event
 * (when the condition clears, the subject stops reporting, or the stream is removed).
 *
 * <p>Immutable record; thread-safe.
 *
 * @param type RAISED or CLEARED
 * @param incidentId pairs a RAISED event with its CLEARED event; unique per evaluator, from 1
 * @param ruleId the rule that fired
 * @param severity the rule's severity
 * @param metric the metric's name (for example "rtt_ms"; "degraded_fraction" for group rules,
 *     "media_age_ms" for no-media rules)
 * @param value the value that raised (or cleared) the alert, in the metric's unit; NaN when
 *     there was none (the subject stopped reporting)
 * @param threshold the threshold it was compared with: the raise threshold on RAISED, the clear
 *     threshold on CLEARED
 * @param streamId the stream concerned; "" if not stream-specific
 * @param endpointId the endpoint concerned; "" if not endpoint-specific
 * @param nodeId the node concerned; "" if not node-specific
 * @param region the region concerned; "" if not region-specific
 * @param timeNs when it happened, monotonic nanoseconds (a sample's timestamp or the tick's)
 * @param raisedTimeNs when the alert was raised (equal to {@code timeNs} on RAISED)
 * @param affected for group rules, degraded members; otherwise 1 while raised, 0 when cleared
 * @param members for group rules, members of the group; otherwise 1
 * @param detail a human-readable sentence describing the cause
 */
public record AlertEvent(
        Type type,
        long incidentId,
        String ruleId,
        Severity severity,
        String metric,
        double value,
        double threshold,
        String streamId,
        String endpointId,
        String nodeId,
        String region,
        long timeNs,
        long raisedTimeNs,
        int affected,
        int members,
        String detail) {

    /** Whether an alert started or ended. */
    public enum Type {
        /** The condition started to hold. */
        RAISED,
        /** The condition stopped holding. */
        CLEARED
    }

    /**
     * Rejects null fields and negative counts.
     *
     * @param type RAISED or CLEARED
     * @param incidentId pairs a RAISED event with its CLEARED event; unique per evaluator, from 1
     * @param ruleId the rule that fired
     * @param severity the rule's severity
     * @param metric the metric's name (for example "rtt_ms"; "degraded_fraction" for group rules, "media_age_ms" for no-media rules)
     * @param value the value that raised (or cleared) the alert, in the metric's unit; NaN when there was none (the subject stopped reporting)
     * @param threshold the threshold it was compared with: the raise threshold on RAISED, the clear threshold on CLEARED
     * @param streamId the stream concerned; "" if not stream-specific
     * @param endpointId the endpoint concerned; "" if not endpoint-specific
     * @param nodeId the node concerned; "" if not node-specific
     * @param region the region concerned; "" if not region-specific
     * @param timeNs when it happened, monotonic nanoseconds (a sample's timestamp or the tick's)
     * @param raisedTimeNs when the alert was raised (equal to {@code timeNs} on RAISED)
     * @param affected for group rules, degraded members; otherwise 1 while raised, 0 when cleared
     * @param members for group rules, members of the group; otherwise 1
     * @param detail a human-readable sentence describing the cause
     */
    public AlertEvent {
        if (type == null || ruleId == null || severity == null || metric == null || streamId == null
                || endpointId == null || nodeId == null || region == null || detail == null) {
            throw new IllegalArgumentException("AlertEvent fields must not be null");
        }
        if (affected < 0 || members < 0) {
            throw new IllegalArgumentException("affected and members must be >= 0: " + affected + ", " + members);
        }
    }

    /** @return how long the alert lasted, nanoseconds ({@code timeNs - raisedTimeNs}); 0 on RAISED */
    public long durationNs() {
        return timeNs - raisedTimeNs;
    }

    /** @return a one-line summary for logs and consoles */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(severity).append(' ').append(type).append(' ').append(ruleId).append(" #").append(incidentId);
        appendIfSet(sb, "stream", streamId);
        appendIfSet(sb, "endpoint", endpointId);
        appendIfSet(sb, "node", nodeId);
        appendIfSet(sb, "region", region);
        sb.append(": ").append(detail);
        return sb.toString();
    }

    private static void appendIfSet(StringBuilder sb, String name, String value) {
        if (!value.isEmpty()) {
            sb.append(' ').append(name).append('=').append(value);
        }
    }
}
