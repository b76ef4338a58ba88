package io.smoothcast.transport;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Test fixture: starts a relay node that a test kills and restarts on its port on a loopback port
 * below the kernel's ephemeral range (32768-60999 by default). From a port-0 bind the port would
 * be an ephemeral one, and any socket bound to port 0 while the node is dead (a client's, an
 * emulator's) can be handed it, so the restart fails on "Address already in use".
 *
 * <p>The samples' {@code io.smoothcast.samples.internal.NodePorts} does the same for the chaos and
 * failover-bench commands; this module's tests cannot see the samples, and the SDK library is no
 * place for a test aid, hence two copies of these few lines.
 */
final class LoopbackNodePorts {

    static final int FIRST_PORT = 20_000;
    static final int LAST_PORT = 31_999;

    private LoopbackNodePorts() {
    }

    /** Starts a node from {@code builder} (its bind address is overwritten) on a free port in the range. */
    static RelayNode startBelowEphemeralRange(RelayNode.Builder builder) {
        UncheckedIOException last = null;
        for (int attempt = 0; attempt < 100; attempt++) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    ThreadLocalRandom.current().nextInt(FIRST_PORT, LAST_PORT + 1));
            try {
                return builder.bindAddress(address).build().start();
            } catch (UncheckedIOException e) {
                last = e; // taken by another program: try another
            }
        }
        throw new IllegalStateException("no free loopback port in " + FIRST_PORT + "-" + LAST_PORT, last);
    }
}
