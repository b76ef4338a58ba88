package io.smoothcast.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.smoothcast.transport.internal.netty.UdpTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool of I/O threads that many {@link Broadcaster}s and {@link Viewer}s in one process can
 * share (load tests, monitoring probes, apps that watch several streams), instead of one I/O
 * thread each. Each client's socket stays on one thread of the pool for its whole life, so its
 * protocol logic remains single-threaded. Uses epoll where available, NIO otherwise.
 *
 * <p>Closing the clients does not stop the pool; close the pool after its clients. A pool closed
 * first closes the clients still on it, all at once, each as its own {@code close()} would
 * (goodbye to the node, queued frames dropped and counted, {@link ConnectionState#CLOSED} told to
 * their listeners with the reason {@code "shared I/O threads closed"}), then stops its threads;
 * see {@link #close()} for how long that may block.
 *
 * <p>Thread-safe: clients may start on the pool, and the pool may be closed, from any thread.
 */
public final class SharedIoThreads implements AutoCloseable {

    private final UdpTransport transport;
    /** The reason the clients' listeners get with {@link ConnectionState#CLOSED} when the pool closes them. */
    static final String CLOSED_REASON = "shared I/O threads closed";
    /** The quiet period of the threads' stop, ms: see {@link #stop()}. */
    private static final long STOP_QUIET_MS = 100;
    private static final String CLOSED_MESSAGE = "the shared I/O threads are closed: start clients on an open pool";

    private final EventLoopGroup group;
    /** The closes of the clients started on the pool and not closed yet; guarded by itself. */
    private final Set<Runnable> clients = new LinkedHashSet<>();
    /** Set by {@link #close()}; guarded by {@link #clients}. */
    private boolean closed;
    /**
     * Completed by {@link #close()}, so that a start waiting for its bind on a pool thread gives up
     * at once instead of after its whole wait. Listeners run on the closing thread.
     */
    private final Promise<Void> closing = ImmediateEventExecutor.INSTANCE.newPromise();
    /**
     * How long {@link #close()} waits for its clients' closes together, and then for its threads
     * to stop, nanoseconds: 5 s each by default; a test seam.
     */
    private volatile long closeWaitNs = ClientIo.DEFAULT_CLOSE_WAIT_NS;

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

    /** @return completed once {@link #close()} was called: a start's bind stops waiting then */
    Future<Void> closing() {
        return closing;
    }

    /**
     * Enters a starting client, so that {@link #close()} closes it.
     *
     * @param close the client's close for a closed pool; runs at most once, on a thread the
     *     pool's close starts for it
     * @throws IllegalStateException if the pool is closed
     */
    void join(Runnable close) {
        synchronized (clients) {
            if (closed) {
                throw new IllegalStateException(CLOSED_MESSAGE);
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
     * @throws IllegalStateException the one a start on a closed pool fails with, if the pool is
     *     closed (or closing)
     */
    void checkOpen() {
        synchronized (clients) {
            if (closed) {
                throw new IllegalStateException(CLOSED_MESSAGE);
            }
        }
    }

    /**
     * Test hook: how long {@link #close()} waits for its clients' closes, and then for its threads
     * to stop (default 5 s each).
     *
     * @param wait the wait, > 0
     * @return this pool
     */
    SharedIoThreads closeWait(Duration wait) {
        if (wait.isZero() || wait.isNegative()) {
            throw new IllegalArgumentException("wait must be > 0: " + wait);
        }
        closeWaitNs = wait.toNanos();
        return this;
    }

    /**
     * Closes the clients still on the pool, then stops the threads. Idempotent; only the first
     * call closes: any later one, also while the first still closes the clients (from another
     * thread, or from a client's listener inside it), returns at once and leaves the stop of the
     * threads to it. Starting a client on the pool fails from the moment this is called, with an
     * {@link IllegalStateException}, also a start already waiting for its bind on a pool thread.
     *
     * <p>The clients' closes all start at once, each on a short-lived thread of its own, so that
     * one client whose I/O thread is held does not delay the others' goodbyes. From a thread of
     * your own this waits for them together at most 5 s (each client's close waits at most that
     * for its I/O thread), then at most 5 s for the threads to stop: 10 s at most in all, however
     * many clients. Called on a thread of the pool (in a listener callback) it waits for nothing,
     * since that thread cannot stop, nor run the clients' goodbyes, while it waits: it returns at
     * once, and the clients close and the threads stop after the callback returns.
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
        closing.trySuccess(null);
        // Each client close on a thread of its own, outside the lock: a client's close takes its
        // own lifecycle lock, which its start holds while it joins the pool and binds, and waits
        // for its I/O thread, which may be held; in turn they would wait one after another.
        CountDownLatch done = new CountDownLatch(closes.size());
        AtomicInteger running = new AtomicInteger(closes.size());
        for (Runnable close : closes) {
            Thread closer = new Thread(() -> {
                try {
                    close.run();
                } finally {
                    done.countDown();
                    if (running.decrementAndGet() == 0) {
                        stop(); // the last one: every goodbye has been queued, or given up on
                    }
                }
            }, "smoothcast-shared-io-close");
            closer.start();
        }
        if (closes.isEmpty()) {
            stop();
        }
        if (onPoolThread()) {
            return;
        }
        long waitNs = closeWaitNs;
        awaitUninterruptibly(done, waitNs);
        // Past the wait, a client close still waiting (for its lock) finds its thread stopping:
        // it closes without the goodbye.
        stop();
        group.terminationFuture().awaitUninterruptibly(waitNs, TimeUnit.NANOSECONDS);
    }

    /**
     * Starts the threads' stop, without waiting: once each thread has run the tasks queued on it
     * so far. A stopping Netty thread closes its sockets after its current read and before its
     * queued tasks, so a goodbye queued there (a client closed in a callback of that read, just
     * before the pool) would go to a closed socket if the stop began at once. The stop then
     * begins in a task on a pool thread, which with no quiet period would end that thread without
     * closing its sockets (Netty 4.2 closes them only in a further turn of the loop, which a
     * quiet period, {@value #STOP_QUIET_MS} ms, gives it).
     */
    private void stop() {
        int threads = 0;
        for (EventExecutor ignored : group) {
            threads++;
        }
        AtomicInteger queuedBefore = new AtomicInteger(threads);
        Runnable reached = () -> {
            if (queuedBefore.decrementAndGet() == 0) {
                group.shutdownGracefully(TimeUnit.MILLISECONDS.toNanos(STOP_QUIET_MS), closeWaitNs,
                        TimeUnit.NANOSECONDS);
            }
        };
        for (EventExecutor loop : group) {
            try {
                loop.execute(reached);
            } catch (RejectedExecutionException e) {
                reached.run(); // stopping already: nothing more runs there
            }
        }
    }

    private boolean onPoolThread() {
        for (EventExecutor loop : group) {
            if (loop.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    private static void awaitUninterruptibly(CountDownLatch latch, long waitNs) {
        long deadlineNs = System.nanoTime() + waitNs;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    latch.await(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
                    return;
                } catch (InterruptedException e) {
                    interrupted = true; // like the clients' own close: keep waiting, then restore it
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
