package io.smoothcast.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.smoothcast.netsim.LinkModel;
import io.smoothcast.time.NanoClock;
import io.smoothcast.transport.internal.SingleWriterCounters;
import io.smoothcast.transport.internal.emulator.EmulatorEngine;
import io.smoothcast.transport.internal.emulator.ForwardLateness;
import io.smoothcast.transport.internal.netty.DatagramHandler;
import io.smoothcast.transport.internal.netty.UdpTransport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A UDP proxy that puts a bad network between any two endpoints on one machine: point your
 * clients at {@link #localAddress()} instead of the real server, and every datagram goes through
 * the same link model the simulator uses ({@link LinkModel}): propagation delay, jitter, random
 * and bursty (Gilbert-Elliott) loss, a drop-tail queue, and a capacity that can follow a schedule
 * or a trace file ({@link io.smoothcast.netsim.CapacitySchedule}). Each direction has its own
 * link.
 *
 * <pre>{@code
 * try (NetworkEmulator lossy = NetworkEmulator.builder()
 *         .target(relay.localAddress())
 *         .toTarget(LinkModel.builder().propagationDelayNs(50_000_000).randomLoss(0.05).constantCapacityBps(20_000_000))
 *         .fromTarget(LinkModel.builder().propagationDelayNs(50_000_000).randomLoss(0.05).constantCapacityBps(20_000_000))
 *         .build().start()) {
 *     Viewer viewer = Viewer.builder().node(lossy.localAddress())...;   // 100 ms RTT, 5 % loss each way
 * }
 * }</pre>
 *
 * <p>Each client address gets its own socket towards the target, so the target tells clients
 * apart as usual. Capacity schedules start when {@link #start()} is called. The links are shared
 * by all clients, like one bottleneck.
 *
 * <p>Delivery times are kept by one event loop thread and its timer. When the machine is short
 * of CPU that thread, like every other, waits to be scheduled, and each datagram leaves late by
 * that wait (measured on a loaded 2-core host: 1 to 2.6 ms late on average, 89 ms at worst; with
 * one core also hogged, 3 to 22 ms on average, 0.32 s at worst). The emulator cannot make that time up; it
 * counts it instead ({@link NetworkEmulatorStats#lateDatagrams()},
 * {@link NetworkEmulatorStats#maxLatenessUs()}), so check those before trusting a result. Not
 * counted: time a datagram waits in the kernel before the thread reads it, which grows with the
 * same starvation.
 *
 * <p>Thread-safety: {@link #start()}, {@link #close()}, {@link #localAddress()} and
 * {@link #stats()} may be called from any thread; all forwarding runs on one I/O thread.
 */
public final class NetworkEmulator implements AutoCloseable {

    private final InetSocketAddress target;
    private final InetSocketAddress bindAddress;
    private final LinkModel.Builder toTargetLink;
    private final LinkModel.Builder fromTargetLink;
    private final int maxClients;
    private final UdpTransport transport;
    private final NanoClock clock = NanoClock.system();
    private final Object lifecycleLock = new Object();
    private final Lifecycle lifecycle = new Lifecycle("emulator");
    private EventLoopGroup group;
    private Channel channel;
    private EmulatorEngine engine;

    private NetworkEmulator(Builder builder) {
        this.target = builder.target;
        this.bindAddress = builder.bindAddress;
        this.toTargetLink = builder.toTarget;
        this.fromTargetLink = builder.fromTarget;
        this.maxClients = builder.maxClients;
        this.transport = builder.forceNio ? UdpTransport.nio() : UdpTransport.best();
    }

    /**
     * Starts building an emulator.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the front socket and starts forwarding. The links' capacity schedules start now.
     *
     * @return this emulator
     * @throws IllegalStateException if already started or closed
     * @throws java.io.UncheckedIOException if the front socket cannot be bound (its I/O thread is
     *     stopped again; {@code close()} may still be called)
     */
    public NetworkEmulator start() {
        synchronized (lifecycleLock) {
            lifecycle.start();
            group = transport.newGroup(1, "smoothcast-emulator");
            try {
                long originNs = clock.nanoTime();
                LinkModel toTarget = toTargetLink.scheduleOriginNs(originNs).build();
                LinkModel fromTarget = fromTargetLink.scheduleOriginNs(originNs).build();
                DatagramHandler handler = new DatagramHandler(sender -> new EmulatorEngine(sender, target, toTarget,
                        fromTarget, transport, group, clock, maxClients), clock);
                engine = (EmulatorEngine) handler.receiver();
                channel = transport.bind(group, bindAddress, handler);
                channel.eventLoop().submit(() -> engine.attach(channel)).syncUninterruptibly();
            } catch (RuntimeException e) {
                UdpTransport.shutdown(group);
                throw e;
            }
            return this;
        }
    }

    /**
     * The address clients should send to.
     *
     * @return the front socket's address
     * @throws IllegalStateException if not started
     */
    public InetSocketAddress localAddress() {
        synchronized (lifecycleLock) {
            if (channel == null) {
                throw new IllegalStateException("network emulator not started: call start() first");
            }
            return (InetSocketAddress) channel.localAddress();
        }
    }

    /**
     * A snapshot of the counters, and of how late the emulator forwarded
     * ({@link NetworkEmulatorStats#lateDatagrams()}).
     *
     * @return the snapshot (zeros before start)
     */
    public NetworkEmulatorStats stats() {
        EmulatorEngine e;
        synchronized (lifecycleLock) {
            e = engine;
        }
        if (e == null) {
            return new NetworkEmulatorStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        SingleWriterCounters c = e.counters();
        ForwardLateness late = e.lateness();
        return new NetworkEmulatorStats(c.get(EmulatorEngine.TO_TARGET_DELIVERED), c.get(EmulatorEngine.TO_TARGET_LOST),
                c.get(EmulatorEngine.TO_TARGET_QUEUE_DROPPED), c.get(EmulatorEngine.FROM_TARGET_DELIVERED),
                c.get(EmulatorEngine.FROM_TARGET_LOST), c.get(EmulatorEngine.FROM_TARGET_QUEUE_DROPPED),
                c.get(EmulatorEngine.CLIENTS_REFUSED), late.lateCount(), late.meanNs() / 1_000,
                late.quantileBoundNs(0.99) / 1_000, late.maxNs() / 1_000);
    }

    /** Stops forwarding; datagrams still in flight are dropped. Idempotent. */
    @Override
    public void close() {
        synchronized (lifecycleLock) {
            if (!lifecycle.close()) {
                return;
            }
            if (group != null) {
                if (channel != null) { // null only when start() failed before its socket was bound
                    channel.eventLoop().submit(engine::close).awaitUninterruptibly(5, TimeUnit.SECONDS);
                    channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
                }
                UdpTransport.shutdown(group);
            }
        }
    }

    /** Builds a {@link NetworkEmulator}. Not thread-safe; build on one thread. */
    public static final class Builder {
        private InetSocketAddress target;
        private InetSocketAddress bindAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        private LinkModel.Builder toTarget = LinkModel.builder().constantCapacityBps(1_000_000_000L);
        private LinkModel.Builder fromTarget = LinkModel.builder().constantCapacityBps(1_000_000_000L);
        private int maxClients = 1024;
        private boolean forceNio;

        private Builder() {
        }

        /**
         * Where datagrams from clients go. Required.
         *
         * @param target the real server's address
         * @return this builder
         */
        public Builder target(InetSocketAddress target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        /**
         * Where the emulator listens for clients. Default: loopback, a free port.
         *
         * @param bindAddress the front address
         * @return this builder
         */
        public Builder bindAddress(InetSocketAddress bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        /**
         * The link from clients to the target. Default: 1 Gbps, no delay, no loss. The emulator
         * sets the builder's schedule origin when it starts, then builds it.
         *
         * @param link the link's settings
         * @return this builder
         */
        public Builder toTarget(LinkModel.Builder link) {
            this.toTarget = Objects.requireNonNull(link, "link");
            return this;
        }

        /**
         * The link from the target back to clients. Default: 1 Gbps, no delay, no loss.
         *
         * @param link the link's settings
         * @return this builder
         */
        public Builder fromTarget(LinkModel.Builder link) {
            this.fromTarget = Objects.requireNonNull(link, "link");
            return this;
        }

        /**
         * Most client addresses served at once. Default 1024.
         *
         * @param maxClients >= 1
         * @return this builder
         */
        public Builder maxClients(int maxClients) {
            if (maxClients < 1) {
                throw new IllegalArgumentException("maxClients must be >= 1: " + maxClients);
            }
            this.maxClients = maxClients;
            return this;
        }

        /**
         * Uses NIO even where epoll is available. Default false.
         *
         * @param forceNio true for NIO
         * @return this builder
         */
        public Builder forceNio(boolean forceNio) {
            this.forceNio = forceNio;
            return this;
        }

        /**
         * Builds the emulator (not started).
         *
         * @return a new emulator
         * @throws IllegalStateException if the target is missing
         */
        public NetworkEmulator build() {
            if (target == null) {
                throw new IllegalStateException("target is required");
            }
            return new NetworkEmulator(this);
        }
    }
}
