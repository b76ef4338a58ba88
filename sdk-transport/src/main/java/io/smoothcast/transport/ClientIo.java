package io.smoothcast.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import io.smoothcast.transport.internal.netty.DatagramHandler;
import io.smoothcast.transport.internal.netty.UdpTransport;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The socket of a {@link Broadcaster} or {@link Viewer} and the I/O thread it runs on: one of the
 * client's own, or a thread of a {@link SharedIoThreads} pool, which closing the client leaves
 * running. Also runs the engine's 10 ms tick. Not thread-safe: used under the client's lifecycle
 * lock, but for {@link #channel()}, which application threads may read once they saw the state
 * the client set after {@link #bind} (a volatile write).
 */
final class ClientIo {
    private static final long TICK_INTERVAL_MS = 10;

    private final UdpTransport transport;
    /** The shared pool, or null when the client owns its I/O thread. */
    private final SharedIoThreads sharedIo;
    private final InetSocketAddress localAddress;
    /** Name of the client's own I/O thread, and in messages. */
    private final String name;
    private EventLoopGroup group;
    private Channel channel;
    private ScheduledFuture<?> ticker;

    ClientIo(ClientOptions.Settled settings, String name) {
        this.transport = settings.transport();
        this.sharedIo = settings.sharedIo();
        this.localAddress = settings.localAddress();
        this.name = name;
    }

    /** Takes the I/O thread: a new one of the client's own, or the shared pool. The start's first step. */
    void open() {
        group = sharedIo != null ? sharedIo.group() : transport.newGroup(1, "smoothcast-" + name);
    }

    /** @return whether {@link #open()} was called (then {@link #close} has something to release) */
    boolean opened() {
        return group != null;
    }

    /**
     * Binds the client's socket on the I/O thread taken by {@link #open()}.
     *
     * @param handler the socket's handler
     * @throws java.io.UncheckedIOException if the local address cannot be bound
     */
    void bind(DatagramHandler handler) {
        channel = transport.bind(group, localAddress, handler);
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
        if (channel == null) {
            throw new IllegalStateException(name + " not started: call start() first");
        }
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * Stops the tick, runs {@code closeEngine} on the I/O thread, closes the socket (each as far as
     * the start got) and stops the client's own I/O thread. Only after {@link #open()}.
     *
     * @param closeEngine the engine's goodbye
     */
    void close(Runnable closeEngine) {
        // channel is null when start() failed before its socket was bound
        UdpTransport.closeClientChannel(channel, ticker, closeEngine);
        if (sharedIo == null) {
            UdpTransport.shutdown(group);
        }
    }
}
