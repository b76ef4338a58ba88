package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.VideoPayloadFormat;
import io.smoothcast.transport.internal.control.Track;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * A layer left and re-entered shows the subscriber a jump in that layer's sequence numbers; the
 * packets in the jump were never meant for it, so NACKs for them must not be answered.
 */
class LayerStartNackTest {

    private static final Track LOW = new Track(0x100, 0x101, 96, 97, MediaKind.VIDEO, 0, 90_000, 300_000);
    private static final Track HIGH = new Track(0x200, 0x201, 96, 97, MediaKind.VIDEO, 1, 90_000, 1_000_000);
    private static final Track AUDIO = new Track(0x300, 0, 111, 0, MediaKind.AUDIO, 0, 48_000, 32_000);

    private final RelayTrack low = new RelayTrack(LOW, 16, 0, VideoPayloadFormat.GENERIC);
    private final RelayTrack high = new RelayTrack(HIGH, 16, 0, VideoPayloadFormat.GENERIC);
    private final RelayTrack audio = new RelayTrack(AUDIO, 16, 0, VideoPayloadFormat.GENERIC);
    private final Subscription subscription = subscription();

    private Subscription subscription() {
        RelayStream stream = new RelayStream("show");
        stream.tracks = new RelayTrack[] {low, high, audio};
        Subscription s = new Subscription(new RelaySession(new InetSocketAddress("127.0.0.1", 6000), 1, 0), stream, 1,
                0, 1_000_000_000L);
        s.selectLayer(); // starts on the cap, layer 1
        return s;
    }

    @Test
    void nacksFromBeforeASwitchToALayer_predateItsStart_laterOnesDoNot() {
        assertFalse(subscription.predatesLayerStart(high, 10), "the first layer has no switch to it");
        subscription.switcher.setTarget(0);
        assertTrue(subscription.wants(low, 500, true, false), "layer 0 starts at its keyframe");
        assertTrue(subscription.predatesLayerStart(low, 499));
        assertTrue(subscription.predatesLayerStart(low, 300));
        assertFalse(subscription.predatesLayerStart(low, 500));
        assertFalse(subscription.predatesLayerStart(low, 501));

        subscription.switcher.setTarget(1);
        assertTrue(subscription.wants(high, 65_530, true, true), "back to layer 1 at its keyframe, near the wrap");
        assertTrue(subscription.predatesLayerStart(high, 65_400), "the packets skipped while on layer 0");
        assertFalse(subscription.predatesLayerStart(high, 3), "after the wrap: sent to the subscriber");
        assertFalse(subscription.predatesLayerStart(audio, 1), "audio is never switched");
    }

    @Test
    void aLayerStartIsForgottenLongAfter_soSerialComparisonNeverWraps() {
        subscription.switcher.setTarget(0);
        subscription.wants(low, 1_000, true, true);
        for (int seq = 1_001; seq <= 1_000 + 20_000; seq++) {
            subscription.wants(low, seq, false, true);
        }
        int halfASpaceOn = (1_000 + 40_000) & 0xFFFF; // reads as "before" against a start 40k back
        assertFalse(subscription.predatesLayerStart(low, halfASpaceOn));
        assertEquals(0, subscription.switcher.forwardedLayer());
    }
}
