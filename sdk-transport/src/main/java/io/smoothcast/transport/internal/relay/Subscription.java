package io.smoothcast.transport.internal.relay;

import io.smoothcast.transport.MediaKind;

/** A session's subscription to one stream, and the simulcast layer it gets. I/O thread only. */
final class Subscription {

    final RelaySession session;
    final RelayStream stream;
    int maxSimulcastLayer;
    int maxBitrateBps;
    /** The video layer forwarded now: the highest available one not above the maximum. */
    int selectedLayer;

    Subscription(RelaySession session, RelayStream stream, int maxSimulcastLayer, int maxBitrateBps) {
        this.session = session;
        this.stream = stream;
        this.maxSimulcastLayer = maxSimulcastLayer;
        this.maxBitrateBps = maxBitrateBps;
    }

    /** Recomputes the layer after the stream's tracks or this subscription's limits changed. */
    void selectLayer() {
        selectedLayer = stream.highestVideoLayerAtMost(maxSimulcastLayer);
    }

    boolean wants(RelayTrack track) {
        return track.track.kind() != MediaKind.VIDEO || track.track.simulcastLayer() == selectedLayer;
    }
}
