package io.smoothcast.transport.internal.emulator;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.smoothcast.netsim.LinkModel;
import io.smoothcast.time.NanoClock;
import io.smoothcast.transport.internal.SingleWriterCounters;
import io.smoothcast.transport.internal.netty.DatagramHandler;
import io.smoothcast.transport.internal.netty.DatagramReceiver;
import io.smoothcast.transport.internal.netty.DatagramSender;
import io.smoothcast.transport.internal.netty.UdpTransport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The emulator's logic. Clients send to the front socket; for each client address the emulator
 * opens its own socket towards the target, so the target sees one distinct source per client and
 * its replies find their way back. Datagrams towards the target go through the
 * {@code toTarget} delay line, replies through {@code fromTarget}.
 *
 * <p>Not thread-safe: the emulator's single event loop only (except {@link #counters()}).
 */
public final class EmulatorEngine implements DatagramReceiver {

    /** Counter: datagrams delivered to the target. */
    public static final int TO_TARGET_DELIVERED = 0;
    /** Counter: datagrams towards the target lost by the link model. */
    public static final int TO_TARGET_LOST = 1;
    /** Counter: datagrams towards the target dropped by the queue or an outage. */
    public static final int TO_TARGET_QUEUE_DROPPED = 2;
    /** Counter: datagrams delivered back to clients. */
    public static final int FROM_TARGET_DELIVERED = 3;
    /** Counter: datagrams towards clients lost. */
    public static final int FROM_TARGET_LOST = 4;
    /** Counter: datagrams towards clients dropped by the queue or an outage. */
    public static final int FROM_TARGET_QUEUE_DROPPED = 5;
    /** Counter: datagrams from clients refused because the client limit was reached. */
    public static final int CLIENTS_REFUSED = 6;
    private static final int COUNTER_COUNT = 7;

    /** Datagrams held per client while its socket towards the target is being bound. */
    private static final int MAX_WAITING_PER_CLIENT = 256;

    private final InetSocketAddress target;
    private final DatagramSender front;
    private final UdpTransport transport;
    private final EventLoopGroup group;
    private final NanoClock clock;
    private final int maxClients;
    private final SingleWriterCounters counters = new SingleWriterCounters(COUNTER_COUNT);
    private final ForwardLateness lateness = new ForwardLateness();
    private final Map<InetSocketAddress, ClientPath> paths = new HashMap<>();
    private final LinkModel toTargetLink;
    private final LinkModel fromTargetLink;
    private DelayLine toTarget;
    private DelayLine fromTarget;
    private boolean closed;

    /**
     * @param front the front channel's sender (towards clients)
     * @param target where client datagrams go
     * @param toTargetLink the link model towards the target
     * @param fromTargetLink the link model towards the clients
     * @param transport binds the per-client sockets
     * @param group the emulator's single-thread group
     * @param clock the system clock (delivery is real time)
     * @param maxClients most client addresses served at once
     */
    public EmulatorEngine(DatagramSender front, InetSocketAddress target, LinkModel toTargetLink,
            LinkModel fromTargetLink, UdpTransport transport, EventLoopGroup group, NanoClock clock, int maxClients) {
        this.front = front;
        this.target = target;
        this.toTargetLink = toTargetLink;
        this.fromTargetLink = fromTargetLink;
        this.transport = transport;
        this.group = group;
        this.clock = clock;
        this.maxClients = maxClients;
    }

    /** The counters; readable from any thread. */
    public SingleWriterCounters counters() {
        return counters;
    }

    /** How late both directions forwarded; readable from any thread. */
    public ForwardLateness lateness() {
        return lateness;
    }

    private void ensureLines(Channel frontChannel) {
        if (toTarget == null) {
            toTarget = new DelayLine(toTargetLink, frontChannel.eventLoop(), clock, counters,
                    TO_TARGET_DELIVERED, TO_TARGET_LOST, TO_TARGET_QUEUE_DROPPED, lateness);
            fromTarget = new DelayLine(fromTargetLink, frontChannel.eventLoop(), clock, counters,
                    FROM_TARGET_DELIVERED, FROM_TARGET_LOST, FROM_TARGET_QUEUE_DROPPED, lateness);
        }
    }

    /** Must be called once on the event loop after the front channel is bound. */
    public void attach(Channel frontChannel) {
        ensureLines(frontChannel);
    }

    @Override
    public void onDatagram(ByteBuf datagram, InetSocketAddress client, long nowNs) {
        if (closed || toTarget == null) {
            return;
        }
        ClientPath path = paths.get(client);
        if (path == null) {
            if (paths.size() >= maxClients) {
                counters.increment(CLIENTS_REFUSED);
                return;
            }
            path = new ClientPath(client);
            paths.put(client, path);
            path.open();
        }
        toTarget.offer(datagram, path, nowNs);
    }

    @Override
    public void onHandlerFailure(RuntimeException failure) {
        // nothing to count separately: the datagram is lost, as on a real network
    }

    /** Closes every per-client socket and releases every held datagram. */
    public void close() {
        closed = true;
        if (toTarget != null) {
            toTarget.close();
            fromTarget.close();
        }
        List<ClientPath> all = new ArrayList<>(paths.values());
        paths.clear();
        for (ClientPath path : all) {
            path.close();
        }
    }

    /** One client's socket towards the target, and the delivery of the target's replies. */
    private final class ClientPath implements DelayLine.Destination, DatagramReceiver {
        private final InetSocketAddress client;
        private final ArrayDeque<ByteBuf> waiting = new ArrayDeque<>();
        private Channel upstream;
        private final DelayLine.Destination towardsClient;

        ClientPath(InetSocketAddress client) {
            this.client = client;
            this.towardsClient = content -> {
                front.send(content, this.client);
                front.flush();
            };
        }

        void open() {
            InetSocketAddress local = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            ChannelFuture bind = transport.bindAsync(group, local, new DatagramHandler(sender -> this, clock));
            bind.addListener(f -> {
                if (!f.isSuccess() || closed) {
                    bind.channel().close();
                    releaseWaiting();
                    return;
                }
                upstream = bind.channel();
                ByteBuf content;
                while ((content = waiting.poll()) != null) {
                    upstream.writeAndFlush(new DatagramPacket(content, target), upstream.voidPromise());
                }
            });
        }

        @Override
        public void deliver(ByteBuf content) {
            if (upstream != null) {
                upstream.writeAndFlush(new DatagramPacket(content, target), upstream.voidPromise());
            } else if (waiting.size() < MAX_WAITING_PER_CLIENT && !closed) {
                waiting.add(content);
            } else {
                content.release();
            }
        }

        @Override
        public void onDatagram(ByteBuf datagram, InetSocketAddress sender, long nowNs) {
            if (!closed && sender.equals(target)) {
                fromTarget.offer(datagram, towardsClient, nowNs);
            }
        }

        @Override
        public void onHandlerFailure(RuntimeException failure) {
            // as above
        }

        void close() {
            releaseWaiting();
            if (upstream != null) {
                upstream.close();
            }
        }

        private void releaseWaiting() {
            ByteBuf content;
            while ((content = waiting.poll()) != null) {
                content.release();
            }
        }
    }
}
