package io.smoothcast.transport.internal.client;

import java.util.concurrent.TimeUnit;

/** Every {@link ViewerNodeSwitchTest} again with the virtual clock starting an hour before the clock's zero. */
class ViewerNodeSwitchNegativeOriginTest extends ViewerNodeSwitchTest {
    @Override
    long originNs() {
        return -TimeUnit.HOURS.toNanos(1);
    }
}
