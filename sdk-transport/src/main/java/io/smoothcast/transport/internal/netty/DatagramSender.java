package io.smoothcast.transport.internal.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;

/**
 * Where the protocol logic sends datagrams. The Netty implementation writes to a channel; tests
 * use one that records what was sent. Called only from the I/O thread that owns the logic.
 */
public interface DatagramSender {

    /**
     * The allocator for outgoing buffers.
     *
     * @return a pooled allocator in production
     */
    ByteBufAllocator allocator();

    /**
     * Queues a datagram. Ownership of {@code content} passes to the sender, which releases it
     * after writing (or if it cannot write).
     *
     * @param content the payload; this call takes ownership
     * @param recipient where to send it
     */
    void send(ByteBuf content, InetSocketAddress recipient);

    /** Writes everything queued since the last flush. */
    void flush();
}
