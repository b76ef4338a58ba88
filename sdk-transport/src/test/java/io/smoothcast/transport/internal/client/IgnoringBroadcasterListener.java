package io.smoothcast.transport.internal.client;

import io.smoothcast.transport.ConnectionState;

/**
 * Test fixture: a {@link BroadcasterEngine.Listener} that ignores every event, for engines whose
 * events a test does not look at ({@link #INSTANCE}); a test that looks at one or two events
 * extends it and overrides just those. No wake-up is scheduled: the tests tick the engine by hand.
 *
 * <p>Stateless; a subclass is as thread-safe as what it adds.
 */
public class IgnoringBroadcasterListener implements BroadcasterEngine.Listener {

    /** Ignores everything. */
    public static final BroadcasterEngine.Listener INSTANCE = new IgnoringBroadcasterListener();

    @Override
    public void onStateChanged(ConnectionState state, String reason) {
    }

    @Override
    public void onKeyframeRequested() {
    }

    @Override
    public void onTargetBitrate(long bitrateBps) {
    }

    @Override
    public void wakeIn(long delayNs) {
    }
}
