package io.smoothcast.transport.internal.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.smoothcast.time.NanoClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The relay's send-only socket ({@link SendOnlySocket}) on real sockets: it exists beside an epoll
 * channel bound to 127.0.0.1 that sends native copies, takes none of the datagrams that many
 * senders send to the port (also when the port is shared by several channels, as a relay's
 * fan-out sockets share it), keeps the port closed to other sockets (a shared one too, once its
 * group is bound), and goes with the channel's close. Channels bound to the wildcard, NIO channels and handlers without native copies have none.
 */
class SendOnlySocketIT {

    private static final int SENDERS = 200;
    private static final int PER_SENDER = 5;

    @Test
    @Timeout(60)
    void oneChannel_everyDatagramReachesTheChannel_andCloseReleasesBothSockets() throws Exception {
        assumeTrue(Epoll.isAvailable() && EpollSendmmsg.isAvailable(), "needs the epoll transport");
        EventLoopGroup group = UdpTransport.best().newGroup(1, "send-only-it");
        try {
            AtomicInteger received = new AtomicInteger();
            CountDownLatch all = new CountDownLatch(SENDERS * PER_SENDER);
            DatagramHandler handler = countingHandler(received, all, true);
            Channel channel = UdpTransport.best().bind(group, new InetSocketAddress("127.0.0.1", 0), handler);
            InetSocketAddress local = (InetSocketAddress) channel.localAddress();
            assertTrue(onLoop(channel, handler::sendsFromSendOnlySocket), "made when the channel became active");
            assertEquals(2, socketsOnPort(local.getPort()), "the channel's socket and the send-only one");
            assertThrows(BindException.class, () -> new DatagramSocket(local).close(),
                    "the port stays closed to other sockets");

            sendFromManyPorts(local);
            assertTrue(all.await(20, TimeUnit.SECONDS), "received " + received.get());
            assertEquals(SENDERS * PER_SENDER, received.get());

            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            assertEquals(0, socketsOnPort(local.getPort()), "both sockets closed with the channel");
            new DatagramSocket(local).close();
        } finally {
            UdpTransport.shutdown(group);
        }
    }

    @Test
    @Timeout(60)
    void sharedPort_theGroupTakesIncomingOnlyOnItsChannels_andNoOtherSocketCanJoin() throws Exception {
        assumeTrue(Epoll.isAvailable() && EpollSendmmsg.isAvailable(), "needs the epoll transport");
        UdpTransport transport = UdpTransport.best();
        EventLoopGroup group = transport.newGroup(3, "send-only-it");
        try {
            AtomicInteger received = new AtomicInteger();
            CountDownLatch all = new CountDownLatch(SENDERS * PER_SENDER);
            List<EventLoop> loops = new ArrayList<>();
            List<DatagramHandler> handlers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                loops.add(group.next());
                handlers.add(countingHandler(received, all, true));
            }
            List<Channel> channels = transport.bindGroup(loops, new InetSocketAddress("127.0.0.1", 0), handlers);
            InetSocketAddress local = (InetSocketAddress) channels.get(0).localAddress();
            for (int i = 0; i < 3; i++) {
                assertEquals(local, channels.get(i).localAddress(), "channel " + i);
                assertTrue(onLoop(channels.get(i), handlers.get(i)::sendsFromSendOnlySocket), "channel " + i);
            }
            assertEquals(6, socketsOnPort(local.getPort()), "three channels, each with its send-only socket");
            assertThrows(BindException.class, () -> new DatagramSocket(local).close(), "closed to a plain socket");
            try (DatagramChannel stranger = DatagramChannel.open(StandardProtocolFamily.INET)) {
                stranger.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                assertThrows(BindException.class, () -> stranger.bind(local),
                        "closed to a socket of the same user with SO_REUSEPORT");
            }

            sendFromManyPorts(local);
            assertTrue(all.await(20, TimeUnit.SECONDS), "received " + received.get());
            assertEquals(SENDERS * PER_SENDER, received.get());

            for (Channel channel : channels) {
                channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            assertEquals(0, socketsOnPort(local.getPort()), "all six closed");
        } finally {
            UdpTransport.shutdown(group);
        }
    }

