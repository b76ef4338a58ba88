package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.transport.VideoPayloadFormat;
import io.smoothcast.transport.internal.cc.TransportFeedbackCollector;
import io.smoothcast.transport.internal.rtx.RetransmissionBudget;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * A subscription's layer choice takes the RTX its session was sent over the last second off the
 * downlink estimate: with an estimate between the 2 Mbit/s top layer and that layer plus its
 * repairs, the subscriber moves down to the 0.8 Mbit/s layer instead of getting layer + RTX
 * above its estimate. Virtual time; the estimate comes from real transport-cc feedback.
 */
class SubscriptionRetransmissionShareTest {

    private static final long MS = SimulcastRelayHarness.MS;
    private static final InetSocketAddress VIEWER = new InetSocketAddress("127.0.0.1", 6000);

    private long nowNs = 50_000 * MS;
    private final RelaySession session = new RelaySession(VIEWER, 1, nowNs);
    private final Subscription subscription;

    SubscriptionRetransmissionShareTest() {
        RelayStream stream = new RelayStream("show");
        stream.tracks = new RelayTrack[SimulcastRelayHarness.LAYERS.length];
        for (int i = 0; i < stream.tracks.length; i++) {
            stream.tracks[i] = new RelayTrack(SimulcastRelayHarness.LAYERS[i], 16, 0, VideoPayloadFormat.GENERIC);
        }
        subscription = new Subscription(session, stream, 2, 0, 500 * MS);
        subscription.selectLayer(); // the top layer at once, as for a new subscriber
    }

    /** A downlink whose estimate is about {@code bps}: it starts there and one feedback shows no congestion. */
    private void downlinkOf(long bps) {
        session.downlink = new SubscriberDownlink(bps);
        TransportFeedbackCollector collector = new TransportFeedbackCollector();
        for (int i = 0; i < 20; i++) {
            collector.onPacket(session.downlink.recordSent(1_200, nowNs), nowNs + 20 * MS);
            nowNs += 5 * MS;
        }
        byte[] buffer = new byte[1500];
        int length = collector.writeFeedback(buffer, 0, VIEWER.getPort(), 1);
        assertTrue(session.downlink.onFeedback(buffer, 0, length, nowNs));
    }

    private void ticks(long durationMs) {
        for (long ms = 0; ms < durationMs; ms += 20) {
            nowNs += 20 * MS;
            subscription.updateTarget(session.downlink, 1, nowNs);
        }
    }

    @Test
    void estimateBetweenTheTopLayerAndTheTopLayerPlusItsRtx_movesTheSubscriberDown() {
        downlinkOf(2_200_000);
        long estimateBps = session.downlink.estimateBps();
        assertTrue(estimateBps > 2_000_000 && estimateBps < 2_300_000, "estimate " + estimateBps);
        ticks(500);
        assertEquals(2, subscription.switcher.forwardedLayer());
        assertEquals(LayerSwitcher.NONE, subscription.switcher.pendingLayer(), "the estimate carries the top layer");

        session.retransmissions = new RetransmissionBudget(RetransmissionBudget.WINDOW_NS);
        session.retransmissions.record(37_500, nowNs); // 300 kbit of repairs within the last second
        ticks(500);
        assertEquals(1, subscription.switcher.pendingLayer(), "top layer + RTX " + (2_000_000 + 300_000)
                + " bps would be above the estimate " + estimateBps + " bps");
    }

    @Test
    void rtxAboveHalfTheEstimate_leavesTheLayerChoiceHalfTheEstimate() {
        downlinkOf(2_200_000);
        session.retransmissions = new RetransmissionBudget(RetransmissionBudget.WINDOW_NS);
        session.retransmissions.record(1_000_000, nowNs); // 8 Mbit: far above any share
        ticks(500);
        assertEquals(1, subscription.switcher.pendingLayer(), "half of 2.2 Mbit/s carries the middle layer");
    }

    @Test
    void theProbeForTheLayerAbove_needsWhatTheLayerChoiceNeeds_theRtxIncluded() {
        downlinkOf(1_500_000);
        ticks(500);
        assertEquals(1, subscription.switcher.pendingLayer(), "1.5 Mbit/s does not carry the 2 Mbit/s top layer");
        assertTrue(subscription.wants(subscription.stream.videoLayer(1), 1, true, false), "layer 1's keyframe");
        assertEquals(1, subscription.switcher.forwardedLayer());

        downlinkOf(2_500_000); // the capacity came back, while repairs still take 400 kbit/s
        long estimateBps = session.downlink.estimateBps();
        assertTrue(estimateBps > 2_400_000 && estimateBps < 2_600_000, "estimate " + estimateBps);
        session.retransmissions = new RetransmissionBudget(RetransmissionBudget.WINDOW_NS);
        session.retransmissions.record(50_000, nowNs);
        ticks(500);
        assertEquals(LayerSwitcher.NONE, subscription.switcher.pendingLayer(),
                "the estimate less the RTX does not carry the top layer: the selector stays");
        long neededBps = subscription.probeNeededBps(session.downlink, 1, nowNs);
        assertTrue(neededBps > estimateBps, "so a probe must show more than the estimate: needed " + neededBps
                + " bps, estimate " + estimateBps + " bps; else no probe starts and the subscriber never climbs");
        DownlinkProber prober = new DownlinkProber();
        DownlinkProber.Action action = DownlinkProber.Action.NONE;
        for (long ms = 0; ms <= DownlinkProber.STABLE_HOLD_NS / MS && action == DownlinkProber.Action.NONE; ms += 20) {
            action = prober.onTick(nowNs + ms * MS, estimateBps, 0, neededBps, -1, 0);
        }
        assertEquals(DownlinkProber.Action.START_PROBE, action);
        assertTrue(prober.probeRateBps() > estimateBps, "the probe covers layer and RTX");

        session.retransmissions = new RetransmissionBudget(RetransmissionBudget.WINDOW_NS);
        assertEquals(Math.ceil(2_000_000 * io.smoothcast.abr.RenditionSelector.DEFAULT_UP_SWITCH_MARGIN),
                subscription.probeNeededBps(session.downlink, 1, nowNs), 0.0, "without RTX: the layer alone");
    }
}
