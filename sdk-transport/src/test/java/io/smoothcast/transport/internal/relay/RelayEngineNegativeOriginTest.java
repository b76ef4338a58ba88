package io.smoothcast.transport.internal.relay;

import java.util.concurrent.TimeUnit;

/** Every {@link RelayEngineTest} again with the virtual clock starting an hour before the clock's zero. */
class RelayEngineNegativeOriginTest extends RelayEngineTest {
    @Override
    long originNs() {
        return -TimeUnit.HOURS.toNanos(1);
    }
}
