package io.smoothcast.transport.internal.relay;

import java.util.concurrent.TimeUnit;

/** Every {@link DownlinkProberTest} again with the virtual clock starting an hour before the clock's zero. */
class DownlinkProberNegativeOriginTest extends DownlinkProberTest {
    @Override
    long originNs() {
        return -TimeUnit.HOURS.toNanos(1);
    }
}
