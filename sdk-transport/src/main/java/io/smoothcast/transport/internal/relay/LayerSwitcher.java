package io.smoothcast.transport.internal.relay;

/**
 * Moves one subscriber's video from one simulcast layer to another without handing its decoder
 * a broken frame: a new layer starts only at a keyframe of that layer, and the old layer keeps
 * going until the frame it is in the middle of has ended (its marker bit), then stops.
 *
 * <p>Until a target layer's keyframe arrives, the layer forwarded so far stays on, and a
 * keyframe request for the target is due at once and then again every keyframe request
 * interval (the engine's per-stream PLI limit applies on top).
 *
 * <p>Not thread-safe: the relay's I/O thread. Allocates nothing.
 */
final class LayerSwitcher {

    /** No layer. */
    static final int NONE = -1;

    private final long keyframeRequestIntervalNs;
    private int forwardedLayer = NONE;
    private int pendingLayer = NONE;
    private int drainingLayer = NONE;
    /** Whether the last packet forwarded on the forwarded layer did not end its frame. */
    private boolean forwardedFrameOpen;
    private boolean requested;
    private long lastRequestNs;
    private long switchCount;

    /**
     * @param keyframeRequestIntervalNs how long, in ns, to wait before asking again for the
     *     target layer's keyframe
     */
    LayerSwitcher(long keyframeRequestIntervalNs) {
        this.keyframeRequestIntervalNs = keyframeRequestIntervalNs;
    }

    /**
     * Forwards a layer from now on without waiting for its keyframe: for the first layer, whose
     * start the subscriber's jitter buffer holds back until a keyframe anyway, or to replace a
     * layer the source no longer sends.
     */
    void startWith(int layer) {
        forwardedLayer = layer;
        pendingLayer = NONE;
        drainingLayer = NONE;
        forwardedFrameOpen = false;
        switchCount++;
    }

    /** Sets the layer this subscriber should get; {@link #NONE} keeps what is forwarded now. */
    void setTarget(int layer) {
        if (layer == NONE || layer == forwardedLayer) {
            pendingLayer = NONE;
            return;
        }
        if (layer != pendingLayer) {
            pendingLayer = layer;
            requested = false;
        }
    }

    /**
     * Returns true, once per interval, while a target layer waits for its keyframe: the caller
     * then asks the source for one (PLI on that layer's SSRC).
     */
    boolean keyframeRequestDue(long nowNs) {
        if (pendingLayer == NONE || (requested && nowNs - lastRequestNs < keyframeRequestIntervalNs)) {
            return false;
        }
        requested = true;
        lastRequestNs = nowNs;
        return true;
    }

    /**
     * Decides whether one video packet goes to this subscriber.
     *
     * @param layer the packet's simulcast layer
     * @param keyframeStart whether the packet starts a keyframe
     * @param marker the packet's RTP marker bit (last packet of a frame)
     * @return whether to forward it
     */
    boolean forward(int layer, boolean keyframeStart, boolean marker) {
        // One switch at a time: a layer still finishing its frame must not be cut by the next one.
        if (layer == pendingLayer && keyframeStart && drainingLayer == NONE) {
            drainingLayer = forwardedLayer != NONE && forwardedFrameOpen ? forwardedLayer : NONE;
            forwardedLayer = layer;
            pendingLayer = NONE;
            forwardedFrameOpen = !marker;
            switchCount++;
            return true;
        }
        if (layer == forwardedLayer) {
            forwardedFrameOpen = !marker;
            return true;
        }
        if (layer == drainingLayer) {
            if (marker) {
                drainingLayer = NONE;
            }
            return true;
        }
        return false;
    }

    /** The layer whose frames go out now, or {@link #NONE} before the first keyframe. */
    int forwardedLayer() {
        return forwardedLayer;
    }

    /** The layer waiting for its keyframe, or {@link #NONE}. */
    int pendingLayer() {
        return pendingLayer;
    }

    /** How many times a new layer started (the first one included). */
    long switchCount() {
        return switchCount;
    }
}
