package io.smoothcast.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.stats.StatsTimes;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class IncidentTest {

    private static final long MINUTE_NS = 60_000_000_000L;

    private static AlertEvent event(AlertEvent.Type type, long id, Severity severity, long timeNs, long raisedNs) {
        return new AlertEvent(type, id, "rule", severity, "m", 1, 1, "s", "", "", "", timeNs, raisedNs,
                type == AlertEvent.Type.RAISED ? 1 : 0, 1, "d");
    }

    @Test
    void severityTargets_matchTheOperatorGrades() {
        assertEquals(Duration.ofMinutes(15), Severity.P0.responseTarget());
        assertEquals(Duration.ofHours(1), Severity.P0.restoreTarget());
        assertEquals(Duration.ofMinutes(30), Severity.P1.responseTarget());
        assertEquals(Duration.ofHours(4), Severity.P1.restoreTarget());
        assertEquals(Duration.ofHours(2), Severity.P2.responseTarget());
        assertEquals(Duration.ofHours(24), Severity.P2.restoreTarget());
        assertEquals(Duration.ofHours(24), Severity.P3.responseTarget());
    }

    @Test
    void restoreTarget_isMetUpToAndIncludingTheTarget() {
        AlertEvent raised = event(AlertEvent.Type.RAISED, 1, Severity.P0, 0, 0);
        Incident onTime = new Incident(raised, 60 * MINUTE_NS);
        assertTrue(onTime.metRestoreTarget());
        assertEquals(60 * MINUTE_NS, onTime.timeToRecoverNs());
        Incident late = new Incident(raised, 60 * MINUTE_NS + 1);
        assertFalse(late.metRestoreTarget());
        assertTrue(late.restoreTargetMissedAt(0));
        assertEquals(15 * MINUTE_NS, onTime.responseDeadlineNs());
    }

    @Test
    void openIncident_hasNoRecoveryTimeButCanMissItsTarget() {
        Incident open = new Incident(event(AlertEvent.Type.RAISED, 1, Severity.P1, 0, 0), StatsTimes.NEVER);
        assertTrue(open.isOpen());
        assertFalse(open.metRestoreTarget());
        assertThrows(IllegalStateException.class, open::timeToRecoverNs);
        assertFalse(open.restoreTargetMissedAt(4 * 60 * MINUTE_NS));
        assertTrue(open.restoreTargetMissedAt(4 * 60 * MINUTE_NS + 1));
    }

    @Test
    void pair_matchesEventsByIncidentId() {
        List<AlertEvent> events = List.of(
                event(AlertEvent.Type.RAISED, 1, Severity.P2, 0, 0),
                event(AlertEvent.Type.RAISED, 2, Severity.P3, 5, 5),
                event(AlertEvent.Type.CLEARED, 1, Severity.P2, 10, 0),
                event(AlertEvent.Type.CLEARED, 9, Severity.P2, 11, 3));
        List<Incident> incidents = IncidentTracker.pair(events);
        assertEquals(2, incidents.size());
        assertEquals(10, incidents.get(0).timeToRecoverNs());
        assertTrue(incidents.get(1).isOpen());
    }

    @Test
    void tracker_asListener_keepsOpenAndBoundedClosedIncidents() {
        IncidentTracker tracker = new IncidentTracker(2);
        for (long id = 1; id <= 3; id++) {
            tracker.onRaised(event(AlertEvent.Type.RAISED, id, Severity.P3, id, id));
            tracker.onCleared(event(AlertEvent.Type.CLEARED, id, Severity.P3, id + 10, id));
        }
        tracker.onRaised(event(AlertEvent.Type.RAISED, 4, Severity.P3, 4, 4));
        tracker.onCleared(event(AlertEvent.Type.CLEARED, 99, Severity.P3, 4, 4));
        assertEquals(List.of(2L, 3L), tracker.closed().stream().map(Incident::incidentId).toList());
        assertEquals(1, tracker.open().size());
        assertEquals(1, tracker.unmatchedClears());
    }

    @Test
    void incident_requiresARaisedEvent() {
        assertThrows(IllegalArgumentException.class,
                () -> new Incident(event(AlertEvent.Type.CLEARED, 1, Severity.P3, 1, 0), 2));
    }
}
