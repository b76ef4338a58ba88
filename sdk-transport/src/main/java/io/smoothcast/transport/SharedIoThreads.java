package io.smoothcast.transport;

import io.netty.channel.EventLoopGroup;
import io.smoothcast.transport.internal.netty.UdpTransport;

/**
 * A pool of I/O threads that many {@link Broadcaster}s and {@link Viewer}s in one process can
 * share (load tests, monitoring probes, apps that watch several streams), instead of one I/O
 * thread each. Each client's socket stays on one thread of the pool for its whole life, so its
 * protocol logic remains single-threaded. Uses epoll where available, NIO otherwise.
 *
 * <p>Closing the clients does not stop the pool; close the pool after its clients.
 *
 * <p>Thread-safe.
 */
public final class SharedIoThreads implements AutoCloseable {

    private final UdpTransport transport;
    private final EventLoopGroup group;

    private SharedIoThreads(UdpTransport transport, int threads) {
        this.transport = transport;
        this.group = transport.newGroup(threads, "smoothcast-shared-io");
    }

    /**
     * Starts a pool.
     *
     * @param threads number of I/O threads, 1-256
     * @return the running pool
     * @throws IllegalArgumentException if {@code threads} is out of range
     */
    public static SharedIoThreads create(int threads) {
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("threads must be 1-256: " + threads);
        }
        return new SharedIoThreads(UdpTransport.best(), threads);
    }

    UdpTransport transport() {
        return transport;
    }

    EventLoopGroup group() {
        return group;
    }

    /** Stops the threads (waits up to 5 s). Clients still using the pool stop working. */
    @Override
    public void close() {
        UdpTransport.shutdown(group);
    }
}
