package io.smoothcast.transport;

import io.netty.channel.EventLoopGroup;
import io.smoothcast.transport.internal.netty.UdpTransport;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A pool of I/O threads that many {@link Broadcaster}s and {@link Viewer}s in one process can
 * share (load tests, monitoring probes, apps that watch several streams), instead of one I/O
 * thread each. Each client's socket stays on one thread of the pool for its whole life, so its
 * protocol logic remains single-threaded. Uses epoll where available, NIO otherwise.
 *
 * <p>Closing the clients does not stop the pool; close the pool after its clients. A pool closed
 * first closes the clients still on it, as their own {@code close()} would (goodbye to the node,
 * queued frames dropped and counted, {@link ConnectionState#CLOSED} told to their listeners with
 * the reason {@code "shared I/O threads closed"}), then stops its threads.
 *
 * <p>Thread-safe.
 */
public final class SharedIoThreads implements AutoCloseable {

    private final UdpTransport transport;
    /** The reason the clients' listeners get with {@link ConnectionState#CLOSED} when the pool closes them. */
    static final String CLOSED_REASON = "shared I/O threads closed";

    private final EventLoopGroup group;
    /** The closes of the clients started on the pool and not closed yet; guarded by itself. */
    private final Set<Runnable> clients = new LinkedHashSet<>();
    /** Set by {@link #close()}; guarded by {@link #clients}. */
    private boolean closed;

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

    /**
     * Enters a starting client, so that {@link #close()} closes it.
     *
     * @param close the client's close for a closed pool; runs at most once, on the pool's closing thread
     * @throws IllegalStateException if the pool is closed
     */
    void join(Runnable close) {
        synchronized (clients) {
            if (closed) {
                throw new IllegalStateException("the shared I/O threads are closed: start clients on an open pool");
            }
            clients.add(close);
        }
    }

    /** @param close a close given to {@link #join}: that client closed itself, the pool need not */
    void leave(Runnable close) {
        synchronized (clients) {
            clients.remove(close);
        }
    }

    /**
     * Closes the clients still on the pool (each as its own {@code close()}, waiting up to 5 s for
     * its I/O thread), then stops the threads (waits up to 5 s). Starting a client on a closed pool
     * fails. Idempotent. Call it from a thread of your own: from a thread of the pool (a listener
     * callback) the clients' goodbyes run once the callback returns, but the stop waits its whole
     * 5 s, since that thread cannot end while it waits. Only the first call closes: any later
     * one, also while the first still closes the clients (from another thread, or from a
     * client's listener inside it), returns at once and leaves the stop of the threads to it.
     */
    @Override
    public void close() {
        List<Runnable> closes;
        synchronized (clients) {
            if (closed) {
                // Stopping the threads here would refuse the first close's remaining client
                // closes (no goodbye); waiting for it could deadlock on a client's lifecycle lock
                // held by a close whose listener called this.
                return;
            }
            closed = true;
            closes = new ArrayList<>(clients);
            clients.clear();
        }
        // Outside the lock: a client's close takes its own lifecycle lock, which its start holds
        // while it joins the pool.
        for (Runnable close : closes) {
            close.run();
        }
        UdpTransport.shutdown(group);
    }
}
