package io.smoothcast.transport.internal;

import io.smoothcast.transport.RelayNode;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Starts relay nodes on loopback ports below the kernel's ephemeral range (32768-60999 by
 * default), for runs that kill a node and restart it on its port: the samples' chaos and
 * failover-bench commands, and the transport's failover tests. Had the port come from the
 * ephemeral range (port 0), a socket bound to port 0 while the node was dead (an emulator's socket
 * towards a node, a client's probe) could be handed that very port and keep the node from coming
 * back ("Address already in use", seen once in CI).
 *
 * <p>It lives in the library, not in a test fixture, because the samples need it at run time and
 * the transport's tests cannot see the samples; one copy keeps the port range one rule.
 *
 * <p>Thread-safe (stateless).
 */
public final class LoopbackNodePorts {

    /** The lowest port tried. */
    public static final int FIRST_PORT = 20_000;
    /** The highest port tried: well below the ephemeral range. */
    public static final int LAST_PORT = 31_999;
    private static final int ATTEMPTS = 100;

    private LoopbackNodePorts() {
    }

    /**
     * Starts a node from {@code builder} on a random free loopback port in
     * {@value #FIRST_PORT}-{@value #LAST_PORT}; the builder's bind address is overwritten.
     *
     * @throws IllegalStateException if {@value #ATTEMPTS} random ports were all taken
     */
    public static RelayNode startBelowEphemeralRange(RelayNode.Builder builder) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST_PORT, LAST_PORT + 1);
            try {
                return builder.bindAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).build()
                        .start();
            } catch (UncheckedIOException e) {
                last = e; // taken by another program: try another
            }
        }
        throw new IllegalStateException("no free loopback port for a node in " + FIRST_PORT + "-" + LAST_PORT, last);
    }

    /**
     * Starts a new node on a dead node's address, retrying for up to a second: the old socket can
     * stay busy for a moment after the close.
     *
     * @throws IllegalStateException if the address stayed taken
     * @throws InterruptedException if interrupted while waiting to retry
     */
    public static RelayNode restart(InetSocketAddress address) throws InterruptedException {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                return RelayNode.builder().bindAddress(address).build().start();
            } catch (RuntimeException e) {
                last = e;
                Thread.sleep(20); // the old socket is still being released
            }
        }
        throw new IllegalStateException("cannot restart the node on " + address, last);
    }
}
