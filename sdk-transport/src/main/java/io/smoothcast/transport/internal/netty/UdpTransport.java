package io.smoothcast.transport.internal.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Creates event loop groups and binds UDP channels: the epoll transport when the native library
 * loads on this machine ({@link Epoll#isAvailable()}), NIO otherwise. An instance remembers
 * which one it chose, so every channel it binds matches the groups it creates.
 *
 * <p>Immutable and thread-safe.
 */
public final class UdpTransport {

    /** Largest datagram read from a socket, in bytes; longer datagrams arrive truncated. */
    public static final int RECEIVE_BUFFER_BYTES = 2048;

    /** Socket buffer sizes asked of the kernel, in bytes (the kernel may cap them). */
    private static final int SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

    private final boolean epoll;

    private UdpTransport(boolean epoll) {
        this.epoll = epoll;
    }

    /**
     * The best transport available at run time.
     *
     * @return epoll when available, NIO otherwise
     */
    public static UdpTransport best() {
        return new UdpTransport(Epoll.isAvailable());
    }

    /**
     * The NIO transport, available everywhere.
     *
     * @return the NIO transport
     */
    public static UdpTransport nio() {
        return new UdpTransport(false);
    }

    /**
     * Whether this transport uses epoll.
     *
     * @return true for epoll, false for NIO
     */
    public boolean isEpoll() {
        return epoll;
    }

    /**
     * Creates an event loop group for this transport.
     *
     * @param threads number of I/O threads, >= 1
     * @param threadNamePrefix prefix of the threads' names
     * @return a new group; the caller shuts it down
     */
    public EventLoopGroup newGroup(int threads, String threadNamePrefix) {
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadNamePrefix, true), factory);
    }

    /**
     * Binds a UDP channel and waits for the bind to finish.
     *
     * @param group a group created by {@link #newGroup}
     * @param localAddress where to bind; port 0 picks a free port
     * @param handler the channel's only handler
     * @return the bound channel
     * @throws java.io.UncheckedIOException if the socket cannot be bound (the address is taken or
     *     not local), with the kernel's reason and the address in its message
     */
    public Channel bind(EventLoopGroup group, InetSocketAddress localAddress, ChannelHandler handler) {
        return awaitBound(bindAsync(group, localAddress, handler), localAddress);
    }

    /**
     * Binds a UDP channel and waits for the bind to finish, at most {@code timeoutNs}, or until
     * {@code giveUp} completes: for a caller that holds a lock a task on the channel's event loop
     * may wait for (a client's start, whose shared I/O thread may be inside a callback closing
     * that client), so that neither waits for the other for ever; and for a start on a shared pool
     * that is closing, which then need not wait for a thread about to stop.
     *
     * @param group a group created by {@link #newGroup}
     * @param localAddress where to bind; port 0 picks a free port
     * @param handler the channel's only handler
     * @param timeoutNs how long to wait, nanoseconds
     * @param giveUp completes when waiting is no longer worth it; null for never
     * @return the bound channel
     * @throws java.io.UncheckedIOException if the socket cannot be bound (as {@link #bind})
     * @throws IllegalStateException if the event loop did not run the bind within the wait, or
     *     before {@code giveUp} completed: the channel is closed as soon as it does
     */
    public Channel bind(EventLoopGroup group, InetSocketAddress localAddress, ChannelHandler handler, long timeoutNs,
            Future<Void> giveUp) {
        ChannelFuture bind = bindAsync(group, localAddress, handler);
        // Its own promise, not the bind's: the give-up wakes the waiter without failing the bind.
        Promise<Void> settled = new DefaultPromise<>(GlobalEventExecutor.INSTANCE);
        GenericFutureListener<Future<Void>> wake = f -> settled.trySuccess(null);
        bind.addListener(wake);
        if (giveUp != null) {
            giveUp.addListener(wake);
        }
        try {
            settled.awaitUninterruptibly(timeoutNs, TimeUnit.NANOSECONDS);
        } finally {
            if (giveUp != null) {
                giveUp.removeListener(wake); // a long-lived pool keeps no listener per start
            }
        }
        if (!bind.isDone()) {
            bind.addListener(ChannelFutureListener.CLOSE); // nobody will use it
            throw new IllegalStateException("cannot bind UDP " + localAddress + (giveUp != null && giveUp.isDone()
                    ? ": its I/O threads are stopping"
                    : ": its I/O thread did not run the bind within " + TimeUnit.NANOSECONDS.toMillis(timeoutNs)
                            + " ms (held by other work, or by a callback waiting for this client)"));
        }
        return awaitBound(bind, localAddress);
    }

    /**
     * Waits for a bind. Netty's {@code sync()} would rethrow the bind's checked IOException
     * undeclared, past callers' catch blocks for unchecked exceptions (which release what a failed
     * start had made): this turns it into an {@link UncheckedIOException}.
     */
    private static Channel awaitBound(ChannelFuture bind, InetSocketAddress localAddress) {
        ChannelFuture bound = bind.awaitUninterruptibly();
        if (bound.isSuccess()) {
            return bound.channel();
        }
        Throwable cause = bound.cause();
        if (cause instanceof IOException io) {
            throw new UncheckedIOException("cannot bind UDP " + localAddress + ": " + io.getMessage(), io);
        }
        if (cause instanceof RuntimeException unchecked) {
            throw unchecked;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        throw new IllegalStateException("cannot bind UDP " + localAddress, cause);
    }

    /**
     * Starts binding a UDP channel without waiting (the form to use on an event loop thread,
     * which must never block).
     *
     * @param group a group created by {@link #newGroup}
     * @param localAddress where to bind; port 0 picks a free port
     * @param handler the channel's only handler
     * @return the bind's future
     */
    public ChannelFuture bindAsync(EventLoopGroup group, InetSocketAddress localAddress, ChannelHandler handler) {
        return bindAsync(group, localAddress, handler, false);
    }

    /**
     * Whether several channels of this transport can bind the same address and port
     * ({@link #bindGroup}): epoll's SO_REUSEPORT; NIO channels here bind exclusively.
     *
     * @return true for epoll
     */
    public boolean supportsSharedPort() {
        return epoll;
    }

    /**
     * Binds one UDP channel per handler, each on its own event loop, all on one address and port
     * that the group holds alone, and waits until all are bound and active (their send-only
     * sockets made, so a datagram sent to the port after this returns is read): a datagram sent from any of
     * them carries the same source address and port (a relay's fan-out sockets). One handler
     * binds as {@link #bind} does, on any transport; more need {@link #supportsSharedPort}.
     *
     * <p>Why not simply SO_REUSEPORT on every member: Linux lets any socket of the same user
     * that sets it join a port whose sockets have it set, by binding that very port (a second
     * relay started on it by mistake) or by landing there when binding port 0, and then spreads
     * the port's incoming datagrams over the stranger too. So the first channel binds as a plain
     * socket does (a port any socket holds fails with "Address already in use"; port 0 picks a
     * port no socket holds); SO_REUSEPORT is set on it (and its {@link SendOnlySocket}) only
     * while the others bind, then cleared on every member, after which the kernel refuses every
     * further bind to the port, with or without the option. What remains: during the others'
     * binds (a few milliseconds at start), a socket of the same user that binds this port with
     * SO_REUSEPORT, or binds port 0 with it and lands here, still joins.
     *
     * <p>Once the option is cleared the kernel no longer spreads incoming datagrams over the
     * members by source address: which member reads a datagram is its choice, so every member
     * must accept any. On Linux 6.18 the first one bound reads nearly all, being first in the
     * kernel's lookup (it files dual-stack sockets bound with SO_REUSEPORT, as Netty's are by
     * default, after it; with IPv4-only sockets the last one bound would come first). Sending
     * is unaffected.
     *
     * @param loops one event loop per handler (of groups created by {@link #newGroup})
     * @param localAddress where to bind; port 0 picks a port no socket holds
     * @param handlers the channels' handlers, the first one's channel bound first
     * @return the bound channels, in the order of the handlers
     * @throws IllegalStateException if several handlers are given and this transport does not
     *     support a shared port
     * @throws java.io.UncheckedIOException if a socket cannot be bound (the address is taken or
     *     not local, with the kernel's reason and the address in its message) or the kernel
     *     refused the option: the channels bound so far are closed again
     */
    public List<Channel> bindGroup(List<EventLoop> loops, InetSocketAddress localAddress,
            List<DatagramHandler> handlers) {
        if (loops.size() != handlers.size() || handlers.isEmpty()) {
            throw new IllegalArgumentException("one event loop per handler, at least one: " + loops.size()
                    + " loops, " + handlers.size() + " handlers");
        }
        if (handlers.size() > 1 && !epoll) {
            throw new IllegalStateException("a shared port needs the epoll transport");
        }
        List<Channel> bound = new ArrayList<>(handlers.size());
        try {
            Channel first = bind(loops.get(0), localAddress, handlers.get(0));
            bound.add(first);
            if (handlers.size() == 1) {
                // A datagram arriving while its send-only socket is bound but not yet connected
                // may land there, unread: a node's first HELLO, sent as soon as it started, was
                // (RelayChannelsCloseIT, session 19). Return once the channel is active.
                awaitActive(first);
                return List.copyOf(bound);
            }
            InetSocketAddress shared = (InetSocketAddress) first.localAddress();
            setPortShared(first, handlers.get(0), true);
            for (int i = 1; i < handlers.size(); i++) {
                bound.add(awaitBound(bindAsync(loops.get(i), shared, handlers.get(i), true), shared));
            }
            // Each member makes its send-only socket on its own event loop once active, which may
            // not have happened yet: closing the port before the last of them is bound would
            // refuse it.
            for (Channel channel : bound) {
                awaitActive(channel);
            }
            for (int i = 0; i < bound.size(); i++) {
                setPortShared(bound.get(i), handlers.get(i), false);
            }
            return List.copyOf(bound);
        } catch (RuntimeException e) {
            for (Channel channel : bound) {
                channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            throw e;
        }
    }

    /**
     * Waits until the channel's event loop has run what its bind queued: Netty queues the
     * channel's activation (where a {@link SendOnlySocket} is made, bound and connected) before it
     * completes the bind, so a task queued now runs after it.
     */
    private static void awaitActive(Channel channel) {
        channel.eventLoop().submit(() -> { }).awaitUninterruptibly();
    }

    /**
     * Runs {@link DatagramHandler#setPortShared} on the channel's event loop and waits: queued
     * after the task that makes the channel active (Netty queues it before the bind completes),
     * so the channel's send-only socket, if any, exists by then.
     */
    private static void setPortShared(Channel channel, DatagramHandler handler, boolean shared) {
        Future<?> done = channel.eventLoop().submit(() -> {
            handler.setPortShared(shared);
            return null;
        }).awaitUninterruptibly();
        if (done.isSuccess()) {
            return;
        }
        Throwable cause = done.cause();
        String what = (shared ? "cannot open " : "cannot close ") + channel.localAddress() + " to further sockets: ";
        if (cause instanceof IOException io) {
            throw new UncheckedIOException(what + io.getMessage(), io);
        }
        throw new IllegalStateException(what + cause, cause);
    }

    private ChannelFuture bindAsync(EventLoopGroup group, InetSocketAddress localAddress, ChannelHandler handler,
            boolean reusePort) {
        Class<? extends DatagramChannel> channelClass = epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(channelClass)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECEIVE_BUFFER_BYTES))
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                .handler(handler);
        if (reusePort) {
            bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        return bootstrap.bind(localAddress);
    }

    /**
     * Shuts a group down quickly (no quiet period) and waits up to 5 s.
     *
     * @param group the group to stop
     */
    public static void shutdown(EventLoopGroup group) {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return epoll ? "UdpTransport[epoll]" : "UdpTransport[nio]";
    }
}
