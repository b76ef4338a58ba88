package io.smoothcast.transport.internal.direct;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * The receive side of the direct RTP sender and receiver: reads every datagram waiting on a
 * non-blocking channel into one reused buffer and hands each to a handler, which must be done
 * with the bytes when it returns. A datagram longer than the buffer arrives truncated (the
 * handler's parser then refuses it). The buffer is the only one; no copy is made per datagram.
 *
 * <p>Not thread-safe: used from the one thread that drives its owner.
 */
final class DatagramReadLoop {

    /** Takes one datagram: {@code data[0, length)}, valid only during the call. */
    @FunctionalInterface
    interface Handler {
        void onDatagram(byte[] data, int length, long nowNs);
    }

    private final DatagramChannel channel;
    private final ByteBuffer buffer;
    private final Handler handler;

    /**
     * @param channel a bound, non-blocking channel
     * @param maxDatagramBytes the buffer size
     * @param handler called once per datagram, on the calling thread
     */
    DatagramReadLoop(DatagramChannel channel, int maxDatagramBytes, Handler handler) {
        this.channel = channel;
        this.buffer = ByteBuffer.allocate(maxDatagramBytes);
        this.handler = handler;
    }

    /**
     * Hands every datagram waiting now to the handler.
     *
     * @param nowNs the caller's clock, passed on
     * @return false if the socket failed (the rest stays for the next call), true once none is waiting
     */
    boolean readAll(long nowNs) {
        while (true) {
            buffer.clear();
            try {
                if (channel.receive(buffer) == null) {
                    return true;
                }
            } catch (IOException e) {
                return false;
            }
            handler.onDatagram(buffer.array(), buffer.position(), nowNs);
        }
    }
}
