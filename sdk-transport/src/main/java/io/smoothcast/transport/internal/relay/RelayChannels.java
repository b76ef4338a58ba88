package io.smoothcast.transport.internal.relay;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.smoothcast.time.NanoClock;
import io.smoothcast.transport.internal.netty.DatagramHandler;
import io.smoothcast.transport.internal.netty.FanOutLanes;
import io.smoothcast.transport.internal.netty.InboundHandOff;
import io.smoothcast.transport.internal.netty.ResidenceRecorder;
import io.smoothcast.transport.internal.netty.UdpTransport;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The sockets and threads of a running relay node: one event loop per fan-out thread, each with
 * a UDP channel on the node's port. The first loop owns the {@link RelayEngine} (all protocol
 * state) and its channel; with more than one fan-out thread the other channels share the port
 * (SO_REUSEPORT while they bind, epoll only; the port stays the node's alone, see
 * {@link UdpTransport#bindGroup}), send their share of each packet's copies
 * ({@link FanOutLanes}) and hand what the kernel gives them to read to the owner
 * ({@link InboundHandOff}). On NIO there is one thread whatever is asked.
 *
 * <p>Thread-safety: {@link #start} and {@link #close} from any one thread at a time (the node's
 * lifecycle lock); {@link #engine()} only on {@link #ownerLoop()}; the rest from any thread.
 */
public final class RelayChannels {

    /** System property that turns the native fan-out path off when {@code false}. */
    public static final String NATIVE_FAN_OUT_PROPERTY = "smoothcast.relay.nativeFanOut";

    /** Interval of the engine's timer work, in ms. */
    public static final long TICK_INTERVAL_MS = 20;

    private final EventLoopGroup group;
    private final Channel owner;
    private final List<Channel> lanes;
    private final List<InboundHandOff> handOffs;
    /** The owner's handler, then each lane's: their native writers count refused copies. */
    private final List<DatagramHandler> handlers;
    private final RelayEngine engine;
    private final ScheduledFuture<?> ticker;

    private RelayChannels(EventLoopGroup group, Channel owner, List<Channel> lanes, List<InboundHandOff> handOffs,
            List<DatagramHandler> handlers, RelayEngine engine, ScheduledFuture<?> ticker) {
        this.group = group;
        this.owner = owner;
        this.lanes = lanes;
        this.handOffs = handOffs;
        this.handlers = handlers;
        this.engine = engine;
        this.ticker = ticker;
    }

    /**
     * Binds the node's channels, creates its engine and starts its timer.
     *
     * @param transport epoll or NIO
     * @param bindAddress where to listen; port 0 picks a free port
     * @param fanOutThreads threads (and sockets) that send the copies of each packet, >= 1; 1 on NIO
     * @param clock the clock for the engine and the read stamps
     * @param config the engine's settings
     * @param counters where the engine counts
     * @param security the engine's defences
     * @param residence times each datagram's stay in the node (harnesses), or null
     * @return the running channels
     */
    public static RelayChannels start(UdpTransport transport, InetSocketAddress bindAddress, int fanOutThreads,
            NanoClock clock, RelayConfig config, RelayCounters counters, RelaySecurity security,
            ResidenceRecorder residence) {
        return start(transport, bindAddress, fanOutThreads, clock, config, counters, security, residence,
                nativeFanOutByDefault());
    }

    /**
     * The default of the native fan-out path: on, unless the system property
     * {@value #NATIVE_FAN_OUT_PROPERTY} is {@code false}.
     *
     * @return whether copies go out through one {@code sendmmsg} per packet where possible
     */
    public static boolean nativeFanOutByDefault() {
        return !"false".equalsIgnoreCase(System.getProperty(NATIVE_FAN_OUT_PROPERTY, "true").trim());
    }

    /**
     * As {@link #start(UdpTransport, InetSocketAddress, int, NanoClock, RelayConfig, RelayCounters,
     * RelaySecurity, ResidenceRecorder)}, choosing the copies' write path.
     *
     * @param nativeFanOut whether each fan-out thread sends a packet's copies from a native
     *     region of its own in one {@code sendmmsg} (epoll, when Netty's internals link; see
     *     {@code DatagramHandler#useNativeCopies}); false keeps one Netty write per copy
     * @return the running channels
     */
    public static RelayChannels start(UdpTransport transport, InetSocketAddress bindAddress, int fanOutThreads,
            NanoClock clock, RelayConfig config, RelayCounters counters, RelaySecurity security,
            ResidenceRecorder residence, boolean nativeFanOut) {
        if (fanOutThreads < 1) {
            throw new IllegalArgumentException("fanOutThreads must be >= 1: " + fanOutThreads);
        }
        int threads = transport.supportsSharedPort() ? fanOutThreads : 1;
        EventLoopGroup group = transport.newGroup(threads, "smoothcast-relay");
        List<Channel> bound = new ArrayList<>(threads);
        try {
            List<EventLoop> loops = new ArrayList<>(threads);
            for (EventExecutor executor : group) {
                loops.add((EventLoop) executor);
            }
            EventLoop ownerLoop = loops.get(0);
            DatagramHandler ownerHandler = new DatagramHandler(
                    sender -> new RelayEngine(config, sender, counters, security), clock, residence);
            RelayEngine engine = (RelayEngine) ownerHandler.receiver();
            List<DatagramHandler> laneHandlers = new ArrayList<>(threads - 1);
            List<InboundHandOff> handOffs = new ArrayList<>(threads - 1);
            for (int i = 1; i < threads; i++) {
                InboundHandOff handOff = new InboundHandOff(ownerLoop, ownerHandler);
                handOffs.add(handOff);
                laneHandlers.add(new DatagramHandler(sender -> handOff, clock));
            }
            if (nativeFanOut) {
                ownerHandler.useNativeCopies();
                laneHandlers.forEach(DatagramHandler::useNativeCopies);
            }
            if (threads > 1) {
                // Set before the owner's channel is registered: its event loop sees it from then on.
                engine.useFanOutLanes(new FanOutLanes(laneHandlers, loops.subList(1, threads), clock, residence));
            }
            List<DatagramHandler> handlers = new ArrayList<>(threads);
            handlers.add(ownerHandler);
            handlers.addAll(laneHandlers);
            // Closes what it bound if it fails; what it returns is closed below if a later step does.
            bound.addAll(transport.bindGroup(loops, bindAddress, handlers));
            Channel owner = bound.get(0);
            List<Channel> lanes = bound.subList(1, threads);
            ScheduledFuture<?> ticker = ownerLoop.scheduleAtFixedRate(() -> engine.onTick(clock.nanoTime()),
                    0, TICK_INTERVAL_MS, TimeUnit.MILLISECONDS);
            return new RelayChannels(group, owner, List.copyOf(lanes), List.copyOf(handOffs), List.copyOf(handlers),
                    engine, ticker);
        } catch (RuntimeException e) {
            for (Channel channel : bound) {
                channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            UdpTransport.shutdown(group);
            throw e;
        }
    }

    /**
     * The address the node listens on (with the port chosen when bound to port 0).
     *
     * @return the bound address
     */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) owner.localAddress();
    }

    /**
     * The owner's channel, for tests that need its socket.
     *
     * @return the channel the engine reads from and answers through
     */
    Channel ownerChannel() {
        return owner;
    }

    /**
     * The thread that owns the engine.
     *
     * @return the owner channel's event loop
     */
    public EventLoop ownerLoop() {
        return owner.eventLoop();
    }

    /**
     * The protocol logic; use only on {@link #ownerLoop()}.
     *
     * @return the engine
     */
    public RelayEngine engine() {
        return engine;
    }

    /**
     * Threads (and sockets) sending the copies of each packet.
     *
     * @return 1 + the number of extra sockets sharing the port
     */
    public int fanOutThreads() {
        return 1 + lanes.size();
    }

    /**
     * Datagrams the extra sockets read but could not hand to the owner (it was far behind).
     *
     * @return the count since start
     */
    public long handOffDropped() {
        long total = 0;
        for (InboundHandOff handOff : handOffs) {
            total += handOff.dropped();
        }
        return total;
    }

    /**
     * Copies the kernel refused on the native fan-out path for a reason other than a full buffer
     * (for example a broadcast address), dropped; summed over the fan-out threads. Any thread.
     *
     * @return the count since start
     */
    public long nativeCopiesRefused() {
        long total = 0;
        for (DatagramHandler handler : handlers) {
            total += handler.nativeCopiesRefused();
        }
        return total;
    }

    /**
     * Closes the extra sockets first (so nothing more is handed to the owner), then, on the
     * owner's thread (after the hand-offs already queued there), stops the timer, closes the
     * owner's socket and only then releases the engine's sessions and cached packets, and stops
     * the threads. A close is abrupt, as a crash would be: no datagram read after it began is
     * answered from a half-cleared engine.
     */
    public void close() {
        for (Channel lane : lanes) {
            lane.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        owner.eventLoop().submit(() -> {
            ticker.cancel(false);
            // Stop reading before the sessions go: a keepalive read after engine.close() would be
            // answered NOT_JOINED, and its client would take the closing node for a restarted
            // one; a SUBSCRIBE read then would be accepted by an engine without the stream.
            owner.close();
            engine.close();
        }).awaitUninterruptibly(5, TimeUnit.SECONDS);
        owner.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        UdpTransport.shutdown(group);
    }
}
