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

    /**
     * Sends {@code count} copies of one packet: copy {@code i} to {@code recipients[i]}, with
     * {@code transportSequences[i]} written at {@code transportOffset} (the packet unchanged for
     * {@link FanOutLanes#NO_SEQUENCE}). This default makes each copy with
     * {@link FanOutLanes#sendCopy} and {@link #send}s it; the epoll handler may instead send
     * them all in one system call ({@link DatagramHandler#sendCopies}). Either way they are
     * written by the time {@link #flush()} returns.
     *
     * @param packet the shared packet; not released here
     * @param transportOffset where the 16-bit number goes, from the packet's reader index
     * @param transportSequences one number per copy, or {@link FanOutLanes#NO_SEQUENCE}
     * @param recipients one recipient per copy
     * @param count copies, from index 0 of both arrays
     */
    default void sendCopies(ByteBuf packet, int transportOffset, int[] transportSequences,
            InetSocketAddress[] recipients, int count) {
        for (int i = 0; i < count; i++) {
            FanOutLanes.sendCopy(this, packet, transportOffset, transportSequences[i], recipients[i]);
        }
    }
}
