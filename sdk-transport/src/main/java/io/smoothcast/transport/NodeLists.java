package io.smoothcast.transport;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/** Checks the node lists the client builders take. */
final class NodeLists {

    /** Most nodes a client is given. */
    static final int MAX_NODES = 16;

    private NodeLists() {
    }

    /** Only that the addresses are non-null and distinct (any count). */
    static List<InetSocketAddress> requireDistinct(List<InetSocketAddress> nodes, String name) {
        for (InetSocketAddress node : nodes) {
            Objects.requireNonNull(node, name + " element");
        }
        if (new HashSet<>(nodes).size() != nodes.size()) {
            throw new IllegalArgumentException(name + " must not repeat an address: " + nodes);
        }
        return List.copyOf(nodes);
    }

    static List<InetSocketAddress> require(List<InetSocketAddress> nodes, String name) {
        Objects.requireNonNull(nodes, name);
        if (nodes.isEmpty() || nodes.size() > MAX_NODES) {
            throw new IllegalArgumentException(name + " must hold 1-" + MAX_NODES + " addresses: " + nodes.size());
        }
        for (InetSocketAddress node : nodes) {
            requireResolvedWithPort(node, name);
        }
        if (new HashSet<>(nodes).size() != nodes.size()) {
            throw new IllegalArgumentException(name + " must not repeat an address: " + nodes);
        }
        return List.copyOf(nodes);
    }

    /**
     * Checks that a node address can be sent to at all (it says nothing about reachability):
     * resolved (an unresolved address would leave the client CONNECTING without a word, every
     * datagram failing to leave) and with a port.
     *
     * @throws NullPointerException if {@code node} is null
     * @throws IllegalArgumentException naming {@code name} otherwise
     */
    static InetSocketAddress requireResolvedWithPort(InetSocketAddress node, String name) {
        Objects.requireNonNull(node, name + " element");
        if (node.isUnresolved()) {
            throw new IllegalArgumentException(name + ": host '" + node.getHostString()
                    + "' did not resolve to an address (check the name and DNS): " + node);
        }
        if (node.getPort() == 0) {
            throw new IllegalArgumentException(name + ": port must be 1-65535: " + node);
        }
        return node;
    }
}
