package io.smoothcast.transport;

import io.smoothcast.rtp.RtpPacketView;
import java.net.InetSocketAddress;
import java.net.SocketException;
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

    private final ClientProxy proxy;
    private final AtomicInteger tampered = new AtomicInteger();
    private final AtomicInteger replayed = new AtomicInteger();
    /** The node-to-client thread's state. */
    private final RtpPacketView rtp = new RtpPacketView();
    private int mediaSsrc;
    private boolean mediaSeen;
    private int ordinal;
    private final byte[][] recentPayloads = new byte[3][];

    TamperingProxy(InetSocketAddress node) throws SocketException {
        proxy = new ClientProxy(node, ClientProxy.FORWARD, this::tamper);
    }

    InetSocketAddress address() {
        return proxy.address();
    }

    int tampered() {
        return tampered.get();
    }

    int replayed() {
        return replayed.get();
    }

    private int tamper(byte[] buffer, int length) {
        boolean isRtp = ClientProxy.isRtp(buffer, length, rtp);
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
        return length;
    }

    @Override
    public void close() throws InterruptedException {
        proxy.close();
    }
}
