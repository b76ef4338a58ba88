package io.smoothcast.transport.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.smoothcast.transport.OpsMonitor;
import io.smoothcast.transport.OpsSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Micrometer binder for an {@link OpsMonitor}: every metric of {@link OpsMetrics} becomes a
 * Micrometer {@link Gauge} or {@link FunctionCounter}, registered the first time its label set
 * appears in a snapshot and reading the latest snapshot's value afterwards (NaN once the stream or
 * node is gone). Names follow Micrometer's dotted style without the {@code _total} suffix
 * ({@code smoothcast.stream.received.bytes}); a Prometheus registry renders them back as
 * {@code smoothcast_stream_received_bytes_total}.
 *
 * <p>Micrometer is an optional dependency of the SDK: add {@code io.micrometer:micrometer-core}
 * to use this class. Thread-safe; values are refreshed on the monitor's sampling thread.
 */
public final class SmoothcastMeterBinder implements MeterBinder {

    private final OpsMonitor monitor;
    private final Map<MeterKey, Double> values = new ConcurrentHashMap<>();
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
        registries.add(registry);
        update(monitor.latest());
    }

    /** Takes the values of {@code snapshot}; package-private so that tests can hand in their own. */
    void update(OpsSnapshot snapshot) {
        java.util.Set<MeterKey> seen = new java.util.HashSet<>();
        for (MetricFamily family : OpsMetrics.of(snapshot)) {
            for (MetricFamily.Sample sample : family.samples()) {
                MeterKey key = new MeterKey(family.name(), sample.labelNames(), sample.labelValues());
                seen.add(key);
                boolean added = values.put(key, sample.value()) == null;
                if (added) {
                    for (MeterRegistry registry : registries) {
                        register(registry, family, key);
                    }
                }
            }
        }
        // streams and nodes that disappeared read NaN rather than their last value
        values.replaceAll((k, v) -> seen.contains(k) ? v : Double.NaN);
    }

    private void register(MeterRegistry registry, MetricFamily family, MeterKey key) {
        List<Tag> tags = new ArrayList<>(key.labelNames.size());
        for (int i = 0; i < key.labelNames.size(); i++) {
            tags.add(Tag.of(key.labelNames.get(i), key.labelValues.get(i)));
        }
        String name = micrometerName(family.name());
        if (family.type() == MetricFamily.Type.COUNTER) {
            FunctionCounter.builder(name, values, m -> m.getOrDefault(key, Double.NaN))
                    .description(family.help()).tags(tags).register(registry);
        } else {
            Gauge.builder(name, values, m -> m.getOrDefault(key, Double.NaN))
                    .description(family.help()).tags(tags).register(registry);
        }
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
}
