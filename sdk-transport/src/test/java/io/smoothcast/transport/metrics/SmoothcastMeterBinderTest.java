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
}
