package io.smoothcast.abr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulcastLayerSelectorTest {

    private static final long MS = 1_000_000L;

    private final RenditionLadder layers = RenditionLadder.of(List.of(
            Rendition.video("180p", 150_000, 320, 180),
            Rendition.video("360p", 500_000, 640, 360),
            Rendition.video("720p", 1_500_000, 1280, 720)));
    private final List<String> changes = new ArrayList<>();
    private final SimulcastLayerSelector selector = new SimulcastLayerSelector(layers,
            (previous, current, estimateBps, nowNs) ->
                    changes.add(previous + "->" + current + " @" + nowNs / MS));

    private void feed(long estimateBps, long fromMs, long toMs) {
        for (long t = fromMs; t < toMs; t += 100) {
            selector.update(estimateBps, t * MS);
        }
    }

    @Test
    void initial_forwardsLowestLayer() {
        assertEquals(0, selector.currentLayer());
    }

    @Test
    void up_afterHoldAboveLayerTimesMargin() {
        feed(600_000, 0, 2_000); // 500k x 1.15 = 575k
        assertEquals(0, selector.currentLayer());
        selector.update(600_000, 2_000 * MS);
        assertEquals(1, selector.currentLayer());
        assertEquals(List.of("0->1 @2000"), changes);
    }

    @Test
    void down_atOnceWhenEstimateFallsBelowForwardedLayer() {
        feed(2_000_000, 0, 2_100);
        assertEquals(2, selector.currentLayer());
        selector.update(400_000, 2_100 * MS);
        assertEquals(0, selector.currentLayer());
    }

    @Test
    void estimateBelowEveryLayer_keepsLowestLayer() {
        feed(10_000, 0, 5_000);
        assertEquals(0, selector.currentLayer());
        assertEquals(0, selector.switchCount());
    }

    @Test
    void pausedLayers_areSkippedAndForwardedLayerPauseMovesAtOnce() {
        selector.setLayerActive(1, false);
        feed(700_000, 0, 5_000);
        assertEquals(0, selector.currentLayer(), "360p paused, 720p does not fit");
        feed(2_000_000, 5_000, 7_100);
        assertEquals(2, selector.currentLayer());
        selector.setLayerActive(2, false);
        selector.setLayerActive(1, true);
        selector.update(2_000_000, 7_100 * MS);
        assertEquals(1, selector.currentLayer());
    }

    @Test
    void noActiveLayer_returnsNoLayerUntilOneResumes() {
        for (int i = 0; i < layers.size(); i++) {
            selector.setLayerActive(i, false);
        }
        assertEquals(SimulcastLayerSelector.NO_LAYER, selector.update(1_000_000, 0));
        selector.setLayerActive(1, true);
        assertEquals(1, selector.update(1_000_000, 100 * MS));
    }

    @Test
    void rejectsBadArgumentsNamingThem() {
        assertThrows(IllegalArgumentException.class, () -> selector.update(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> selector.setLayerActive(3, true));
        assertThrows(IllegalArgumentException.class,
                () -> new SimulcastLayerSelector(RenditionLadder.defaults(), LayerListener.NONE));
        assertThrows(IllegalArgumentException.class,
                () -> new SimulcastLayerSelector(layers, 0.5, 1000, LayerListener.NONE));
    }
}
