package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.smoothcast.time.NanoClock;
import io.smoothcast.transport.NettyLeaks;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import io.smoothcast.transport.internal.netty.UdpTransport;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node that is closing stops reading before it forgets its sessions: a keepalive waiting in
 * its socket when the close begins is never answered NOT_JOINED (which would tell the client the
 * node restarted). Under load, FailoverIT's viewer got that answer from a node being closed and
 * counted one state change more than the test expected (session 9).
 */
class RelayChannelsCloseIT {

    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(20);

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    @Test
    @Timeout(60)
    void keepaliveReadDuringTheClose_isNeverAnsweredNotJoined() throws Exception {
        RelayChannels channels = RelayChannels.start(UdpTransport.best(), new InetSocketAddress("127.0.0.1", 0), 1,
                NanoClock.system(), new RelayConfig(7, 500, 5000, 64, 200, 100, 100, null), new RelayCounters(),
                RelaySecurity.NONE, null);
        CountDownLatch release = new CountDownLatch(1);
        Thread closer = new Thread(channels::close, "closer");
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(5000);
            InetSocketAddress node = channels.localAddress();
            send(client, node, 1, new ControlMessage.Hello(11, 500));
            long cookie = ((ControlMessage.HelloAck) receive(client, ControlMessage.HelloAck.class)).cookie();
            send(client, node, 2, new ControlMessage.Subscribe("close-show", 2, 0, cookie));
            receive(client, ControlMessage.SubscribeAck.class);
            send(client, node, 0, new ControlMessage.Keepalive(1));
            receive(client, ControlMessage.KeepaliveAck.class); // the session is known

            // The node's thread is held; the keepalive waits in the socket while close() queues
            // its work behind the held task.
            CountDownLatch held = new CountDownLatch(1);
            channels.ownerLoop().execute(() -> {
                held.countDown();
                awaitQuietly(release);
            });
            assertTrue(held.await(10, TimeUnit.SECONDS), "the owner's thread took the blocking task");
            send(client, node, 0, new ControlMessage.Keepalive(2));
            closer.start();
            SingleThreadEventExecutor loop = (SingleThreadEventExecutor) channels.ownerLoop();
            long deadlineNs = System.nanoTime() + DEADLINE_NS;
            while (loop.pendingTasks() == 0) {
                assertTrue(System.nanoTime() < deadlineNs, "close() queued its work");
                Thread.yield();
            }
            release.countDown();
            closer.join(TimeUnit.NANOSECONDS.toMillis(DEADLINE_NS));
            assertFalse(closer.isAlive(), "close() returned");

            List<String> answers = new ArrayList<>();
            client.setSoTimeout(300);
            try {
                while (true) {
                    answers.add(String.valueOf(receiveAny(client).message()));
                }
            } catch (SocketTimeoutException quiet) {
                // nothing more from the node
            }
            assertEquals(List.of(), answers.stream().filter(a -> a.startsWith("Error")).toList(),
                    "answers after the close began: " + answers);
        } finally {
            release.countDown();
            closer.join(TimeUnit.NANOSECONDS.toMillis(DEADLINE_NS));
        }
        NettyLeaks.assertNoLeaks();
    }

    private static void send(DatagramSocket socket, InetSocketAddress to, int requestId, ControlMessage message)
            throws IOException {
        ByteBuf encoded = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, requestId, new byte[0], message);
        try {
            byte[] bytes = new byte[encoded.readableBytes()];
            encoded.readBytes(bytes);
            socket.send(new DatagramPacket(bytes, bytes.length, to));
        } finally {
            encoded.release();
        }
    }

    /** The next control message of the given type, skipping others. */
    private static ControlMessage receive(DatagramSocket socket, Class<?> type) throws IOException {
        while (true) {
            ControlMessage message = receiveAny(socket).message();
            if (type.isInstance(message)) {
                return message;
            }
        }
    }

    /** The next control message, skipping anything else. */
    private static DecodeResult receiveAny(DatagramSocket socket) throws IOException {
        while (true) {
            DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
            socket.receive(packet);
            if (packet.getData()[0] == 0x0A) {
                return ControlCodec.decode(Unpooled.wrappedBuffer(packet.getData(), 0, packet.getLength()));
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
