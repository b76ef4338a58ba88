package io.smoothcast.transport.internal.client;

/** Every {@link ClientControlTest} again with the virtual clock starting at 2^62 ns (about 146 years). */
class ClientControlLateOriginTest extends ClientControlTest {
    @Override
    long originNs() {
        return 1L << 62;
    }
}
