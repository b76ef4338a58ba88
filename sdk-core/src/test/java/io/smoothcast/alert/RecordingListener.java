package io.smoothcast.alert;

import java.util.ArrayList;
import java.util.List;

/** Collects events in order, for assertions. */
final class RecordingListener implements AlertListener {

    final List<AlertEvent> events = new ArrayList<>();

    @Override
    public void onRaised(AlertEvent event) {
        events.add(event);
    }

    @Override
    public void onCleared(AlertEvent event) {
        events.add(event);
    }

    List<AlertEvent> of(AlertEvent.Type type) {
        return events.stream().filter(e -> e.type() == type).toList();
    }

    List<AlertEvent> ofRule(String ruleId) {
        return events.stream().filter(e -> e.ruleId().equals(ruleId)).toList();
    }

    List<String> summaries() {
        return events.stream().map(e -> e.type() + " " + e.ruleId() + " " + e.streamId() + e.region()).toList();
    }
}
