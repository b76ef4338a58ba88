package io.smoothcast.transport.internal.client;

import java.util.concurrent.TimeUnit;

/** Every {@link BroadcasterEngineTest} again with the virtual clock starting an hour before the clock's zero. */
class BroadcasterEngineNegativeOriginTest extends BroadcasterEngineTest {
    @Override
    long originNs() {
        return -TimeUnit.HOURS.toNanos(1);
    }
}
