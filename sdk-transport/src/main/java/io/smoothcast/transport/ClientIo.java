package io.smoothcast.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.smoothcast.transport.internal.netty.DatagramHandler;
import io.smoothcast.transport.internal.netty.UdpTransport;
import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The socket of a {@link Broadcaster} or {@link Viewer} and the I/O thread it runs on: one of the
 * client's own, or a thread of a {@link SharedIoThreads} pool, which closing the client leaves
 * running. Also runs the engine's 10 ms tick. Not thread-safe: used under the client's lifecycle
 * lock, but for {@link #channel()} and {@link #localAddress()}, which any thread may call (the
 * channel is set once, volatile).
 */
final class ClientIo {
    private static final long TICK_INTERVAL_MS = 10;
    /** How long {@link #close} waits for the I/O thread by default, in total: 5 s. */
    static final long DEFAULT_CLOSE_WAIT_NS = TimeUnit.SECONDS.toNanos(5);

    private final UdpTransport transport;
    /** The shared pool, or null when the client owns its I/O thread. */
    private final SharedIoThreads sharedIo;
    private final InetSocketAddress localAddress;
    /** Name of the client's own I/O thread, and in messages. */
    private final String name;
    private EventLoopGroup group;
    /** The client's close that the shared pool runs if closed first; null on a thread of its own. */
    private Runnable poolClose;
    private volatile Channel channel;
    private ScheduledFuture<?> ticker;
    private long closeWaitNs = DEFAULT_CLOSE_WAIT_NS;

    ClientIo(ClientOptions.Settled settings, String name) {
        this.transport = settings.transport();
        this.sharedIo = settings.sharedIo();
        this.localAddress = settings.localAddress();
        this.name = name;
    }

    /**
     * Takes the I/O thread: a new one of the client's own, or the shared pool. The start's first step.
     *
     * @param closeForPool the client's close, run by a shared pool closed before the client
     * @throws IllegalStateException if the shared pool is closed (then nothing was taken)
     */
    void open(Runnable closeForPool) {
        if (sharedIo != null) {
            sharedIo.join(closeForPool);
            poolClose = closeForPool;
            group = sharedIo.group();
        } else {
            group = transport.newGroup(1, "smoothcast-" + name);
        }
    }

    /** @return whether {@link #open} was called (then {@link #close} has something to release) */
    boolean opened() {
        return group != null;
    }

    /**
     * Binds the client's socket on the I/O thread taken by {@link #open}, waiting for it at most
     * the close wait (5 s): the start waits under the client's lifecycle lock, and a shared I/O
     * thread may be inside another client's callback that closes this one (waiting for that
     * lock), so an endless wait would deadlock both.
     *
     * @param handler the socket's handler
     * @throws java.io.UncheckedIOException if the local address cannot be bound
     * @throws IllegalStateException if the I/O thread did not bind within the wait, if the shared
     *     pool was closed meanwhile (at once then, not after the wait), or if the caller is the only
     *     thread of the shared pool (it cannot bind while it waits for the bind)
     */
    void bind(DatagramHandler handler) {
        if (sharedIo == null) {
            channel = transport.bind(group, localAddress, handler, closeWaitNs, null);
            return;
        }
        try {
            channel = transport.bind(loopOtherThanCaller(), localAddress, handler, closeWaitNs, sharedIo.closing());
        } catch (IllegalStateException e) {
            sharedIo.checkOpen(); // the pool's close ended the wait: say so, as a start on a closed pool
            throw e;
        }
    }

    /**
     * A start called on a thread of the shared pool (a listener callback of another client) must
     * not bind on that very thread: it would wait for itself until the wait ran out.
     *
     * @return the pool's next thread, or another one if that is the caller
     */
    private EventLoop loopOtherThanCaller() {
        EventLoop next = (EventLoop) group.next();
        if (!next.inEventLoop()) {
            return next;
        }
        for (EventExecutor loop : group) {
            if (!loop.inEventLoop()) {
                return (EventLoop) loop;
            }
        }
        throw new IllegalStateException(name + " started on the only thread of its SharedIoThreads (in a callback):"
                + " that thread cannot bind the socket while it waits for the bind; start it from another thread");
    }

    /**
     * Runs {@code start} on the socket's I/O thread, then {@code tick} there every 10 ms.
     *
     * @param start the engine's start
     * @param tick the engine's tick
     */
    void run(Runnable start, Runnable tick) {
        channel.eventLoop().execute(start);
        ticker = channel.eventLoop().scheduleAtFixedRate(tick, TICK_INTERVAL_MS, TICK_INTERVAL_MS,
                TimeUnit.MILLISECONDS);
    }

