package io.smoothcast.transport.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The running totals behind the {@code smoothcast_stream_*_total} series of an exporter that is read
 * again and again. A stream's counter is a sum over its endpoints; summed over the endpoints present
 * now it would go down when one leaves, which Prometheus and Micrometer read as a counter reset and
 * count the whole remaining sum again as an increase. Each series therefore keeps what its departed
 * endpoints had counted (their last values) and adds it to the sum of those present, so the series
 * never goes down. An endpoint whose own count went down (it restarted under the same id) is
 * treated the same way: its last value is kept.
 *
 * <p>Bounded memory: one value per series plus one per endpoint present in it. A series whose
 * endpoints all left is forgotten once it has been absent from the snapshots for
 * {@link #RELEASE_AFTER_NS} of monitor time; should it come back later it starts again from the sum
 * of its new endpoints, which is a true reset (they count from zero). Not thread-safe: the owning
 * {@link OpsMetrics} serializes the calls.
 */
final class StreamCounterTotals {

    /**
     * Monitor time a series may be absent before its total is dropped: twice Prometheus's default
     * look-back (5 min), so a stream that pauses between scrapes keeps its total.
     */
    static final long RELEASE_AFTER_NS = 10L * 60 * 1_000_000_000L;

    private final Map<SeriesKey, Series> series = new HashMap<>();
    private long nowNs;

    /** Starts a snapshot taken at {@code timestampNs} (monitor time). */
    void begin(long timestampNs) {
        nowNs = timestampNs;
    }

    /** Forgets the series absent for longer than {@link #RELEASE_AFTER_NS}; call after a snapshot. */
    void releaseAbsent() {
        series.values().removeIf(s -> nowNs - s.lastSeenNs > RELEASE_AFTER_NS);
    }

    /** @return the number of series held; for tests */
    int size() {
        return series.size();
    }

    /**
     * @param name the family
     * @param labelValues the series' label values
     * @param endpoints the endpoints in the series now
     * @param id an endpoint's id
     * @param count an endpoint's cumulative count
     * @return what the departed endpoints counted plus the counts of {@code endpoints}; never below
     *     the value returned for the same series before
     */
    <T> double total(String name, List<String> labelValues, List<T> endpoints, Function<T, String> id,
            ToDoubleFunction<T> count) {
        Series s = series.computeIfAbsent(new SeriesKey(name, labelValues), k -> new Series());
        s.lastSeenNs = nowNs;
        Map<String, Double> now = new HashMap<>();
        for (T e : endpoints) {
            double v = count.applyAsDouble(e);
            if (!Double.isNaN(v)) {
                now.merge(id.apply(e), v, Double::sum);
            }
        }
        double present = 0;
        for (Map.Entry<String, Double> e : now.entrySet()) {
            Double before = s.last.get(e.getKey());
            if (before != null && e.getValue() < before) {
                s.departed += before; // the endpoint restarted its count
            }
            present += e.getValue();
        }
        for (Map.Entry<String, Double> e : s.last.entrySet()) {
            if (!now.containsKey(e.getKey())) {
                s.departed += e.getValue();
            }
        }
        s.last = now;
        return s.departed + present;
    }

    private record SeriesKey(String name, List<String> labelValues) {
    }

    private static final class Series {
        /** What endpoints that left (or restarted) had counted. */
        double departed;
        /** Each present endpoint's count at the latest snapshot. */
        Map<String, Double> last = new HashMap<>();
        long lastSeenNs;
    }
}
