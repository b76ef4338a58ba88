package io.smoothcast.transport.internal.client;

/** Every {@link BroadcasterEngineTest} again with the virtual clock starting at 2^62 ns (about 146 years). */
class BroadcasterEngineLateOriginTest extends BroadcasterEngineTest {
    @Override
    long originNs() {
        return 1L << 62;
    }
}
