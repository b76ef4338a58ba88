package io.smoothcast.abr;

import io.smoothcast.abr.internal.HeldAboveTracker;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Chooses, for one viewer, which simulcast layer a relay forwards, from the bandwidth estimate
 * of that viewer's downlink (the same estimator the broadcaster's controller uses, run per
 * subscriber on the relay).
 *
 * <p>Layers are given as a {@link RenditionLadder} of video renditions (index 0 = lowest). The
 * publisher may pause or resume layers at any time ({@link #setLayerActive}); only active layers
 * are chosen. Policy, the same as {@link RenditionSelector} without the audio fallback:
 * <ul>
 *   <li>down at once when the estimate falls below the forwarded layer's bitrate, to the highest
 *       active layer that fits (the lowest active layer if none fits: a viewer keeps some
 *       picture);</li>
 *   <li>up to active layer {@code j} only after the estimate has stayed at or above
 *       {@code bitrate(j) x upSwitchMargin} for the hold time;</li>
 *   <li>if the forwarded layer is paused, move at once to the best active layer that fits;</li>
 *   <li>{@link #NO_LAYER} when no layer is active.</li>
 * </ul>
 *
 * <p>Not thread-safe: one instance per viewer, used from the thread that handles that viewer's
 * feedback. Never reads a clock. Allocates nothing after construction.
 */
public final class SimulcastLayerSelector {

    /** Returned when no layer is active, so nothing can be forwarded. */
    public static final int NO_LAYER = -1;

    private final RenditionLadder layers;
    private final long upHoldNs;
    private final LayerListener listener;
    private final HeldAboveTracker heldAbove;
    private final boolean[] active;

    private int currentLayer;
    private long estimateBps;
    private long switchCount;

    /**
     * Creates a selector with the default margin and hold time of {@link RenditionSelector}; all
     * layers start active and the lowest layer is forwarded first.
     *
     * @param layers the simulcast layers, lowest first; must not contain an audio-only entry
     * @param listener receives layer changes
     */
    public SimulcastLayerSelector(RenditionLadder layers, LayerListener listener) {
        this(layers, RenditionSelector.DEFAULT_UP_SWITCH_MARGIN,
                RenditionSelector.DEFAULT_MIN_DURATION_FOR_QUALITY_INCREASE_MS, listener);
    }

    /**
     * Creates a selector; all layers start active and the lowest layer is forwarded first.
     *
     * @param layers the simulcast layers, lowest first; must not contain an audio-only entry
     * @param upSwitchMargin factor (at least 1.0) the estimate must exceed a higher layer's
     *     bitrate by before switching up
     * @param minDurationForQualityIncreaseMs time, in milliseconds (not negative), the estimate
     *     must hold above a higher layer before switching up
     * @param listener receives layer changes
     */
    public SimulcastLayerSelector(RenditionLadder layers, double upSwitchMargin,
            long minDurationForQualityIncreaseMs, LayerListener listener) {
        this.layers = Objects.requireNonNull(layers, "layers");
        if (layers.hasAudioOnly()) {
            throw new IllegalArgumentException("layers must not contain an audio-only entry");
        }
        if (!(upSwitchMargin >= 1.0) || Double.isInfinite(upSwitchMargin)) {
            throw new IllegalArgumentException("upSwitchMargin must be finite and >= 1.0: "
                    + upSwitchMargin);
        }
        if (minDurationForQualityIncreaseMs < 0) {
            throw new IllegalArgumentException("minDurationForQualityIncreaseMs must be >= 0: "
                    + minDurationForQualityIncreaseMs);
        }
        this.upHoldNs = TimeUnit.MILLISECONDS.toNanos(minDurationForQualityIncreaseMs);
        this.listener = Objects.requireNonNull(listener, "listener");
        long[] thresholds = new long[layers.size()];
        for (int i = 0; i < thresholds.length; i++) {
            thresholds[i] = (long) Math.ceil(layers.bitrateBps(i) * upSwitchMargin);
        }
        this.heldAbove = new HeldAboveTracker(thresholds);
        this.active = new boolean[layers.size()];
        Arrays.fill(active, true);
        this.currentLayer = 0;
    }

    /**
     * Feeds the viewer's latest bandwidth estimate and returns the layer to forward.
     *
     * @param estimateBps the downlink estimate, in bits per second; not negative
     * @param nowNs the current time, in nanoseconds, from the caller's monotonic clock
     * @return the layer index to forward, or {@link #NO_LAYER}
     * @throws IllegalArgumentException if {@code estimateBps} is negative
     */
    public int update(long estimateBps, long nowNs) {
        if (estimateBps < 0) {
            throw new IllegalArgumentException("estimateBps must be >= 0: " + estimateBps);
        }
        this.estimateBps = estimateBps;
        heldAbove.update(estimateBps, nowNs);
        if (currentLayer == NO_LAYER || !active[currentLayer]
                || estimateBps < layers.bitrateBps(currentLayer)) {
            int fit = bestActiveAtOrBelow(estimateBps);
            if (fit != currentLayer && (currentLayer == NO_LAYER || !active[currentLayer]
                    || fit < currentLayer)) {
                switchTo(fit, nowNs);
            }
            return currentLayer;
        }
        for (int j = layers.highestIndex(); j > currentLayer; j--) {
            if (active[j] && heldAbove.heldFor(j, upHoldNs, nowNs)) {
                switchTo(j, nowNs);
                break;
            }
        }
        return currentLayer;
    }

    /**
     * Marks a layer as sent or paused by the publisher. Pausing the forwarded layer moves to
     * another one at the next {@link #update}.
     *
     * @param layer the layer index
     * @param isActive whether the publisher currently sends it
     * @throws IllegalArgumentException if {@code layer} is out of range
     */
    public void setLayerActive(int layer, boolean isActive) {
        if (layer < 0 || layer >= active.length) {
            throw new IllegalArgumentException("layer must be in [0, " + active.length + "): "
                    + layer);
        }
        active[layer] = isActive;
    }

    private int bestActiveAtOrBelow(long bitrateBps) {
        int lowestActive = NO_LAYER;
        for (int i = layers.highestIndex(); i >= 0; i--) {
            if (!active[i]) {
                continue;
            }
            if (layers.bitrateBps(i) <= bitrateBps) {
                return i;
            }
            lowestActive = i;
        }
        return lowestActive;
    }

    private void switchTo(int layer, long nowNs) {
        int previous = currentLayer;
        currentLayer = layer;
        switchCount++;
        listener.onLayerChanged(previous, layer, estimateBps, nowNs);
    }

    /** Returns the layer index forwarded now, or {@link #NO_LAYER}. */
    public int currentLayer() {
        return currentLayer;
    }

    /** Returns how many times the forwarded layer has changed. */
    public long switchCount() {
        return switchCount;
    }
}
