package io.smoothcast.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;

/**
 * Test fixture: a hand-driven client speaking the control protocol over a plain
 * {@link DatagramSocket}, for ITs that play a misbehaving or carefully timed client against a
 * real node. Control datagrams are told from media by their first byte (0x0A, PROTOCOL.md).
 */
public final class ControlDatagrams {

    private ControlDatagrams() {
    }

    /** Sends one control message (no token) to {@code to}. */
    public static void send(DatagramSocket socket, InetSocketAddress to, int requestId, ControlMessage message) {
        ByteBuf encoded = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, requestId, new byte[0], message);
        try {
            byte[] bytes = new byte[encoded.readableBytes()];
            encoded.readBytes(bytes);
            socket.send(new DatagramPacket(bytes, bytes.length, to));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            encoded.release();
        }
    }

    /**
     * The next control datagram, decoded; media and anything else is skipped.
     *
     * @throws java.net.SocketTimeoutException if none came within the socket's timeout
     */
    public static DecodeResult receiveAny(DatagramSocket socket) throws IOException {
        while (true) {
            DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
            socket.receive(packet);
            if (packet.getData()[0] == 0x0A) {
                return ControlCodec.decode(Unpooled.wrappedBuffer(packet.getData(), 0, packet.getLength()));
            }
        }
    }

    /** The next control message of the given type; other messages and media are skipped. */
    public static <T extends ControlMessage> T receive(DatagramSocket socket, Class<T> type) throws IOException {
        while (true) {
            ControlMessage message = receiveAny(socket).message();
            if (type.isInstance(message)) {
                return type.cast(message);
            }
        }
    }
}
