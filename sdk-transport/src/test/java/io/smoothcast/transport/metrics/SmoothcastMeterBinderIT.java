package io.smoothcast.transport.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smoothcast.alert.Subject;
import io.smoothcast.transport.Broadcaster;
import io.smoothcast.transport.OpsMonitor;
import io.smoothcast.transport.RelayNode;
import io.smoothcast.transport.Viewer;
import org.junit.jupiter.api.Test;

/** The Micrometer binder over a real (idle) relay node watched by a monitor driven by hand. */
class SmoothcastMeterBinderIT {

    @Test
    void metersAppearWithTheirLabelSet_andCountersKeepTheirValueOnceTheNodeIsGone() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RelayNode relay = RelayNode.builder().build().start();
                OpsMonitor ops = OpsMonitor.builder().build()) {
            new SmoothcastMeterBinder(ops).bindTo(registry);
            ops.watch(relay, "fra-1", "eu-central");
            ops.sample(0);

            FunctionCounter received = registry.find("smoothcast.node.received.packets")
                    .tag("node", "fra-1").tag("region", "eu-central").functionCounter();
            assertNotNull(received, registry.getMetersAsString());
            assertEquals(0.0, received.count());
            for (String name : new String[] {"smoothcast.node.tokens.accepted", "smoothcast.node.tokens.rejected",
                    "smoothcast.node.tokens.expired.role.kept", "smoothcast.node.source.retransmissions.already.held",
                    "smoothcast.node.source.probes.already.held", "smoothcast.node.rate.limited.dropped.packets",
                    "smoothcast.node.publisher.rate.limited.packets", "smoothcast.node.handler.failures",
                    "smoothcast.node.routability.failures", "smoothcast.node.half.open.sessions.evicted",
                    "smoothcast.node.amplification.suppressed.replies",
                    "smoothcast.node.peer.control.rate.limited.messages", "smoothcast.node.sessions.expired",
                    "smoothcast.node.fan.out.lane.dropped.packets", "smoothcast.node.hand.off.dropped.datagrams"}) {
                FunctionCounter c = registry.find(name).tag("node", "fra-1").tag("region", "eu-central").functionCounter();
                assertNotNull(c, name + ": " + registry.getMetersAsString());
                assertEquals(0.0, c.count(), name);
            }
            Gauge halfOpen = registry.find("smoothcast.node.half.open.sessions").tag("node", "fra-1")
                    .tag("region", "eu-central").gauge();
            assertNotNull(halfOpen, registry.getMetersAsString());
            assertEquals(0.0, halfOpen.value());
            Gauge p0 = registry.find("smoothcast.alerts.active").tag("severity", "P0").gauge();
            assertNotNull(p0, registry.getMetersAsString());
            assertEquals(0.0, p0.value());

            ops.unwatch(relay);
            ops.sample(1_000_000_000L);
            // a counter keeps its last value (NaN or a fall would read as a reset); a gauge has none
            assertEquals(0.0, received.count(), "a node no longer watched keeps its count");
            assertTrue(Double.isNaN(halfOpen.value()), "a node no longer watched has no current gauge value");
        }
    }

    @Test
    void theEndpointsDropCountersAppearForAWatchedViewerAndBroadcaster() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RelayNode relay = RelayNode.builder().build().start();
                OpsMonitor ops = OpsMonitor.builder().build();
                Viewer viewer = Viewer.builder().node(relay.localAddress()).streamId("show").build().start();
                Broadcaster broadcaster = Broadcaster.builder().node(relay.localAddress()).streamId("show").build().start()) {
            new SmoothcastMeterBinder(ops).bindTo(registry);
            ops.watch(viewer, new Subject("show", "viewer-1", "fra-1", "eu-central"));
            ops.watch(broadcaster, new Subject("show", "broadcaster", "fra-1", "eu-central"));
            ops.sample(0);

            for (String direction : new String[] {"receive", "send"}) {
                FunctionCounter malformed = registry.find("smoothcast.stream.malformed.datagrams.dropped")
                        .tag("stream", "show").tag("direction", direction).functionCounter();
                assertNotNull(malformed, direction + ": " + registry.getMetersAsString());
                assertEquals(0.0, malformed.count(), direction);
            }
            for (String name : new String[] {"smoothcast.stream.jitter.buffer.frames.dropped",
                    "smoothcast.stream.not.connected.frames.dropped", "smoothcast.stream.queue.full.frames.rejected"}) {
                FunctionCounter c = registry.find(name).tag("stream", "show").tag("node", "fra-1")
                        .tag("region", "eu-central").functionCounter();
                assertNotNull(c, name + ": " + registry.getMetersAsString());
                assertEquals(0.0, c.count(), name);
            }
        }
    }

    @Test
    void micrometerNamesDropTotalAndUseDots() {
        assertEquals("smoothcast.stream.freezes", SmoothcastMeterBinder.micrometerName("smoothcast_stream_freezes_total"));
        assertEquals("smoothcast.stream.jitter.seconds",
                SmoothcastMeterBinder.micrometerName("smoothcast_stream_jitter_seconds"));
    }
}
