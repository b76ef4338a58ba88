package io.smoothcast.transport.internal.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.smoothcast.time.NanoClock;
import io.smoothcast.transport.NettyLeaks;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link DatagramHandler#sendCopies} on real sockets: on epoll through one {@code sendmmsg} per
 * batch from the handler's native region ({@link NativeCopyWriter}), on NIO through Netty's
 * ordinary writes; every subscriber socket gets its own copy, byte for byte, with its own
 * transport-wide number; a recipient the kernel refuses costs only its own copy; no buffer leaks.
 */
class NativeCopiesIT {

    private static final int SUBSCRIBERS = 40;
    private static final int OFFSET = 18;

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    @Test
    @Timeout(60)
    void epoll_sendsEveryCopyInOneSystemCallPerBatch_eachWithItsOwnNumber() throws Exception {
        assumeTrue(Epoll.isAvailable(), "the native path needs the epoll transport");
        assertTrue(NativeCopyWriter.unavailableReason() == null,
                "Netty's internals link on the class path: " + NativeCopyWriter.unavailableReason());
        // 1,200 bytes: every copy in one call; 14,000 bytes: several calls (the region holds 37).
        assertTrue(fanOut(UdpTransport.best(), 1200, false, true), "the epoll handler used the native path");
        assertTrue(fanOut(UdpTransport.best(), 14_000, false, true), "the epoll handler used the native path");
        NettyLeaks.assertNoLeaks();
    }

    @Test
    @Timeout(60)
    void epoll_aRecipientTheKernelRefuses_losesOnlyItsOwnCopy() throws Exception {
        assumeTrue(Epoll.isAvailable(), "the native path needs the epoll transport");
        assertTrue(fanOut(UdpTransport.best(), 1200, true, true), "the epoll handler used the native path");
        NettyLeaks.assertNoLeaks();
    }

    @Test
    @Timeout(60)
    void epoll_turnedOff_keepsTheOrdinaryPath_andDeliversTheSame() throws Exception {
        assumeTrue(Epoll.isAvailable(), "the native path needs the epoll transport");
        assertFalse(fanOut(UdpTransport.best(), 1200, false, false), "not asked for: no native path");
        NettyLeaks.assertNoLeaks();
    }

    @Test
    @Timeout(60)
    void nio_keepsTheOrdinaryPath_andDeliversTheSame() throws Exception {
        assertFalse(fanOut(UdpTransport.nio(), 1200, false, true), "NIO has no native path");
        NettyLeaks.assertNoLeaks();
    }

    /**
     * Sends one packet's copies to {@link #SUBSCRIBERS} sockets (twice, the second time in the
     * reverse order, so that the handler's slots change recipients) and checks what each got.
     *
     * @param refuseOne whether a broadcast address (refused without SO_BROADCAST) sits among them
     * @param nativeCopies whether the handler is allowed the native path
     * @return whether the handler sent through its native writer
     */
    private static boolean fanOut(UdpTransport transport, int length, boolean refuseOne, boolean nativeCopies)
            throws Exception {
        EventLoopGroup group = transport.newGroup(1, "native-copies-it");
        List<DatagramSocket> subscribers = new ArrayList<>();
        try {
            DatagramHandler handler = new DatagramHandler(sender -> new DatagramReceiver() {
                @Override
                public void onDatagram(ByteBuf datagram, InetSocketAddress from, long nowNs) {
                }

                @Override
                public void onHandlerFailure(RuntimeException failure) {
                }
            }, NanoClock.system());
            if (nativeCopies) {
                handler.useNativeCopies();
            }
            Channel channel = transport.bind(group, new InetSocketAddress("127.0.0.1", 0), handler);
            int count = SUBSCRIBERS + (refuseOne ? 1 : 0);
            InetSocketAddress[] recipients = new InetSocketAddress[count];
            int refusedAt = refuseOne ? SUBSCRIBERS / 2 : -1;
            for (int i = 0; i < count; i++) {
                if (i == refusedAt) {
                    recipients[i] = new InetSocketAddress("255.255.255.255", 9);
                    continue;
                }
                DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                socket.setSoTimeout(10_000);
                socket.setReceiveBufferSize(1 << 20);
                subscribers.add(socket);
                recipients[i] = (InetSocketAddress) socket.getLocalSocketAddress();
            }
            byte[] payload = new byte[length];
            new SplittableRandom(length).nextBytes(payload);
            int[] sequences = new int[count];
            for (int round = 0; round < 2; round++) {
                InetSocketAddress[] order = round == 0 ? recipients : reversed(recipients);
                for (int i = 0; i < count; i++) {
                    sequences[i] = (round * 1000 + i * 7 + 65_530) & 0xFFFF;
                }
                ByteBuf packet = PooledByteBufAllocator.DEFAULT.directBuffer(length);
                packet.writeBytes(payload);
                int[] numbers = sequences.clone();
                channel.eventLoop().submit(() -> {
                    handler.sendCopies(packet, OFFSET, numbers, order, count);
                    handler.flush();
                    packet.release();
                }).get(10, TimeUnit.SECONDS);
                for (int i = 0; i < count; i++) {
                    if (order[i].getPort() == 9) {
                        continue;
                    }
                    DatagramSocket socket = subscribers.get(indexOf(subscribers, order[i]));
                    DatagramPacket received = new DatagramPacket(new byte[length + 1], length + 1);
                    socket.receive(received);
                    assertEquals(channel.localAddress(), received.getSocketAddress(),
                            "every copy comes from the channel's address and port");
                    byte[] expected = payload.clone();
                    expected[OFFSET] = (byte) (numbers[i] >>> 8);
                    expected[OFFSET + 1] = (byte) numbers[i];
                    assertArrayEquals(expected, Arrays.copyOf(received.getData(), received.getLength()),
                            "round " + round + ", copy " + i + " (" + length + " bytes)");
                }
            }
            boolean nativePath = channel.eventLoop().submit(handler::sendsNativeCopies).get(10, TimeUnit.SECONDS);
            boolean sendOnly = channel.eventLoop().submit(handler::sendsFromSendOnlySocket).get(10, TimeUnit.SECONDS);
            assertEquals(nativePath, sendOnly, "a channel bound to 127.0.0.1 sends its native copies from a"
                    + " send-only socket");
            long refused = channel.eventLoop().submit(handler::nativeCopiesRefused).get(10, TimeUnit.SECONDS);
            if (nativePath) {
                assertEquals(refuseOne ? 2 : 0, refused, "refused copies, one per round");
            }
            channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            return nativePath;
        } finally {
            subscribers.forEach(DatagramSocket::close);
            UdpTransport.shutdown(group);
        }
    }

    private static InetSocketAddress[] reversed(InetSocketAddress[] recipients) {
        InetSocketAddress[] reversed = new InetSocketAddress[recipients.length];
        for (int i = 0; i < recipients.length; i++) {
            reversed[i] = recipients[recipients.length - 1 - i];
        }
        return reversed;
    }

    private static int indexOf(List<DatagramSocket> sockets, InetSocketAddress address) {
        for (int i = 0; i < sockets.size(); i++) {
            if (sockets.get(i).getLocalPort() == address.getPort()) {
                return i;
            }
        }
        throw new AssertionError("no socket at " + address);
    }
}
