package io.smoothcast.transport.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The running totals behind the {@code smoothcast_stream_*_total} series of an exporter that is read
 * again and again. A stream's counter is a sum over its endpoints; summed over the endpoints present
 * now it would go down when one leaves, which Prometheus and Micrometer read as a counter reset and
 * count the whole remaining sum again as an increase. Each series therefore keeps what its departed
 * endpoints had counted in it and adds it to what those present count, so the series never goes
 * down. An endpoint whose own count went down (it restarted under the same id) is treated the same
 * way: what it had counted is kept.
 *
 * <p>An endpoint's count is cumulative over its life, across its moves between nodes, while the
 * series are per node. An endpoint that comes into a series after it was seen in another series of
 * the family with the same labels but node and region (it moved to another node; or it came back
 * to the same one) brings the count it had there, which that series already holds: it enters at
 * that count and only its growth after it is added, so a sum over nodes does not jump by its whole
 * count. An endpoint not seen before counts in full (it counted from zero), and so does one seen in
 * another series of the same snapshot (two clients watched under one id on two nodes at once).
 *
 * <p>Bounded memory: one value per series plus one per endpoint present in it, and one per endpoint
 * seen in the family. A series whose endpoints all left, and an endpoint's last count, are
 * forgotten once absent from the snapshots for {@link #RELEASE_AFTER_NS} of monitor time; a series
 * that comes back later starts again from its new endpoints, a true reset. Not thread-safe: the
 * owning {@link OpsMetrics} serializes the calls.
 */
final class StreamCounterTotals {

    /**
     * Monitor time a series may be absent before its total is dropped: twice Prometheus's default
     * look-back (5 min), so a stream that pauses between scrapes keeps its total.
     */
    static final long RELEASE_AFTER_NS = 10L * 60 * 1_000_000_000L;

    /** The labels that say where an endpoint is counted; the others say what it counts. */
    private static final Set<String> LOCATION_LABELS = Set.of("node", "region");

    private final Map<SeriesKey, Series> series = new HashMap<>();
    private final Map<EndpointKey, Seen> endpoints = new HashMap<>();
    private long nowNs;

    /** Starts a snapshot taken at {@code timestampNs} (monitor time). */
    void begin(long timestampNs) {
        nowNs = timestampNs;
    }

    /** Forgets the series and endpoints absent for longer than {@link #RELEASE_AFTER_NS}; call after a snapshot. */
    void releaseAbsent() {
        series.values().removeIf(s -> nowNs - s.lastSeenNs > RELEASE_AFTER_NS);
        endpoints.values().removeIf(e -> nowNs - e.lastSeenNs > RELEASE_AFTER_NS);
    }

    /** @return the number of series held; for tests */
    int size() {
        return series.size();
    }

    /**
     * @param name the family
     * @param labelNames the series' label names
     * @param labelValues the series' label values
     * @param endpoints the endpoints in the series now
     * @param id an endpoint's id
     * @param count an endpoint's cumulative count
     * @return what the departed endpoints counted in the series plus the growth of {@code endpoints}
     *     since they came into it; never below the value returned for the same series before
     */
    <T> double total(String name, List<String> labelNames, List<String> labelValues, List<T> endpoints,
            Function<T, String> id, ToDoubleFunction<T> count) {
        Series s = series.computeIfAbsent(new SeriesKey(name, labelValues), k -> new Series());
        s.lastSeenNs = nowNs;
        Map<String, Double> now = new HashMap<>();
        for (T e : endpoints) {
            double v = count.applyAsDouble(e);
            if (!Double.isNaN(v)) {
                now.merge(id.apply(e), v, Double::sum);
            }
        }
        List<String> what = new ArrayList<>(labelValues.size());
        for (int i = 0; i < labelValues.size(); i++) {
            if (!LOCATION_LABELS.contains(labelNames.get(i))) {
                what.add(labelValues.get(i));
            }
        }
        Map<String, Present> present = new HashMap<>();
        double sum = 0;
        for (Map.Entry<String, Double> e : now.entrySet()) {
            double c = e.getValue();
            EndpointKey key = new EndpointKey(name, what, e.getKey());
            Present before = s.present.get(e.getKey());
            double entry;
            if (before == null) {
                Seen seen = this.endpoints.get(key);
                // brought from another series (or from this one before), which holds it; a fall is a
                // restart. Seen in this very snapshot: another client watched under the same id on
                // another node, present there too, which moved nowhere and counts on its own.
                entry = seen != null && seen.lastSeenNs != nowNs && c >= seen.count ? seen.count : 0;
            } else if (c < before.count) {
                s.departed += before.count - before.entry; // the endpoint restarted its count
                entry = 0;
            } else {
                entry = before.entry;
            }
            present.put(e.getKey(), new Present(c, entry));
            sum += c - entry;
            this.endpoints.put(key, new Seen(c, nowNs));
        }
        for (Map.Entry<String, Present> e : s.present.entrySet()) {
            if (!now.containsKey(e.getKey())) {
                s.departed += e.getValue().count - e.getValue().entry;
            }
        }
        s.present = present;
        return s.departed + sum;
    }

    private record SeriesKey(String name, List<String> labelValues) {
    }

    /** An endpoint in a family, by its id and the family's labels but those of {@link #LOCATION_LABELS}. */
    private record EndpointKey(String name, List<String> what, String id) {
    }

    /** An endpoint's count at the latest snapshot that held it, and that snapshot's time. */
    private record Seen(double count, long lastSeenNs) {
    }

    /** A present endpoint's count at the latest snapshot, and its count when it came into the series. */
    private record Present(double count, double entry) {
    }

    private static final class Series {
        /** What endpoints that left (or restarted) had counted in the series. */
        double departed;
        Map<String, Present> present = new HashMap<>();
        long lastSeenNs;
    }
}
