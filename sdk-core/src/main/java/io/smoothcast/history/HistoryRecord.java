package io.smoothcast.history;

import io.smoothcast.alert.AlertEvent;
import io.smoothcast.stats.NodeStats;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.stats.SendStreamStats;

/**
 * One line of a history file: a snapshot or an alert event, with the wall-clock time it was
 * written (the snapshots' own times are monotonic and mean nothing across restarts; reports
 * that chart by hour of day use {@code wallTimeMs}).
 *
 * <p>Immutable record; thread-safe.
 *
 * @param wallTimeMs when the record was appended, milliseconds since the Unix epoch (UTC)
 * @param value a {@link ReceiveStreamStats}, {@link SendStreamStats}, {@link NodeStats} or
 *     {@link AlertEvent}
 */
public record HistoryRecord(long wallTimeMs, Object value) {

    /** What a record holds; the {@code "type"} field of the JSON line. */
    public enum Kind {
        /** A {@link ReceiveStreamStats}; JSON type "receive". */
        RECEIVE_STATS("receive"),
        /** A {@link SendStreamStats}; JSON type "send". */
        SEND_STATS("send"),
        /** A {@link NodeStats}; JSON type "node". */
        NODE_STATS("node"),
        /** An {@link AlertEvent}; JSON type "alert". */
        ALERT("alert");

        private final String jsonType;

        Kind(String jsonType) {
            this.jsonType = jsonType;
        }

        /** @return the value of the JSON {@code "type"} field */
        public String jsonType() {
            return jsonType;
        }
    }

    /**
     * Rejects values of other types.
     *
     * @param wallTimeMs when the record was appended, milliseconds since the Unix epoch (UTC)
     * @param value a {@link ReceiveStreamStats}, {@link SendStreamStats}, {@link NodeStats} or {@link AlertEvent}
     */
    public HistoryRecord {
        kindOf(value);
    }

    /** @return what this record holds */
    public Kind kind() {
        return kindOf(value);
    }

    /**
     * @param type the expected value type
     * @param <T> that type
     * @return the value, if it is of that type
     * @throws ClassCastException if it is not
     */
    public <T> T as(Class<T> type) {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        return type.cast(value);
    }

    static Kind kindOf(Object value) {
        if (value instanceof ReceiveStreamStats) {
            return Kind.RECEIVE_STATS;
        }
        if (value instanceof SendStreamStats) {
            return Kind.SEND_STATS;
        }
        if (value instanceof NodeStats) {
            return Kind.NODE_STATS;
        }
        if (value instanceof AlertEvent) {
            return Kind.ALERT;
        }
        throw new IllegalArgumentException("value must be a stats snapshot or an AlertEvent: "
                + (value == null ? "null" : value.getClass().getName()));
    }
}
