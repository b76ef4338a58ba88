package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.transport.internal.cc.TransportFeedbackCollector;
import io.smoothcast.transport.internal.netty.RecordingSender;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The relay's per-subscriber layer choice end to end in virtual time: a publisher sends three
 * simulcast layers, two subscribers sit behind simulated bottlenecks that answer with real
 * transport-cc feedback ({@link TransportFeedbackCollector}), and the engine's controllers,
 * selectors and switchers decide what each one gets.
 */
class DownlinkLayerSelectionTest extends SimulcastRelayHarness {

    /** A subscriber behind a bottleneck of settable capacity, 20 ms one way, 300 ms of buffer. */
    private final class SimulatedViewer {
        final InetSocketAddress address;
        final Bottleneck link;
        final TransportFeedbackCollector collector = new TransportFeedbackCollector();
        final ArrayDeque<long[]> inFlight = new ArrayDeque<>(); // {transport sequence, arrival ns}
        final List<int[]> received = new ArrayList<>(); // {layer, keyframe start, marker, second}

        SimulatedViewer(int port, long capacityBps) {
            this.address = new InetSocketAddress("127.0.0.1", port);
            this.link = new Bottleneck(capacityBps);
        }

        void onPacket(byte[] bytes) {
            if (!intoBottleneck(bytes, link, inFlight)) {
                return;
            }
            if (view.payloadType() == LAYERS[0].rtxPayloadType()) {
                return; // a retransmission or probe padding: it loads the link, it is not a layer's packet
            }
            int layer = layerOf(view.ssrc());
            int first = bytes[view.payloadOffset()] & 0xFF;
            received.add(new int[] {layer, (first & 0xC0) == 0xC0 ? 1 : 0, view.marker() ? 1 : 0,
                    (int) (nowNs / 1_000_000_000L)});
        }

        void deliverFeedback() {
            while (!inFlight.isEmpty() && inFlight.peek()[1] - nowNs <= 0) {
                long[] arrival = inFlight.poll();
                collector.onPacket((int) arrival[0], arrival[1]);
            }
            byte[] feedback = new byte[1500];
            int length;
            while ((length = collector.writeFeedback(feedback, 0, address.getPort(), LAYERS[0].ssrc())) > 0) {
                receive(java.util.Arrays.copyOf(feedback, length), address);
            }
        }

        /** The layers of the video packets that reached the viewer's side of the node in a second. */
        int highestLayerIn(int second) {
            int highest = -1;
            for (int[] r : received) {
                if (r[3] == second) {
                    highest = Math.max(highest, r[0]);
                }
            }
            return highest;
        }

        int lowestLayerIn(int second) {
            int lowest = Integer.MAX_VALUE;
            for (int[] r : received) {
                if (r[3] == second) {
                    lowest = Math.min(lowest, r[0]);
                }
            }
            return lowest;
        }

        /** Every run of one layer after the first starts at a keyframe and the previous run ended a frame. */
        void assertSwitchesAtKeyframesAndFrameBoundaries() {
            boolean[] open = new boolean[LAYERS.length];
            int runs = 0;
            int previousLayer = -1;
            for (int i = 0; i < received.size(); i++) {
                int[] r = received.get(i);
                if (r[0] != previousLayer) {
                    // layers may interleave while the old one finishes its frame: a new run is
                    // one whose layer had no open frame
                    if (!open[r[0]] && previousLayer >= 0 && runs > 0) {
                        assertEquals(1, r[1], address + ": packet " + i + " starts layer " + r[0] + " off a keyframe");
                    }
                    runs++;
                    previousLayer = r[0];
                }
                open[r[0]] = r[2] == 0;
            }
        }
    }

    private void route(List<SimulatedViewer> viewers) {
        for (RecordingSender.Sent sent : out.drain()) {
            if (isForPublisher(sent)) {
                continue;
            }
            for (SimulatedViewer viewer : viewers) {
                if (sent.recipient().equals(viewer.address) && isMedia(sent.bytes())) {
                    viewer.onPacket(sent.bytes());
                }
            }
        }
    }

