package io.smoothcast.transport.internal.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared receive loop of the direct RTP sender and receiver, on real loopback sockets. */
class DatagramReadLoopTest {

    private static final int MAX_DATAGRAM = 64;

    @Test
    void readAll_handsEveryWaitingDatagramOnce_withItsLengthAndTheCallersClock() throws IOException {
        List<String> seen = new ArrayList<>();
        try (DatagramChannel in = openNonBlocking(); DatagramChannel out = DatagramChannel.open()) {
            DatagramReadLoop loop = new DatagramReadLoop(in, MAX_DATAGRAM,
                    (data, length, nowNs) -> seen.add(data[0] + "/" + length + "@" + nowNs));
            InetSocketAddress target = (InetSocketAddress) in.getLocalAddress();
            out.send(ByteBuffer.wrap(new byte[] {1, 0, 0}), target);
            out.send(ByteBuffer.wrap(new byte[] {2}), target);
            // Longer than the buffer: arrives cut to MAX_DATAGRAM bytes, for the handler's parser to refuse.
            byte[] oversized = new byte[MAX_DATAGRAM + 100];
            oversized[0] = 3;
            out.send(ByteBuffer.wrap(oversized), target);

            // Loopback queues each datagram at the receiver before send returns.
            assertTrue(loop.readAll(42));
            assertEquals(List.of("1/3@42", "2/1@42", "3/" + MAX_DATAGRAM + "@42"), seen);
            assertTrue(loop.readAll(43), "nothing waiting is not an error");
            assertEquals(3, seen.size());
        }
    }

    @Test
    void readAll_onAFailedSocket_returnsFalse_andCallsNoHandler() throws IOException {
        DatagramChannel in = openNonBlocking();
        List<Integer> seen = new ArrayList<>();
        DatagramReadLoop loop = new DatagramReadLoop(in, MAX_DATAGRAM, (data, length, nowNs) -> seen.add(length));
        in.close();
        assertFalse(loop.readAll(0));
        assertTrue(seen.isEmpty());
    }

    private static DatagramChannel openNonBlocking() throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        channel.configureBlocking(false);
        return channel;
    }
}
