package io.smoothcast.transport.internal.relay;

/** Every {@link RelayEngineTest} again with the virtual clock starting at 2^62 ns (about 146 years). */
class RelayEngineLateOriginTest extends RelayEngineTest {
    @Override
    long originNs() {
        return 1L << 62;
    }
}