    @Test
    @Timeout(60)
    void sharedPort_onAPortAnySocketHolds_failsNamingIt_andLeavesNothingBound() throws Exception {
        assumeTrue(Epoll.isAvailable() && EpollSendmmsg.isAvailable(), "needs the epoll transport");
        UdpTransport transport = UdpTransport.best();
        EventLoopGroup group = transport.newGroup(2, "send-only-it");
        try (DatagramChannel holder = DatagramChannel.open(StandardProtocolFamily.INET)) {
            holder.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            holder.bind(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress taken = (InetSocketAddress) holder.getLocalAddress();
            List<DatagramHandler> handlers = List.of(countingHandler(new AtomicInteger(), new CountDownLatch(1), true),
                    countingHandler(new AtomicInteger(), new CountDownLatch(1), true));
            UncheckedIOException refused = assertThrows(UncheckedIOException.class,
                    () -> transport.bindGroup(List.of(group.next(), group.next()), taken, handlers));
            assertTrue(refused.getMessage().contains(taken.toString()), refused.getMessage());
            assertEquals(1, socketsOnPort(taken.getPort()), "the holder's socket alone");
        } finally {
            UdpTransport.shutdown(group);
        }
    }

    @Test
    @Timeout(60)
    void noSendOnlySocket_forTheWildcard_forNio_orWithoutNativeCopies() throws Exception {
        assertNoSendOnlySocket(UdpTransport.nio(), "127.0.0.1", true);
        assumeTrue(Epoll.isAvailable() && EpollSendmmsg.isAvailable(), "needs the epoll transport");
        assertNoSendOnlySocket(UdpTransport.best(), "0.0.0.0", true);
        assertNoSendOnlySocket(UdpTransport.best(), "127.0.0.1", false);
    }

    private static void assertNoSendOnlySocket(UdpTransport transport, String host, boolean nativeCopies)
            throws Exception {
        EventLoopGroup group = transport.newGroup(1, "send-only-it");
        try {
            DatagramHandler handler = countingHandler(new AtomicInteger(), new CountDownLatch(1), nativeCopies);
            Channel channel = transport.bind(group, new InetSocketAddress(host, 0), handler);
            int port = ((InetSocketAddress) channel.localAddress()).getPort();
            assertFalse(onLoop(channel, handler::sendsFromSendOnlySocket), transport + " " + host);
            assertEquals(1, socketsOnPort(port), transport + " " + host + ": the channel's socket alone");
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        } finally {
            UdpTransport.shutdown(group);
        }
    }

    private static DatagramHandler countingHandler(AtomicInteger received, CountDownLatch all, boolean nativeCopies) {
        DatagramHandler handler = new DatagramHandler(sender -> new DatagramReceiver() {
            @Override
            public void onDatagram(ByteBuf datagram, InetSocketAddress from, long nowNs) {
                received.incrementAndGet();
                all.countDown();
            }

            @Override
            public void onHandlerFailure(RuntimeException failure) {
            }
        }, NanoClock.system());
        if (nativeCopies) {
            handler.useNativeCopies();
        }
        return handler;
    }

    /** {@link #SENDERS} sockets on their own ports, each sending {@link #PER_SENDER} datagrams. */
    private static void sendFromManyPorts(InetSocketAddress to) throws IOException {
        List<DatagramSocket> senders = new ArrayList<>();
        try {
            for (int i = 0; i < SENDERS; i++) {
                senders.add(new DatagramSocket(new InetSocketAddress("127.0.0.1", 0)));
            }
            for (int round = 0; round < PER_SENDER; round++) {
                for (DatagramSocket sender : senders) {
                    sender.send(new DatagramPacket(new byte[] {1, 2, 3, (byte) round}, 4, to));
                }
            }
        } finally {
            senders.forEach(DatagramSocket::close);
        }
    }

    private static <T> T onLoop(Channel channel, java.util.concurrent.Callable<T> task) throws Exception {
        return channel.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
    }

    /** UDP sockets of this network namespace bound to {@code port}, IPv4 and IPv6 tables. */
    private static int socketsOnPort(int port) throws IOException {
        String suffix = String.format(Locale.ROOT, ":%04X", port);
        int count = 0;
        for (String table : new String[] {"/proc/net/udp", "/proc/net/udp6"}) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 1 && fields[1].endsWith(suffix)) {
                    count++;
                }
            }
        }
        return count;
    }
}
