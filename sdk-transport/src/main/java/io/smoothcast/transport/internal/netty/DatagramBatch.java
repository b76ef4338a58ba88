package io.smoothcast.transport.internal.netty;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A fixed set of outgoing datagram slots handed to the kernel together: slot {@code i} sends the
 * one iovec at an address fixed when the batch was made (its bytes and length written by the
 * caller in native memory) to the recipient last set for it. {@link EpollSendmmsg} is the real
 * one ({@code sendmmsg(2)} on an epoll socket); tests use a recording one.
 *
 * <p>Thread-safety: used by one thread only.
 */
interface DatagramBatch {

    /**
     * Slots, and so datagrams per {@link #send} at most.
     *
     * @return at least 1
     */
    int capacity();

    /**
     * Sets where slot {@code slot}'s datagram goes.
     *
     * @param slot 0 to {@code capacity() - 1}
     * @param recipient the address
     */
    void recipient(int slot, InetSocketAddress recipient);

    /**
     * Sends slots {@code [offset, offset + count)} in one call.
     *
     * @return how many the kernel took, from {@code offset}; 0 when the socket's send buffer is
     *     full (EAGAIN)
     * @throws IOException the first of them failed for another reason; none was taken
     */
    int send(int offset, int count) throws IOException;
}
