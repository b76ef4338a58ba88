package io.smoothcast.transport.internal.client;

import io.smoothcast.transport.internal.failover.ConnectionSupervisor;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The nodes that carry a client now, primary first, published for readers on any thread: the
 * client's I/O thread renews them from its {@link ConnectionSupervisor} after each control message
 * and tick, allocating only when they changed.
 *
 * <p>{@link #refresh} on the I/O thread only; {@link #nodes} from any thread.
 */
public final class CarryingNodes {

    /** Replaced as a whole on a change. */
    private volatile List<InetSocketAddress> nodes = List.of();

    /**
     * Publishes the supervisor's carrying nodes if they changed.
     *
     * @param supervisor the client's supervisor
     * @return whether they changed (then {@link #nodes} returns a new list)
     */
    public boolean refresh(ConnectionSupervisor supervisor) {
        List<InetSocketAddress> current = nodes;
        int n = supervisor.connectedCount();
        boolean same = current.size() == n;
        for (int i = 0; same && i < n; i++) {
            same = current.get(i).equals(supervisor.connected(i));
        }
        if (!same) {
            InetSocketAddress[] now = new InetSocketAddress[n];
            for (int i = 0; i < n; i++) {
                now[i] = supervisor.connected(i);
            }
            nodes = List.of(now);
        }
        return !same;
    }

    /** @return the nodes, primary first (an unmodifiable list); empty while none carries the client */
    public List<InetSocketAddress> nodes() {
        return nodes;
    }
}