    /** Runs virtual time: a frame every 33 ms, engine ticks and feedback every 20 ms. */
    private void run(long durationMs, List<SimulatedViewer> viewers) {
        for (long ms = 0; ms < durationMs; ms++) {
            nowNs += MS;
            long tMs = nowNs / MS;
            sendFrameIfDue();
            route(viewers);
            if (tMs % 20 == 0) {
                for (SimulatedViewer viewer : viewers) {
                    viewer.deliverFeedback();
                }
                engine.onTick(nowNs);
                route(viewers);
            }
        }
    }

    /**
     * The relay's thread off the CPU for {@code stallMs} (a GC pause, a starved host) right after
     * it numbered a frame's packets and before they left its socket: they leave when it runs
     * again, and what the publisher and the viewers sent meanwhile waits in its socket and is
     * read then, in one batch, followed by its late tick.
     */
    private void stallRelay(long stallMs, List<SimulatedViewer> viewers) {
        sendFrame(false); // numbered and recorded as sent now, not routed: still in the relay's socket
        waitingInRelaySocket = new ArrayList<>();
        for (long ms = 0; ms < stallMs; ms++) {
            nowNs += MS;
            long tMs = nowNs / MS;
            if (tMs % 33 == 0) {
                sendFrame(false);
            }
            if (tMs % 20 == 0) {
                for (SimulatedViewer viewer : viewers) {
                    viewer.deliverFeedback();
                }
            }
        }
        List<Object[]> waiting = waitingInRelaySocket;
        waitingInRelaySocket = null;
        route(viewers);
        for (Object[] datagram : waiting) {
            receive((byte[]) datagram[0], (InetSocketAddress) datagram[1]);
        }
        engine.onTick(nowNs);
        route(viewers);
    }

    /** The publisher publishes {@link #LAYERS}; every viewer joins and subscribes to the top layer. */
    private void publishAndSubscribe(List<SimulatedViewer> viewers) {
        publishTo(viewers.stream().map(viewer -> viewer.address).toArray(InetSocketAddress[]::new));
    }

    /** Stalls the relay's thread for each of {@code stallsMs} in turn, with 1.5 s of normal running after each. */
    private void stallsWithRunsBetween(long[] stallsMs, List<SimulatedViewer> viewers) {
        for (long stallMs : stallsMs) {
            stallRelay(stallMs, viewers);
            run(1_500, viewers);
        }
    }

    @Test
    void stallsOfTheRelaysThread_doNotMoveSubscribersWithCapacityToSpareDown() {
        SimulatedViewer first = new SimulatedViewer(6001, 20_000_000);
        SimulatedViewer second = new SimulatedViewer(6002, 20_000_000);
        List<SimulatedViewer> viewers = List.of(first, second);
        publishAndSubscribe(viewers);
        run(6_000, viewers);
        int startSecond = (int) (nowNs / 1_000_000_000L);

        // Stalls as SimulcastDownlinkIT's host showed them under a CPU hog: 50 to 450 ms, every second or two.
        stallsWithRunsBetween(STALLS_MS, viewers);
        run(3_000, viewers);

        int lastSecond = (int) (nowNs / 1_000_000_000L) - 1;
        for (SimulatedViewer viewer : viewers) {
            for (int s = startSecond; s <= lastSecond; s++) {
                assertEquals(2, viewer.lowestLayerIn(s), viewer.address + " left the top layer in second "
                        + (s - startSecond) + " of the stalls although its downlink has 20 Mbps");
            }
            viewer.assertSwitchesAtKeyframesAndFrameBoundaries();
        }
    }

    /**
     * The stalls do not blind the controller: a capacity drop while the relay keeps stalling
     * still moves that subscriber down (within the 10 s the drop test without stalls allows),
     * and only that one.
     */
    @Test
    void capacityDrop_whileTheRelaysThreadKeepsStalling_stillMovesThatSubscriberDown() {
        SimulatedViewer constrained = new SimulatedViewer(6001, 4_000_000);
        SimulatedViewer wide = new SimulatedViewer(6002, 20_000_000);
        List<SimulatedViewer> viewers = List.of(constrained, wide);
        publishAndSubscribe(viewers);
        run(8_000, viewers);

        constrained.link.capacityBps = 1_200_000; // below the 2 Mbps top layer
        stallsWithRunsBetween(new long[] {208, 60, 451, 130, 256, 90}, viewers);
        int second = (int) (nowNs / 1_000_000_000L) - 1;
        assertTrue(constrained.highestLayerIn(second) <= 1,
                "the constrained subscriber moved down, got layer " + constrained.highestLayerIn(second));
        assertEquals(2, wide.lowestLayerIn(second), "the other subscriber keeps the top layer");
        constrained.assertSwitchesAtKeyframesAndFrameBoundaries();
        wide.assertSwitchesAtKeyframesAndFrameBoundaries();
    }

