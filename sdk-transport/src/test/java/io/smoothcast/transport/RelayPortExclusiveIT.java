package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.UnixOperatingSystemMXBean;
import io.netty.channel.epoll.Epoll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A relay with several fan-out threads holds its port alone, although its sockets share it
 * (SO_REUSEPORT): Linux lets a socket of the same user with SO_REUSEPORT join a port whose
 * sockets have it set, by binding that port or by landing on it when binding port 0, and the
 * kernel would then split the node's incoming datagrams with that stranger.
 */
class RelayPortExclusiveIT {

    /** Relays started while strangers hold ports: on main's code about a quarter landed on one each. */
    private static final int STARTS = 20;

    /**
     * SO_REUSEPORT sockets of this user held on 127.0.0.1 during those starts: about a quarter of
     * Linux's default ephemeral range (32768-60999), so that a port-0 bind with SO_REUSEPORT lands
     * on one of their ports about one time in four.
     */
    private static final int HELD = 7_000;

    /** Files the relays started meanwhile (and the JVM) may open besides the strangers. */
    private static final int SPARE_DESCRIPTORS = 500;

    @Test
    @Timeout(60)
    void secondRelayOnTheSamePort_failsToStart_namingThePort() {
        assumeTrue(Epoll.isAvailable(), "sockets sharing a port need the epoll transport");
        try (RelayNode first = RelayNode.builder().fanOutThreads(2).build().start()) {
            assertEquals(2, first.fanOutThreads());
            InetSocketAddress taken = first.localAddress();
            RelayNode second = RelayNode.builder().fanOutThreads(2).bindAddress(taken).build();
            try {
                UncheckedIOException refused = assertThrows(UncheckedIOException.class, second::start,
                        "a second node must not join the first one's port");
                assertTrue(refused.getMessage().contains(String.valueOf(taken.getPort())), refused.getMessage());
                assertTrue(refused.getMessage().toLowerCase(java.util.Locale.ROOT).contains("in use"),
                        refused.getMessage());
            } finally {
                second.close();
            }
        }
    }

    @Test
    @Timeout(120)
    void relayOnPortZero_neverLandsOnAPortOtherReusePortSocketsHold() throws IOException {
        assumeTrue(Epoll.isAvailable(), "sockets sharing a port need the epoll transport");
        // Skipped, not failed, where the process may not open that many files (ulimit -n).
        long spare = ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount() : 0;
        assumeTrue(spare >= HELD + SPARE_DESCRIPTORS, "needs " + (HELD + SPARE_DESCRIPTORS)
                + " more open files than the " + spare + " this process may still open (ulimit -n)");
        List<DatagramChannel> strangers = new ArrayList<>(HELD);
        try {
            Set<Integer> heldPorts = new HashSet<>();
            for (int i = 0; i < HELD; i++) {
                DatagramChannel stranger = DatagramChannel.open(StandardProtocolFamily.INET);
                strangers.add(stranger);
                stranger.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                stranger.bind(new InetSocketAddress("127.0.0.1", 0));
                heldPorts.add(((InetSocketAddress) stranger.getLocalAddress()).getPort());
            }
            for (int i = 0; i < STARTS; i++) {
                try (RelayNode relay = RelayNode.builder().fanOutThreads(2).build().start()) {
                    int port = relay.localAddress().getPort();
                    assertFalse(heldPorts.contains(port), "start " + i + ": the node took port " + port
                            + ", held by another socket (" + heldPorts.size() + " ports held)");
                }
            }
        } finally {
            for (DatagramChannel stranger : strangers) {
                stranger.close();
            }
        }
    }
}
