package io.smoothcast.alert;

import io.smoothcast.stats.StatsTimes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pairs RAISED and CLEARED events into {@link Incident}s, live as an {@link AlertListener} or
 * afterwards from a stored event history ({@link #pair(Iterable)}). Keeps every open incident and
 * the most recent closed ones (bounded).
 *
 * <p>Not thread-safe: use on the evaluator's thread (as its listener) or one reporting thread.
 */
public final class IncidentTracker implements AlertListener {

    private final int maxClosed;
    private final Map<Long, AlertEvent> open = new LinkedHashMap<>();
    private final Deque<Incident> closed = new ArrayDeque<>();
    private long unmatchedClears;

    /**
     * @param maxClosed how many closed incidents to keep (oldest dropped first); >= 1
     */
    public IncidentTracker(int maxClosed) {
        if (maxClosed < 1) {
            throw new IllegalArgumentException("maxClosed must be >= 1: " + maxClosed);
        }
        this.maxClosed = maxClosed;
    }

    /**
     * Pairs a whole event history.
     *
     * @param events events in the order they happened; not null
     * @return every incident in the order raised, closed or still open
     */
    public static List<Incident> pair(Iterable<AlertEvent> events) {
        if (events == null) {
            throw new IllegalArgumentException("events must not be null");
        }
        Map<Long, Incident> byId = new LinkedHashMap<>();
        for (AlertEvent e : events) {
            if (e.type() == AlertEvent.Type.RAISED) {
                byId.put(e.incidentId(), new Incident(e, StatsTimes.NEVER));
            } else {
                Incident i = byId.get(e.incidentId());
                if (i != null && i.isOpen()) {
                    byId.put(e.incidentId(), new Incident(i.raised(), e.timeNs()));
                }
            }
        }
        return new ArrayList<>(byId.values());
    }

    @Override
    public void onRaised(AlertEvent event) {
        open.put(event.incidentId(), event);
    }

    @Override
    public void onCleared(AlertEvent event) {
        AlertEvent raised = open.remove(event.incidentId());
        if (raised == null) {
            unmatchedClears++;
            return;
        }
        closed.addLast(new Incident(raised, event.timeNs()));
        if (closed.size() > maxClosed) {
            closed.removeFirst();
        }
    }

    /** @return the open incidents, oldest first */
    public List<Incident> open() {
        List<Incident> result = new ArrayList<>(open.size());
        for (AlertEvent e : open.values()) {
            result.add(new Incident(e, StatsTimes.NEVER));
        }
        return result;
    }

    /** @return the kept closed incidents, oldest first */
    public List<Incident> closed() {
        return new ArrayList<>(closed);
    }

    /** @return CLEARED events seen without their RAISED event (for example after a restart) */
    public long unmatchedClears() {
        return unmatchedClears;
    }
}
