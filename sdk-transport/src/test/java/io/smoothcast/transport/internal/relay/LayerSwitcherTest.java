package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LayerSwitcherTest {

    private static final long MS = 1_000_000L;
    private final LayerSwitcher switcher = new LayerSwitcher(300 * MS);

    @Test
    void start_forwardsTheFirstLayerAtOnce_andNothingElse() {
        switcher.startWith(2);
        assertTrue(switcher.forward(2, false, false));
        assertFalse(switcher.forward(1, true, false));
        assertFalse(switcher.forward(0, false, true));
        assertFalse(switcher.keyframeRequestDue(0));
    }

    @Test
    void switchDown_waitsForTheTargetKeyframe_thenStopsTheOldLayerAtItsFrameBoundary() {
        switcher.startWith(2);
        switcher.setTarget(0);
        assertTrue(switcher.keyframeRequestDue(0), "a keyframe is asked for at once");
        assertTrue(switcher.forward(2, false, false), "old layer goes on while the target has no keyframe");
        assertFalse(switcher.forward(0, false, true), "a delta frame of the target is not a place to start");
        assertTrue(switcher.forward(0, true, false), "the target starts at its keyframe");
        assertEquals(0, switcher.forwardedLayer());
        assertTrue(switcher.forward(2, false, true), "the old layer's open frame is finished");
        assertFalse(switcher.forward(2, true, false), "then the old layer stops");
        assertTrue(switcher.forward(0, false, true));
    }

    @Test
    void switch_whenTheOldLayerIsBetweenFrames_stopsItAtOnce() {
        switcher.startWith(1);
        assertTrue(switcher.forward(1, false, true)); // frame ended
        switcher.setTarget(2);
        assertTrue(switcher.forward(2, true, false));
        assertFalse(switcher.forward(1, false, false));
    }

    @Test
    void keyframeRequests_repeatOnlyAfterTheInterval_andStopWhenTheTargetIsReached() {
        switcher.startWith(2);
        switcher.setTarget(1);
        assertTrue(switcher.keyframeRequestDue(1_000 * MS));
        assertFalse(switcher.keyframeRequestDue(1_100 * MS));
        assertFalse(switcher.keyframeRequestDue(1_299 * MS));
        assertTrue(switcher.keyframeRequestDue(1_300 * MS));
        switcher.forward(1, true, true);
        assertFalse(switcher.keyframeRequestDue(2_000 * MS));
    }

    @Test
    void targetBackToTheForwardedLayer_cancelsThePendingSwitch() {
        switcher.startWith(2);
        switcher.setTarget(0);
        switcher.setTarget(2);
        assertEquals(LayerSwitcher.NONE, switcher.pendingLayer());
        assertFalse(switcher.forward(0, true, true));
        assertFalse(switcher.keyframeRequestDue(0));
    }

    /**
     * Random packets of three layers and random targets: whatever the order, every layer's run of
     * forwarded packets starts at a keyframe (or the first layer) and ends at a frame boundary.
     */
    @Test
    void randomTraffic_everyForwardedRunStartsAtAKeyframe_andEndsAFrame() {
        long seed = 0x5EED_1A7E5L;
        SplittableRandom random = new SplittableRandom(seed);
        switcher.startWith(2);
        boolean[] frameOpen = new boolean[3];
        boolean[] forwardingOpenFrame = new boolean[3];
        boolean[] inRun = new boolean[3];
        inRun[2] = true;
        for (int i = 0; i < 20_000; i++) {
            if (random.nextInt(50) == 0) {
                switcher.setTarget(random.nextInt(3));
            }
            int layer = random.nextInt(3);
            boolean start = !frameOpen[layer];
            boolean keyframeStart = start && random.nextInt(10) == 0;
            boolean marker = random.nextInt(4) == 0;
            frameOpen[layer] = !marker;
            boolean forwarded = switcher.forward(layer, keyframeStart, marker);
            if (forwarded && !inRun[layer]) {
                assertTrue(keyframeStart, "seed " + seed + ", packet " + i + ": layer " + layer + " restarted off a keyframe");
                inRun[layer] = true;
            }
            if (!forwarded && inRun[layer]) {
                assertFalse(forwardingOpenFrame[layer], "seed " + seed + ", packet " + i + ": layer " + layer
                        + " stopped inside a frame");
                inRun[layer] = false;
            }
            if (forwarded) {
                forwardingOpenFrame[layer] = !marker;
            }
        }
        assertTrue(switcher.switchCount() > 10, "seed " + seed + ": the walk should switch layers often");
    }
}
