package io.smoothcast.abr;

/**
 * Receives layer changes from a {@link SimulcastLayerSelector}.
 *
 * <p>Callbacks run synchronously on the thread that calls the selector, inside that call. They
 * must be fast, must not block and must not throw. A typical reaction is to request a key frame
 * (PLI) on the new layer and switch forwarding once it arrives.
 */
@FunctionalInterface
public interface LayerListener {

    /** A listener that ignores every event. */
    LayerListener NONE = (previousLayer, currentLayer, estimateBps, nowNs) -> { };

    /**
     * The layer to forward changed.
     *
     * @param previousLayer the layer index forwarded before, or
     *     {@link SimulcastLayerSelector#NO_LAYER}
     * @param currentLayer the layer index to forward now, or {@link SimulcastLayerSelector#NO_LAYER}
     * @param estimateBps the viewer's bandwidth estimate at the change, in bits per second
     * @param nowNs the time passed to the selector, in nanoseconds
     */
    void onLayerChanged(int previousLayer, int currentLayer, long estimateBps, long nowNs);
}
