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
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP proxy for one client that plays a malicious relay on the path from the node to the
 * client: of the media packets (the first SSRC seen; RTX and RTCP pass untouched) every tenth,
 * starting with ordinal 3, gets its last byte flipped (tampering), and every tenth, starting
 * with ordinal 7, has its payload replaced by the payload of the media packet two before it,
 * under its own RTP header (a replayed frame with fresh sequence number and timestamp, which
 * the jitter buffer accepts). Everything else is forwarded as is. Test-only; two threads.
 */
final class TamperingProxy implements AutoCloseable {

    private final DatagramSocket front;
    private final DatagramSocket back;
    private final InetSocketAddress node;
    private volatile InetSocketAddress client;
    private volatile boolean running = true;
    private final AtomicInteger tampered = new AtomicInteger();
    private final AtomicInteger replayed = new AtomicInteger();
    private final Thread up;
    private final Thread down;

    TamperingProxy(InetSocketAddress node) throws SocketException {
        this.node = node;
        this.front = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.back = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        front.setSoTimeout(100);
        back.setSoTimeout(100);
        up = new Thread(this::clientToNode, "tampering-proxy-up");
        down = new Thread(this::nodeToClient, "tampering-proxy-down");
        up.start();
        down.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) front.getLocalSocketAddress();
    }

    int tampered() {
        return tampered.get();
    }

    int replayed() {
        return replayed.get();
    }

    private void clientToNode() {
        byte[] buffer = new byte[2048];
        while (running) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            if (receive(front, packet)) {
                client = (InetSocketAddress) packet.getSocketAddress();
                send(back, buffer, packet.getLength(), node);
            }
        }
    }

    private void nodeToClient() {
        byte[] buffer = new byte[2048];
        RtpPacketView rtp = new RtpPacketView();
        int mediaSsrc = 0;
        boolean mediaSeen = false;
        int ordinal = 0;
        byte[][] recentPayloads = new byte[3][];
        while (running) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            if (!receive(back, packet) || client == null) {
                continue;
            }
            int length = packet.getLength();
            boolean isRtp = (buffer[0] & 0xC0) == 0x80 && ((buffer[1] & 0xFF) < 192 || (buffer[1] & 0xFF) > 223)
                    && rtp.wrap(buffer, 0, length) == ParseStatus.OK;
            if (isRtp && !mediaSeen) {
                mediaSeen = true;
                mediaSsrc = rtp.ssrc();
            }
            if (isRtp && rtp.ssrc() == mediaSsrc && rtp.payloadLength() > 0) {
                int payloadOffset = rtp.payloadOffset();
                recentPayloads[ordinal % 3] = Arrays.copyOfRange(buffer, payloadOffset, length);
                if (ordinal % 10 == 3) {
                    buffer[length - 1] ^= 0x01;
                    tampered.incrementAndGet();
                } else if (ordinal % 10 == 7) {
                    byte[] old = recentPayloads[(ordinal - 2) % 3];
                    System.arraycopy(old, 0, buffer, payloadOffset, old.length);
                    length = payloadOffset + old.length;
                    replayed.incrementAndGet();
                }
                ordinal++;
            }
            send(front, buffer, length, client);
        }
    }

    private boolean receive(DatagramSocket socket, DatagramPacket packet) {
        try {
            socket.receive(packet);
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return false; // closed
        }
    }

    private static void send(DatagramSocket socket, byte[] buffer, int length, InetSocketAddress to) {
        try {
            socket.send(new DatagramPacket(buffer, length, to));
        } catch (IOException e) {
            // closed while forwarding: the test is over
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
