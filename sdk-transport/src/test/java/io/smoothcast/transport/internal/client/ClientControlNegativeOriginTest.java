package io.smoothcast.transport.internal.client;

import java.util.concurrent.TimeUnit;

/** Every {@link ClientControlTest} again with the virtual clock starting an hour before the clock's zero. */
class ClientControlNegativeOriginTest extends ClientControlTest {
    @Override
    long originNs() {
        return -TimeUnit.HOURS.toNanos(1);
    }
}
