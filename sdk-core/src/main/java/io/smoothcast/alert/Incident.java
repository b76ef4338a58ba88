package io.smoothcast.alert;

import io.smoothcast.stats.StatsTimes;

/**
 * One alert from raise to clear, measured against its severity's targets: what reports count
 * and chart (time to recover against {@link Severity#restoreTarget()}).
 *
 * <p>Immutable record; thread-safe.
 *
 * @param raised the RAISED event
 * @param clearedTimeNs when it cleared, monotonic nanoseconds, or {@link StatsTimes#NEVER} while
 *     open
 */
public record Incident(AlertEvent raised, long clearedTimeNs) {

    /**
     * Checks that {@code raised} is a RAISED event.
     *
     * @param raised the RAISED event
     * @param clearedTimeNs when it cleared, monotonic nanoseconds, or {@link StatsTimes#NEVER} while open
     */
    public Incident {
        if (raised == null || raised.type() != AlertEvent.Type.RAISED) {
            throw new IllegalArgumentException("raised must be a RAISED event: " + raised);
        }
    }

    /** @return the incident id shared by its events */
    public long incidentId() {
        return raised.incidentId();
    }

    /** @return the severity */
    public Severity severity() {
        return raised.severity();
    }

    /** @return true until the alert clears */
    public boolean isOpen() {
        return clearedTimeNs == StatsTimes.NEVER;
    }

    /**
     * @return nanoseconds from raise to clear
     * @throws IllegalStateException while the incident is open
     */
    public long timeToRecoverNs() {
        if (isOpen()) {
            throw new IllegalStateException("incident " + incidentId() + " is still open");
        }
        return clearedTimeNs - raised.timeNs();
    }

    /**
     * @return true if the incident cleared within its severity's restore target; false while
     *     open
     */
    public boolean metRestoreTarget() {
        return !isOpen() && timeToRecoverNs() <= severity().restoreTarget().toNanos();
    }

    /**
     * Whether an incident has outlived its restore target at some instant (for open incidents).
     *
     * @param nowNs the instant, monotonic nanoseconds
     * @return true if it was not cleared within the restore target counted from its raise
     */
    public boolean restoreTargetMissedAt(long nowNs) {
        long endNs = isOpen() ? nowNs : clearedTimeNs;
        return endNs - raised.timeNs() > severity().restoreTarget().toNanos();
    }

    /** @return by when someone should respond: raise time plus the response target, nanoseconds */
    public long responseDeadlineNs() {
        return raised.timeNs() + severity().responseTarget().toNanos();
    }
}
