package io.smoothcast.transport;

import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtpPacketView;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * A UDP proxy on 127.0.0.1 for one client in front of a node, for tests: forwards datagrams both
 * ways, each through its direction's {@link Rewrite}, which may change it in place or drop it.
 * The client is whoever sent the last datagram to {@link #address()}. Two threads, one per
 * direction; a rewrite runs on its direction's thread only.
 */
final class ClientProxy implements AutoCloseable {

    /** What a direction does to each datagram. */
    @FunctionalInterface
    interface Rewrite {
        /**
         * @param buffer the datagram, changed in place if need be (room for 2048 bytes)
         * @param length its length
         * @return the length to forward, or -1 to drop it
         */
        int apply(byte[] buffer, int length);
    }

    /** Forwards every datagram as it is. */
    static final Rewrite FORWARD = (buffer, length) -> length;

    private final DatagramSocket front;
    private final DatagramSocket back;
    private final InetSocketAddress node;
    private volatile InetSocketAddress client;
    private volatile boolean running = true;
    private final Thread up;
    private final Thread down;

    /**
     * @param node where the client's datagrams go
     * @param toNode applied to the client's datagrams
     * @param toClient applied to the node's datagrams
     */
    ClientProxy(InetSocketAddress node, Rewrite toNode, Rewrite toClient) throws SocketException {
        this.node = node;
        this.front = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.back = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        for (DatagramSocket socket : new DatagramSocket[] {front, back}) {
            socket.setSoTimeout(100);
            // Room for a stream while a loaded host keeps a forwarding thread off the CPU.
            socket.setReceiveBufferSize(1 << 22);
        }
        up = new Thread(() -> forward(true, toNode), "client-proxy-up");
        down = new Thread(() -> forward(false, toClient), "client-proxy-down");
        up.start();
        down.start();
    }

    /** @return where the client sends to */
    InetSocketAddress address() {
        return (InetSocketAddress) front.getLocalSocketAddress();
    }

    /** Whether a datagram is an RTP packet (not RTCP, RFC 5761) that {@code rtp} now wraps. */
    static boolean isRtp(byte[] buffer, int length, RtpPacketView rtp) {
        return length >= 2 && (buffer[0] & 0xC0) == 0x80
                && ((buffer[1] & 0xFF) < 192 || (buffer[1] & 0xFF) > 223)
                && rtp.wrap(buffer, 0, length) == ParseStatus.OK;
    }

    private void forward(boolean fromClient, Rewrite rewrite) {
        byte[] buffer = new byte[2048];
        DatagramSocket in = fromClient ? front : back;
        DatagramSocket out = fromClient ? back : front;
        while (running) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                in.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return; // closed
            }
            if (fromClient) {
                client = (InetSocketAddress) packet.getSocketAddress();
            }
            InetSocketAddress to = fromClient ? node : client;
            if (to == null) {
                continue;
            }
            int length = rewrite.apply(buffer, packet.getLength());
            if (length < 0) {
                continue;
            }
            try {
                out.send(new DatagramPacket(buffer, length, to));
            } catch (IOException e) {
                return; // closed while forwarding: the test is over
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        up.join(2000);
        down.join(2000);
        front.close();
        back.close();
    }
}
