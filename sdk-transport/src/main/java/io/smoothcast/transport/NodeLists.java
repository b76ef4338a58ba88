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
        if (new HashSet<>(nodes).size() != nodes.size()) {
            throw new IllegalArgumentException(name + " must not repeat an address: " + nodes);
        }
        for (InetSocketAddress node : nodes) {
            Objects.requireNonNull(node, name + " element");
        }
        return List.copyOf(nodes);
    }
}