    /** @return the bound socket, null before {@link #bind} */
    Channel channel() {
        return channel;
    }

    /**
     * @return the bound local address
     * @throws IllegalStateException if not bound
     */
    InetSocketAddress localAddress() {
        Channel c = channel;
        if (c == null) {
            throw new IllegalStateException(name + " not started: call start() first");
        }
        return (InetSocketAddress) c.localAddress();
    }

    /**
     * Sets how long {@link #close} waits for the I/O thread, in total, and {@link #bind} for the
     * bind (default {@link #DEFAULT_CLOSE_WAIT_NS}); a test seam, so that tests of a held I/O
     * thread wait less.
     *
     * @param waitNs the wait, nanoseconds, > 0
     */
    void closeWait(long waitNs) {
        if (waitNs <= 0) {
            throw new IllegalArgumentException("waitNs must be > 0: " + waitNs);
        }
        closeWaitNs = waitNs;
    }

    /** @return whether the caller runs on the socket's I/O thread (false before {@link #bind}) */
    boolean onIoThread() {
        return channel != null && channel.eventLoop().inEventLoop();
    }

    /** @return how long {@link #close} waits for the I/O thread, in total, nanoseconds */
    long closeWaitNs() {
        return closeWaitNs;
    }

    /**
     * Closes as far as the start got, in one task on the I/O thread, in this order: stops the
     * tick, runs {@code closeEngine} (the engine's goodbye), closes the socket, then stops the
     * client's own I/O thread. One task, so that the goodbye always leaves through the open
     * socket and the thread stops only after both, whatever else waits in the thread's queue and
     * however late the task runs. Only after {@link #open}.
     *
     * <p>Called from any other thread, waits for all of it at most the close wait (5 s) in
     * total. Called on the I/O thread itself (a listener callback closing the client), queues
     * the task to run once the current call returns and does not wait: the thread cannot wait
     * for itself (Netty would throw {@code BlockingOperationException}), and the engine's close
     * must not run inside one of the engine's own calls. The datagrams Netty read in the same
     * batch as the one being handled still reach the engine first (a batch is handed over before
     * queued tasks run), as do tasks queued before this one (a broadcaster's drain).
     *
     * @param closeEngine the engine's goodbye, run on the I/O thread
     * @return true if the task ran within the wait, or was queued by the I/O thread itself (it
     *     runs once the current read batch and the tasks queued before it are done); false if the
     *     wait ran out with the task still queued behind whatever holds the I/O thread, or if the
     *     thread refused it (stopped: the task never runs)
     */
    boolean close(Runnable closeEngine) {
        long deadlineNs = System.nanoTime() + closeWaitNs;
        if (poolClose != null) {
            sharedIo.leave(poolClose); // closed: the pool's close has nothing more to do for it
        }
        if (channel == null) { // the start failed before its socket was bound: nothing runs there
            if (sharedIo == null) {
                group.shutdownGracefully(0, closeWaitNs, TimeUnit.NANOSECONDS)
                        .awaitUninterruptibly(closeWaitNs, TimeUnit.NANOSECONDS);
            }
            return true;
        }
        Runnable task = () -> {
            try {
                if (ticker != null) {
                    ticker.cancel(false);
                }
                closeEngine.run();
            } finally {
                channel.close();
                if (sharedIo == null) {
                    group.shutdownGracefully(0, closeWaitNs, TimeUnit.NANOSECONDS);
                }
            }
        };
        try {
            if (onIoThread()) {
                channel.eventLoop().execute(task);
                return true;
            }
            if (!channel.eventLoop().submit(task).awaitUninterruptibly(remainingNs(deadlineNs),
                    TimeUnit.NANOSECONDS)) {
                return false;
            }
        } catch (RejectedExecutionException e) {
            // The I/O thread has stopped: a shared pool closes its clients before it stops, but
            // stops anyway once its wait for their closes ran out (this one waited for its
            // lifecycle lock, held by a start). Its shutdown closed the socket, and no call of its
            // threads runs on the engine.
            return false;
        }
        if (sharedIo == null) { // the task started the thread's stop: wait for its end (its last tasks)
            group.terminationFuture().awaitUninterruptibly(remainingNs(deadlineNs), TimeUnit.NANOSECONDS);
        }
        return true;
    }

    private static long remainingNs(long deadlineNs) {
        return Math.max(0, deadlineNs - System.nanoTime());
    }
}
