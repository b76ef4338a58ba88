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
 * way: what it had counted is kept. A series none of whose endpoints is present now is still
 * exported, at its last value ({@link #absentSeries()}): a series that vanished and came back would
 * break a raw {@code sum} over nodes and {@code increase()} across the gap.
 *
 * <p>An endpoint's count is cumulative over its life, across its moves between nodes, while the
 * series are per node. An endpoint that comes into a series after it left another series of the
 * family with the same labels but node and region (it moved to another node), or after it left this
 * one (it came back), brings the count it had there, which that series already holds: it enters at
 * that count and only its growth after it is added, so a sum over nodes does not jump by its whole
 * count. It has left a series only if the snapshot does not place its id there any more: an id
 * still present at the other place is another client under the same id (two clients watched under
 * one id on two nodes at once, or one rejoining a node while the other stays), which moved
 * nowhere. An endpoint not seen before counts in full (it counted from zero), and so does one whose
 * id is still present at every other place it was seen.
 *
 * <p>Bounded memory: one value per series plus one per endpoint present in it, and one per place
 * an endpoint was seen at in the family. A series none of whose endpoints is present, and an
 * endpoint's last count at a place, are forgotten once absent from the snapshots for
 * {@link #RELEASE_AFTER_NS} of monitor time; a series that comes back later starts again from its
 * new endpoints, a true reset. Not thread-safe: the owning {@link OpsMetrics} serializes the calls.
 */
final class StreamCounterTotals {

    /**
     * Monitor time a series may be absent before its total is dropped: twice Prometheus's default
     * look-back (5 min), so a stream that pauses between scrapes keeps its total.
     */
    static final long RELEASE_AFTER_NS = 10L * 60 * 1_000_000_000L;

    /** The labels that say where an endpoint is counted; the others say what it counts. */
    private static final Set<String> LOCATION_LABELS = Set.of("node", "region");

    /**
     * The endpoints of one side of a stream.
     *
     * @param name "receive" (viewers) or "send" (broadcasters): the two sides' ids are apart
     * @param id an endpoint's id
     */
    record Side<T>(String name, Function<T, String> id) {
    }

    private final Map<SeriesKey, Series> series = new HashMap<>();
    private final Map<EndpointKey, Map<List<String>, Seen>> endpoints = new HashMap<>();
    private Set<List<String>> placed = Set.of();
    private long nowNs;

    /**
     * @param side the endpoint's side, {@link Side#name()}
     * @param stream its stream
     * @param id its id
     * @param node the node it is on
     * @param region that node's region
     * @return the key of an endpoint's place in a snapshot, for {@link #begin}
     */
    static List<String> placement(String side, String stream, String id, String node, String region) {
        return List.of(side, stream, id, node, region);
    }

    /**
     * Starts a snapshot.
     *
     * @param timestampNs the snapshot's time (monitor time)
     * @param placed where the snapshot has each endpoint, {@link #placement} keys
     */
    void begin(long timestampNs, Set<List<String>> placed) {
        nowNs = timestampNs;
        this.placed = placed;
    }

    /**
     * Ends a snapshot: a series it did not have lost all its endpoints (they are counted as
     * departed, so one coming back enters anew); forgets the series and endpoints' places absent
     * for longer than {@link #RELEASE_AFTER_NS}.
     */
    void releaseAbsent() {
        series.values().removeIf(s -> nowNs - s.lastSeenNs > RELEASE_AFTER_NS);
        for (Series s : series.values()) {
            if (s.lastSeenNs != nowNs && !s.present.isEmpty()) {
                s.present.values().forEach(s::depart);
                s.present = new HashMap<>();
            }
        }
        endpoints.values().removeIf(places -> {
            places.values().removeIf(e -> nowNs - e.lastSeenNs > RELEASE_AFTER_NS);
            return places.isEmpty();
        });
    }

    /**
     * @return the series kept but not in this snapshot (none of their endpoints is present), by
     *     family name, at their last value
     */
    Map<String, List<MetricFamily.Sample>> absentSeries() {
        Map<String, List<MetricFamily.Sample>> out = new HashMap<>();
        series.forEach((k, s) -> {
            if (s.lastSeenNs != nowNs) {
                out.computeIfAbsent(k.name, n -> new ArrayList<>())
                        .add(new MetricFamily.Sample(k.labelNames, k.labelValues, s.value));
            }
        });
        return out;
    }

    /**
     * @param name the family
     * @param labelNames the series' label names, "stream", "node" and "region" among them
     * @param labelValues the series' label values
     * @param endpoints the endpoints in the series now
     * @param side the endpoints' side
     * @param count an endpoint's cumulative count
     * @return what the departed endpoints counted in the series plus the growth of {@code endpoints}
     *     since they came into it; never below the value returned for the same series before
     */
    <T> double total(String name, List<String> labelNames, List<String> labelValues, List<T> endpoints,
            Side<T> side, ToDoubleFunction<T> count) {
        Series s = series.computeIfAbsent(new SeriesKey(name, labelNames, labelValues), k -> new Series());
        s.lastSeenNs = nowNs;
        Map<String, Double> now = new HashMap<>();
        for (T e : endpoints) {
            double v = count.applyAsDouble(e);
            if (!Double.isNaN(v)) {
                now.merge(side.id().apply(e), v, Double::sum);
            }
        }
        List<String> what = new ArrayList<>(labelValues.size());
        List<String> where = new ArrayList<>(LOCATION_LABELS.size());
        for (int i = 0; i < labelValues.size(); i++) {
            (LOCATION_LABELS.contains(labelNames.get(i)) ? where : what).add(labelValues.get(i));
        }
        String stream = labelValues.get(labelNames.indexOf("stream"));
        Map<String, Present> present = new HashMap<>();
        double sum = 0;
        for (Map.Entry<String, Double> e : now.entrySet()) {
            double c = e.getValue();
            Map<List<String>, Seen> places = this.endpoints.computeIfAbsent(new EndpointKey(name, what, e.getKey()),
                    k -> new HashMap<>());
            Present before = s.present.get(e.getKey());
            double entry;
            if (before == null) {
                Seen brought = left(places, where, side.name(), stream, e.getKey());
                // it brings the count it had where it left (that series holds it); a fall is a restart
                entry = brought != null && c >= brought.count ? brought.count : 0;
            } else if (c < before.count) {
                s.depart(before); // the endpoint restarted its count
                entry = 0;
            } else {
                entry = before.entry;
            }
            present.put(e.getKey(), new Present(c, entry));
            sum += c - entry;
            places.put(where, new Seen(c, nowNs));
        }
        for (Map.Entry<String, Present> e : s.present.entrySet()) {
            if (!now.containsKey(e.getKey())) {
                s.depart(e.getValue());
            }
        }
        s.present = present;
        s.value = s.departed + sum;
        return s.value;
    }

    /**
     * @return the latest count of the endpoint at a place it has left: {@code where} (it came back),
     *     or another place where the snapshot no longer has its id; null if none
     */
    private Seen left(Map<List<String>, Seen> places, List<String> where, String side, String stream, String id) {
        Seen latest = null;
        for (Map.Entry<List<String>, Seen> p : places.entrySet()) {
            List<String> at = p.getKey();
            if (!at.equals(where) && placed.contains(placement(side, stream, id, at.get(0), at.get(1)))) {
                continue; // still there: another client under the same id, which moved nowhere
            }
            Seen seen = p.getValue();
            if (latest == null || seen.lastSeenNs > latest.lastSeenNs) {
                latest = seen;
            }
        }
        return latest;
    }

    private record SeriesKey(String name, List<String> labelNames, List<String> labelValues) {
    }

    /** An endpoint in a family, by its id and the family's labels but those of {@link #LOCATION_LABELS}. */
    private record EndpointKey(String name, List<String> what, String id) {
    }

    /** An endpoint's count at the latest snapshot that held it at a place, and that snapshot's time. */
    private record Seen(double count, long lastSeenNs) {
    }

    /** A present endpoint's count at the latest snapshot, and its count when it came into the series. */
    private record Present(double count, double entry) {
    }

    private static final class Series {
        /** What endpoints that left (or restarted) had counted in the series. */
        double departed;
        /** The value returned last, exported while none of the series' endpoints is present. */
        double value;
        Map<String, Present> present = new HashMap<>();
        long lastSeenNs;

        /** Keeps what an endpoint that left the series had counted in it. */
        void depart(Present p) {
            departed += p.count - p.entry;
        }
    }
}
