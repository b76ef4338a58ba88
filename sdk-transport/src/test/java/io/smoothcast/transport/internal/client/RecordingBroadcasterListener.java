package io.smoothcast.transport.internal.client;

import io.smoothcast.transport.ConnectionState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A {@link BroadcasterEngine.Listener} for tests: records what the engine told it, in order. */
final class RecordingBroadcasterListener implements BroadcasterEngine.Listener {
    /** States (lower case), {@code "keyframe"} and {@code "target <bps>"}, in order. */
    final List<String> events = new ArrayList<>();
    /** Each {@link #wakeIn} delay, in ns. */
    final List<Long> wakeDelaysNs = new ArrayList<>();

    @Override
    public void onStateChanged(ConnectionState state, String reason) {
        events.add(state.name().toLowerCase(Locale.ROOT));
    }

    @Override
    public void onKeyframeRequested() {
        events.add("keyframe");
    }

    @Override
    public void onTargetBitrate(long bitrateBps) {
        events.add("target " + bitrateBps);
    }

    @Override
    public void wakeIn(long delayNs) {
        wakeDelaysNs.add(delayNs);
    }
}
