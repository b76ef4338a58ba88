package io.smoothcast.transport.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smoothcast.transport.OpsMonitor;
import io.smoothcast.transport.OpsSnapshot;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmoothcastMeterBinderTest {

    /**
     * Every sample of every metric family reaches Micrometer with its own value: the snapshot
     * gives each counter a different non-zero value, so a meter reading another one's value, or
     * none, fails.
     */
    @Test
    void everySampleOfEveryFamily_isAMeterWithTheSameValue() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OpsSnapshot snapshot = OpsMetricsTest.sampleSnapshot();
        try (OpsMonitor ops = OpsMonitor.builder().build()) {
            SmoothcastMeterBinder binder = new SmoothcastMeterBinder(ops);
            binder.bindTo(registry);
            binder.update(snapshot);

            int checked = 0;
            int nonZero = 0;
            for (MetricFamily family : OpsMetrics.of(snapshot)) {
                for (MetricFamily.Sample sample : family.samples()) {
                    List<Tag> tags = new ArrayList<>();
                    for (int i = 0; i < sample.labelNames().size(); i++) {
                        tags.add(Tag.of(sample.labelNames().get(i), sample.labelValues().get(i)));
                    }
                    String name = SmoothcastMeterBinder.micrometerName(family.name());
                    Meter meter = registry.find(name).tags(tags).meters().stream()
                            .filter(m -> m.getId().getTags().size() == tags.size()).findFirst().orElse(null);
                    assertNotNull(meter, name + tags + ": " + registry.getMetersAsString());
                    double value = meter.measure().iterator().next().getValue();
                    if (Double.isNaN(sample.value())) {
                        assertTrue(Double.isNaN(value), name + tags + ": " + value);
                    } else {
                        assertEquals(sample.value(), value, Math.max(1e-9, 1e-9 * Math.abs(sample.value())), name + tags);
                    }
                    checked++;
                    nonZero += sample.value() != 0 ? 1 : 0;
                }
            }
            assertTrue(checked > 80 && nonZero > checked * 0.9, checked + " samples, " + nonZero + " not 0");
        }
    }

    private static double read(SimpleMeterRegistry registry, String name, String... tags) {
        Meter meter = registry.find(name).tags(tags).meters().stream()
                .filter(m -> m.getId().getTags().size() == tags.length / 2).findFirst().orElse(null);
        assertNotNull(meter, name + ": " + registry.getMetersAsString());
        return meter.measure().iterator().next().getValue();
    }

    /**
     * A viewer leaves: the stream's FunctionCounters keep what it counted. The whole stream leaves:
     * counters keep their last value (never NaN, never lower) and gauges read NaN; 10 minutes of
     * monitor time after it was last seen the stream's meters are removed from the registry.
     */
    @Test
    void departedEndpoints_neverLowerACounter_andGoneStreamsAreRemoved() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OpsSnapshot base = OpsMetricsTest.sampleSnapshot();
        String[] where = {"stream", "match", "node", "fra", "region", "eu"};
        String bytes = "smoothcast.stream.received.bytes";
        try (OpsMonitor ops = OpsMonitor.builder().build()) {
            SmoothcastMeterBinder binder = new SmoothcastMeterBinder(ops);
            binder.bindTo(registry);
            binder.update(base);
            assertEquals(1_500_000.0, read(registry, bytes, where));

            binder.update(new OpsSnapshot(1_000_000_005, 0, List.of(base.receive().get(0)), base.send(), base.nodes(),
                    List.of(), List.of(), List.of(), List.of()));
            assertEquals(1_500_000.0, read(registry, bytes, where));
            assertEquals(1.0, read(registry, "smoothcast.stream.viewers", where));

            OpsSnapshot gone = new OpsSnapshot(2_000_000_005, 0, List.of(), List.of(), base.nodes(), List.of(),
                    List.of(), List.of(), List.of());
            binder.update(gone);
            assertEquals(1_500_000.0, read(registry, bytes, where));
            assertTrue(Double.isNaN(read(registry, "smoothcast.stream.viewers", where)));

            binder.update(new OpsSnapshot(1_000_000_005 + 600_000_000_000L, 0, List.of(), List.of(), base.nodes(),
                    List.of(), List.of(), List.of(), List.of()));
            assertNotNull(registry.find(bytes).meter());
            binder.update(new OpsSnapshot(1_000_000_006 + 600_000_000_000L, 0, List.of(), List.of(), base.nodes(),
                    List.of(), List.of(), List.of(), List.of()));
            assertEquals(null, registry.find(bytes).meter());
            assertEquals(null, registry.find("smoothcast.stream.viewers").meter());
            assertNotNull(registry.find("smoothcast.node.sessions").meter());
        }
    }

    /**
     * The broadcaster moves from fra to ams: fra's counter keeps what it sent there, ams's holds only
     * what it sent after the move, so the sum over nodes grows by that and not by its whole count.
     */
    @Test
    void endpointMovingToAnotherNode_addsOnlyItsGrowthAcrossNodes() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OpsSnapshot base = OpsMetricsTest.sampleSnapshot();
        String sent = "smoothcast.stream.sent.bytes";
        try (OpsMonitor ops = OpsMonitor.builder().build()) {
            SmoothcastMeterBinder binder = new SmoothcastMeterBinder(ops);
            binder.bindTo(registry);
            binder.update(base);
            binder.update(new OpsSnapshot(1_000_000_005, 0, base.receive(),
                    List.of(base.send().get(0).toBuilder().nodeId("ams").bytesSent(2_400_900).build()), base.nodes(),
                    List.of(), List.of(), List.of(), List.of()));
            assertEquals(2_400_000.0, read(registry, sent, "stream", "match", "node", "fra", "region", "eu"));
            assertEquals(900.0, read(registry, sent, "stream", "match", "node", "ams", "region", "eu"));
        }
    }

    /** A registry bound after the monitor sampled gets the meters of the series already known. */
    @Test
    void registryBoundLater_getsTheSeriesAlreadyKnown() {
        SimpleMeterRegistry first = new SimpleMeterRegistry();
        SimpleMeterRegistry later = new SimpleMeterRegistry();
        try (OpsMonitor ops = OpsMonitor.builder().build()) {
            SmoothcastMeterBinder binder = new SmoothcastMeterBinder(ops);
            binder.bindTo(first);
            binder.update(OpsMetricsTest.sampleSnapshot());
            binder.bindTo(later);
            assertEquals(first.getMeters().size(), later.getMeters().size());
            assertEquals(1_500_000.0, read(later, "smoothcast.stream.received.bytes",
                    "stream", "match", "node", "fra", "region", "eu"));
        }
    }
}
