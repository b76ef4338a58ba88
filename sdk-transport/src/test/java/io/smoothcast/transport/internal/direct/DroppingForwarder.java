package io.smoothcast.transport.internal.direct;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * A loopback UDP hop between an RTP sender and its receiver that passes every datagram on but
 * drops every {@code dropEvery}th media packet (of one payload type), so the receiver really has
 * gaps to NACK. RTX, RTCP and other payload types always pass.
 *
 * <p>Not thread-safe: pumped from the test's thread.
 */
final class DroppingForwarder implements AutoCloseable {

    private final DatagramChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(2048);
    private final int mediaPayloadType;
    private final int dropEvery;
    private long mediaSeen;
    private long forwarded;
    private long dropped;

    /** Binds a non-blocking socket on loopback, any free port. */
    DroppingForwarder(int mediaPayloadType, int dropEvery) throws IOException {
        this.mediaPayloadType = mediaPayloadType;
        this.dropEvery = dropEvery;
        channel = DatagramChannel.open();
        try {
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            channel.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** @return where the sender should send */
    InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /**
     * Forwards (or drops) every datagram waiting now, without blocking.
     *
     * @return how many datagrams arrived
     */
    int pump(InetSocketAddress target) throws IOException {
        int arrived = 0;
        buffer.clear();
        while (channel.receive(buffer) != null) {
            buffer.flip();
            arrived++;
            boolean media = buffer.remaining() > 1 && (buffer.get(1) & 0x7F) == mediaPayloadType;
            if (media && ++mediaSeen % dropEvery == 0) {
                dropped++;
            } else {
                channel.send(buffer, target);
                forwarded++;
            }
            buffer.clear();
        }
        return arrived;
    }

    /** @return datagrams passed on so far */
    long forwarded() {
        return forwarded;
    }

    /** @return media packets dropped so far */
    long dropped() {
        return dropped;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
