package io.smoothcast.transport.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.smoothcast.transport.OpsMonitor;
import io.smoothcast.transport.OpsSnapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Micrometer binder for an {@link OpsMonitor}: every metric of {@link OpsMetrics} becomes a
 * Micrometer {@link Gauge} or {@link FunctionCounter}, registered the first time its label set
 * appears in a snapshot and reading the latest snapshot's value afterwards. A stream counter is
 * kept by {@link OpsMetrics}: at its last value while none of its endpoints is present (counters
 * never go down, nor vanish and come back), and dropped 10 minutes (monitor time) after it was
 * last seen, when its meters are removed from the registries. Once a node is gone its counters
 * keep their last value and a gauge reads NaN; their meters are removed after 10 minutes
 * without it. Names follow Micrometer's dotted style without the {@code _total} suffix
 * ({@code smoothcast.stream.received.bytes}); a Prometheus registry renders them back as
 * {@code smoothcast_stream_received_bytes_total}.
 *
 * <p>Micrometer is an optional dependency of the SDK: add {@code io.micrometer:micrometer-core}
 * to use this class. Thread-safe; values are refreshed on the monitor's sampling thread.
 */
public final class SmoothcastMeterBinder implements MeterBinder {

    private final OpsMonitor monitor;
    private final OpsMetrics metrics = new OpsMetrics();
    private final Map<MeterKey, Series> series = new ConcurrentHashMap<>();
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

    /**
     * @param monitor the monitor whose snapshots are exported; not null
     */
    public SmoothcastMeterBinder(OpsMonitor monitor) {
        if (monitor == null) {
            throw new IllegalArgumentException("monitor must not be null");
        }
        this.monitor = monitor;
        monitor.addSnapshotListener(this::update);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (registry == null) {
            throw new IllegalArgumentException("registry must not be null");
        }
        synchronized (this) {
            registries.add(registry);
            // the series of snapshots sampled before this registry came
            series.forEach((key, s) -> register(registry, key, s));
        }
        update(monitor.latest());
    }

    /** Takes the values of {@code snapshot}; package-private so that tests can hand in their own. */
    synchronized void update(OpsSnapshot snapshot) {
        long nowNs = snapshot.timestampNs();
        Set<MeterKey> seen = new HashSet<>();
        for (MetricFamily family : metrics.families(snapshot)) {
            for (MetricFamily.Sample sample : family.samples()) {
                MeterKey key = new MeterKey(family.name(), sample.labelNames(), sample.labelValues());
                seen.add(key);
                Series s = series.get(key);
                if (s == null) {
                    s = new Series(family.type(), family.help());
                    series.put(key, s);
                    for (MeterRegistry registry : registries) {
                        register(registry, key, s);
                    }
                }
                s.value = sample.value();
                s.lastSeenNs = Math.max(s.lastSeenNs, nowNs);
            }
        }
        for (Iterator<Map.Entry<MeterKey, Series>> it = series.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<MeterKey, Series> e = it.next();
            Series s = e.getValue();
            if (seen.contains(e.getKey())) {
                continue;
            }
            // a stream counter OpsMetrics no longer exports is gone for good (it keeps one while it
            // should); the others are gone after 10 minutes without them, as OpsMetrics drops those
            if (OpsMetrics.keepsItself(e.getKey().name, s.type) || nowNs - s.lastSeenNs > StreamCounterTotals.RELEASE_AFTER_NS) {
                for (Meter meter : s.meters) {
                    for (MeterRegistry registry : registries) {
                        registry.remove(meter);
                    }
                }
                it.remove();
            } else if (s.type == MetricFamily.Type.GAUGE) {
                s.value = Double.NaN; // a stream or node that left has no current value
            }
            // a node's counter keeps its last value: NaN or a fall would read as a reset
        }
    }

    private void register(MeterRegistry registry, MeterKey key, Series s) {
        List<Tag> tags = new ArrayList<>(key.labelNames.size());
        for (int i = 0; i < key.labelNames.size(); i++) {
            tags.add(Tag.of(key.labelNames.get(i), key.labelValues.get(i)));
        }
        String name = micrometerName(key.name);
        if (s.type == MetricFamily.Type.COUNTER) {
            s.meters.add(FunctionCounter.builder(name, series, m -> valueOf(m, key))
                    .description(s.help).tags(tags).register(registry));
        } else {
            s.meters.add(Gauge.builder(name, series, m -> valueOf(m, key))
                    .description(s.help).tags(tags).register(registry));
        }
    }

    private static double valueOf(Map<MeterKey, Series> series, MeterKey key) {
        Series s = series.get(key);
        return s == null ? Double.NaN : s.value;
    }

    /**
     * @param prometheusName a name such as {@code smoothcast_stream_freezes_total}
     * @return the Micrometer name, {@code smoothcast.stream.freezes}
     */
    static String micrometerName(String prometheusName) {
        String base = prometheusName.endsWith("_total")
                ? prometheusName.substring(0, prometheusName.length() - "_total".length())
                : prometheusName;
        return base.replace('_', '.');
    }

    private record MeterKey(String name, List<String> labelNames, List<String> labelValues) {
    }

    /** One label set of a family: its latest value and its meters. */
    private static final class Series {
        final MetricFamily.Type type;
        final String help;
        final List<Meter> meters = new CopyOnWriteArrayList<>();
        volatile double value = Double.NaN;
        long lastSeenNs;

        Series(MetricFamily.Type type, String help) {
            this.type = type;
            this.help = help;
        }
    }
}
