package io.smoothcast.transport.internal.netty;

import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A second UDP socket on an epoll channel's address and port that only sends, so that the
 * kernel's work per sent datagram does not include the channel's epoll wake-up: when a sent skb
 * is freed, {@code sock_wfree} takes the sending socket's wait-queue lock and runs
 * {@code ep_poll_callback} if anything waits on that socket, and the channel's socket always has
 * its epoll entry there (about 0.2 us per datagram on loopback, BENCHMARKS.md "Relay fan-out,
 * session 10"). Nothing polls this socket, so its wait queue stays empty.
 *
 * <p>How it takes no datagram meant for the channel: it is bound beside the channel's socket
 * (SO_REUSEPORT, set on both only for the bind and cleared again, so no other socket can join a
 * port the channel does not share; while a relay's fan-out sockets are joining the node's port
 * it stays set, and {@link UdpTransport#bindGroup} clears it on all once they have) and then
 * connected to that same address and port. Linux's UDP receive lookup
 * matches a connected socket only for datagrams from its peer (and a reuseport group skips
 * connected members), so every datagram from anyone else goes to the channel's socket as before;
 * only one sent from the channel's own address and port to itself would land here, unread. A
 * datagram that arrives in the microseconds between this socket's bind and its connect may land
 * here and be lost: it is made when the channel becomes active, and a relay's start
 * ({@link UdpTransport#bindGroup}) returns only after that (until session 19 it could return
 * before, and a HELLO sent at once could be lost). Sending with an
 * explicit destination ({@code sendmmsg}) works on a connected UDP socket as on an unconnected
 * one, from the same source address and port.
 *
 * <p>Only for a channel bound to one IPv4 address: the socket is IPv4 (no dual-stack entry
 * {@code udpv6_sendmsg}). A channel bound to the wildcard keeps its own socket, because
 * connecting would fix the source address of every datagram to the one the route to the peer
 * picks, where today the kernel picks it per destination.
 *
 * <p>Thread-safety: opened and closed on the channel's event loop.
 */
final class SendOnlySocket {

    private static final Logger LOG = LoggerFactory.getLogger(SendOnlySocket.class);

    private SendOnlySocket() {
    }

    /**
     * Opens the send-only socket of a channel, if it can have one.
     *
     * @param channel an open epoll channel, on its event loop
     * @return the bound and connected socket (the caller closes it), or null when the channel is
     *     not bound to one IPv4 address or the kernel refused a step (logged); the channel's own
     *     socket then sends
     */
    static LinuxSocket open(EpollDatagramChannel channel) {
        InetSocketAddress local = channel.localAddress();
        if (local == null || !(local.getAddress() instanceof Inet4Address address) || address.isAnyLocalAddress()
                || !(channel.fd() instanceof Socket owner)) {
            return null;
        }
        LinuxSocket socket = LinuxSocket.newSocketDgram(SocketProtocolFamily.INET);
        try {
            // The channel's send buffer: Linux reports twice the size it was set to.
            socket.setSendBufferSize(owner.getSendBufferSize() / 2);
            boolean ownerShares = owner.isReusePort();
            owner.setReusePort(true);
            try {
                socket.setReusePort(true);
                socket.bind(local);
                // A port the channel shares already (a relay's fan-out sockets while they bind)
                // stays open to its next sockets; any other is closed again to every further bind.
                socket.setReusePort(ownerShares);
            } finally {
                owner.setReusePort(ownerShares);
            }
            socket.connect(local);
            return socket;
        } catch (IOException e) {
            LOG.info("copies on {} go out through its own socket: no send-only socket ({})", channel, e.toString());
            close(socket);
            return null;
        }
    }

    /**
     * Closes a socket {@link #open} returned.
     *
     * @param socket the socket
     */
    static void close(LinuxSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("closing a send-only socket", e);
        }
    }
}
