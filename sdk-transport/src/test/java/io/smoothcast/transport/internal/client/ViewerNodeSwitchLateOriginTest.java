package io.smoothcast.transport.internal.client;

/** Every {@link ViewerNodeSwitchTest} again with the virtual clock starting at 2^62 ns (about 146 years). */
class ViewerNodeSwitchLateOriginTest extends ViewerNodeSwitchTest {
    @Override
    long originNs() {
        return 1L << 62;
    }
}
