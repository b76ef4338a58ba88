package io.smoothcast.transport.internal.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
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
     * ({@link #bindShared}): epoll's SO_REUSEPORT; NIO channels here bind exclusively.
     *
     * @return true for epoll
     */
    public boolean supportsSharedPort() {
        return epoll;
    }

    /**
     * Binds a UDP channel with SO_REUSEPORT and waits for the bind: the first channel of a group
     * sharing one port (port 0 picks a free one), or a further one bound to the first's address.
     * The kernel then spreads incoming datagrams over the group by source address, and a
     * datagram sent from any of them carries the same source address and port.
     *
     * @param group a group created by {@link #newGroup} (or one of its event loops)
     * @param localAddress where to bind
     * @param handler the channel's only handler
     * @return the bound channel
     * @throws IllegalStateException if this transport does not support it ({@link #supportsSharedPort})
     * @throws java.io.UncheckedIOException if the socket cannot be bound
     */
    public Channel bindShared(EventLoopGroup group, InetSocketAddress localAddress, ChannelHandler handler) {
        if (!epoll) {
            throw new IllegalStateException("a shared port needs the epoll transport");
        }
        return awaitBound(bindAsync(group, localAddress, handler, true), localAddress);
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