    @Test
    void capacityDropBelowTheTopLayer_movesThatSubscriberDown_atAKeyframe_whileTheOtherKeepsTheTop() {
        SimulatedViewer constrained = new SimulatedViewer(6001, 4_000_000);
        SimulatedViewer wide = new SimulatedViewer(6002, 20_000_000);
        List<SimulatedViewer> viewers = List.of(constrained, wide);
        publishAndSubscribe(viewers);

        run(8_000, viewers);
        int second = (int) (nowNs / 1_000_000_000L) - 1;
        assertEquals(2, constrained.highestLayerIn(second), "a clear path keeps the top layer");
        assertEquals(2, constrained.lowestLayerIn(second), "and only the top layer");
        assertEquals(2, wide.lowestLayerIn(second));

        constrained.link.capacityBps = 1_200_000; // below the 2 Mbps top layer
        run(10_000, viewers);
        second = (int) (nowNs / 1_000_000_000L) - 1;
        assertTrue(constrained.highestLayerIn(second) <= 1,
                "the constrained subscriber moved down, got layer " + constrained.highestLayerIn(second));
        assertEquals(2, wide.lowestLayerIn(second), "the other subscriber keeps the top layer");
        assertEquals(2, wide.highestLayerIn(second));
        constrained.assertSwitchesAtKeyframesAndFrameBoundaries();
        wide.assertSwitchesAtKeyframesAndFrameBoundaries();
    }

    /** The first second, from {@code fromSecond} on, in which only the given layer reached the viewer. */
    private static int firstSecondOnlyOn(SimulatedViewer viewer, int layer, int fromSecond, int toSecond) {
        for (int second = fromSecond; second <= toSecond; second++) {
            if (viewer.lowestLayerIn(second) == layer && viewer.highestLayerIn(second) == layer) {
                return second;
            }
        }
        return -1;
    }

    @Test
    void capacityBack_afterADrop_probesTheDownlinkAndClimbsBackToTheTopLayer() {
        SimulatedViewer viewer = new SimulatedViewer(6001, 4_000_000);
        List<SimulatedViewer> viewers = List.of(viewer);
        publishAndSubscribe(viewers);

        run(6_000, viewers);
        viewer.link.capacityBps = 600_000; // only layer 0 (300 kbps) fits
        run(12_000, viewers);
        int second = (int) (nowNs / 1_000_000_000L) - 1;
        assertEquals(0, viewer.highestLayerIn(second), "moved down to the layer that fits");
        long probesWhileNarrow = counters.get(RelayCounter.DOWNLINK_PROBES);
        assertTrue(probesWhileNarrow >= 1, "the narrow downlink was probed");
        // 2 s stable hold, then backoff 2, 4, 8, 8 s: at most a handful of probes in 12 s.
        assertTrue(probesWhileNarrow <= 4, "failed probes back off: " + probesWhileNarrow + " probes");
        assertEquals(0, counters.get(RelayCounter.DOWNLINK_PROBE_CLIMBS), "no probe carried layer 1");

        viewer.link.capacityBps = 4_000_000;
        int raisedAt = (int) (nowNs / 1_000_000_000L);
        run(20_000, viewers);
        int backOnTop = firstSecondOnlyOn(viewer, 2, raisedAt, (int) (nowNs / 1_000_000_000L) - 1);
        assertTrue(backOnTop >= 0 && backOnTop - raisedAt <= 14,
                "back on the top layer only within 14 s of the capacity returning; first full second on layer 2: "
                        + (backOnTop - raisedAt) + " s after, probes " + counters.get(RelayCounter.DOWNLINK_PROBES));
        assertEquals(2, counters.get(RelayCounter.DOWNLINK_PROBE_CLIMBS), "one probe per layer climbed: 0 -> 1 -> 2");
        second = (int) (nowNs / 1_000_000_000L) - 1;
        assertEquals(2, viewer.lowestLayerIn(second), "stays on the top layer");
        viewer.assertSwitchesAtKeyframesAndFrameBoundaries();
    }
}
