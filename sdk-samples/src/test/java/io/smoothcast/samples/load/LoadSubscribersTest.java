package io.smoothcast.samples.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.samples.internal.SyntheticFrames;
import io.smoothcast.samples.internal.WallClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One {@link LoadSubscribers} viewer against a scripted node on loopback: the test plays the
 * node's side of PROTOCOL.md byte by byte, so the join, the loss count, the latency sample and
 * the rejoin after NOT_JOINED are checked against known input.
 */
class LoadSubscribersTest {

    private static final long COOKIE = 0x0123456789ABCDEFL;

    @Test
    @Timeout(20)
    void joins_countsGapsAsLoss_measuresLatency_andRejoinsWhenForgotten() throws Exception {
        try (DatagramChannel node = DatagramChannel.open()) {
            node.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            node.configureBlocking(true);
            try (LoadSubscribers subscribers = new LoadSubscribers((InetSocketAddress) node.getLocalAddress(),
                    List.of("show"), 1, 0, 60_000, 1)) {
                subscribers.start();
                ByteBuffer in = ByteBuffer.allocate(2048);
                SocketAddress viewer = join(node, in);
                await(subscribers, v -> v.subscribed() == 1);

                // Sequence numbers 65534, 65535, 0, 2: one packet (1) missing across the wrap.
                for (int seq : new int[] {65534, 65535, 0, 2}) {
                    node.send(rtp(seq, seq == 0), viewer);
                }
                LoadReport.Viewers v = await(subscribers, s -> s.packets() == 4);
                await(subscribers, s -> s.lost() == 1);
                assertEquals(1, v.receiving());
                assertEquals(4, v.frames(), "every packet here starts a frame");
                assertEquals(1, subscribers.snapshot().latencyUs().getTotalCount(), "one synthetic frame header");

                // The node forgets the session: the next keepalive gets NOT_JOINED; the viewer joins again.
                in.clear();
                SocketAddress from = node.receive(in);
                in.flip();
                assertEquals(ControlPackets.KEEPALIVE, ControlPackets.type(in), "a keepalive within a second");
                node.send(error(20, ControlPackets.KEEPALIVE), from);
                join(node, in);
                v = await(subscribers, s -> s.rejoins() == 1 && s.subscribed() == 1);
                assertEquals(1, v.errorReplies());
                assertEquals(0, v.joinFailures());
                assertEquals(0, v.malformed());
            }
        }
    }

    /** Plays the node's side of a join; returns the viewer's address. */
    private static SocketAddress join(DatagramChannel node, ByteBuffer in) throws Exception {
        SocketAddress from;
        do {
            in.clear();
            from = node.receive(in);
            in.flip();
        } while (ControlPackets.type(in) != ControlPackets.HELLO); // keepalives may still be on the way
        long sessionId = in.getLong(12);
        ByteBuffer ack = ByteBuffer.allocate(36);
        ack.put((byte) 0x0A).put((byte) 1).put((byte) 0x81).put((byte) 0).putInt(ControlPackets.requestId(in))
                .putShort((short) 0).putShort((short) 24).putLong(sessionId).putShort((short) 500)
                .putShort((short) 5000).putInt(7).putLong(COOKIE).flip();
        node.send(ack, from);
        in.clear();
        node.receive(in);
        in.flip();
        assertEquals(ControlPackets.SUBSCRIBE, ControlPackets.type(in));
        assertEquals(COOKIE, in.getLong(in.limit() - 8), "the cookie is echoed");
        ByteBuffer subAck = ByteBuffer.allocate(12 + 6);
        subAck.put((byte) 0x0A).put((byte) 1).put((byte) 0x83).put((byte) 0).putInt(ControlPackets.requestId(in))
                .putShort((short) 0).putShort((short) 6).put((byte) 4).put("show".getBytes()).put((byte) 0).flip();
        node.send(subAck, from);
        return from;
    }

    /** An RTP packet (generic payload, frame start); {@code withFrame}: a synthetic frame header inside. */
    private static ByteBuffer rtp(int sequence, boolean withFrame) {
        byte[] frame = new byte[SyntheticFrames.HEADER_BYTES];
        new SyntheticFrames().write(frame, 0, WallClock.epochNs(), frame.length);
        ByteBuffer b = ByteBuffer.allocate(12 + 1 + frame.length);
        b.put((byte) 0x80).put((byte) 96).putShort((short) sequence).putInt(0).putInt(0x1234)
                .put((byte) 0x80).put(withFrame ? frame : new byte[frame.length]).flip();
        return b;
    }

    private static ByteBuffer error(int code, int failedType) {
        ByteBuffer b = ByteBuffer.allocate(12 + 4);
        b.put((byte) 0x0A).put((byte) 1).put((byte) ControlPackets.ERROR).put((byte) 0).putInt(0).putShort((short) 0)
                .putShort((short) 4).putShort((short) code).put((byte) failedType).put((byte) 0).flip();
        return b;
    }

    private static LoadReport.Viewers await(LoadSubscribers subscribers, Predicate<LoadReport.Viewers> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        LoadReport.Viewers v;
        while (!condition.test(v = subscribers.snapshot())) {
            assertTrue(System.nanoTime() - deadline < 0, "condition not reached: " + v);
            Thread.sleep(5); // the subscribers have no blocking wait
        }
        return v;
    }
}
