package io.smoothcast.transport.internal.relay;

import java.util.concurrent.TimeUnit;

/** Every {@link PublisherUplinkStallTest} again with the virtual clock starting an hour before the clock's zero. */
class PublisherUplinkStallNegativeOriginTest extends PublisherUplinkStallTest {
    @Override
    long originNs() {
        return -TimeUnit.HOURS.toNanos(1);
    }
}
