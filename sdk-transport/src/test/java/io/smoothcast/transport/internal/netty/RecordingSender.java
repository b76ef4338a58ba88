package io.smoothcast.transport.internal.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A sender for unit tests: copies every datagram's bytes, releases the buffer, keeps a list. Also
 * encodes and decodes the control datagrams the tests exchange with it.
 */
public final class RecordingSender implements DatagramSender {

    /** One datagram sent. */
    public record Sent(byte[] bytes, InetSocketAddress recipient) {
    }

    /** Everything sent, in order. */
    public final List<Sent> sent = new ArrayList<>();
    /** Number of flushes. */
    public int flushes;

    @Override
    public ByteBufAllocator allocator() {
        return UnpooledByteBufAllocator.DEFAULT;
    }

    @Override
    public void send(ByteBuf content, InetSocketAddress recipient) {
        try {
            sent.add(new Sent(ByteBufUtil.getBytes(content), recipient));
        } finally {
            content.release();
        }
    }

    @Override
    public void flush() {
        flushes++;
    }

    /** What was sent to one address. */
    public List<Sent> to(InetSocketAddress recipient) {
        return sent.stream().filter(s -> s.recipient().equals(recipient)).toList();
    }

    /**
     * A node's answer to the last datagram sent, which must be a control request: {@code message}
     * under that request's id, encoded as a datagram for the sender under test to receive.
     */
    public byte[] replyToLast(ControlMessage message) {
        return replyToLastOf(sent, message);
    }

    /** As {@link #replyToLast(ControlMessage)}, to the last datagram sent to {@code recipient}. */
    public byte[] replyToLast(InetSocketAddress recipient, ControlMessage message) {
        return replyToLastOf(to(recipient), message);
    }

    private static byte[] replyToLastOf(List<Sent> requests, ControlMessage message) {
        if (requests.isEmpty()) {
            throw new IllegalStateException("nothing was sent to reply to");
        }
        int requestId = ControlCodec.decode(Unpooled.wrappedBuffer(requests.get(requests.size() - 1).bytes())).requestId();
        return controlDatagram(requestId, message);
    }

    /** {@code message} under {@code requestId}, without a token, encoded as a datagram. */
    public static byte[] controlDatagram(int requestId, ControlMessage message) {
        ByteBuf encoded = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, requestId, new byte[0], message);
        try {
            return ByteBufUtil.getBytes(encoded);
        } finally {
            encoded.release();
        }
    }

    /**
     * The one datagram sent to {@code recipient}, which must be a control message that decodes;
     * it is forgotten, the datagrams to others are kept.
     *
     * @throws AssertionError if not exactly one datagram went there, or it does not decode
     */
    public ControlMessage takeOnlyReplyTo(InetSocketAddress recipient) {
        List<Sent> replies = to(recipient);
        if (replies.size() != 1) {
            throw new AssertionError("replies to " + recipient + ": expected 1, got " + replies.size());
        }
        sent.removeAll(replies);
        DecodeResult result = ControlCodec.decode(Unpooled.wrappedBuffer(replies.get(0).bytes()));
        if (!result.ok()) {
            throw new AssertionError("reply decodes: " + result.error());
        }
        return result.message();
    }

    /** Returns and forgets everything sent so far. */
    public List<Sent> drain() {
        List<Sent> copy = List.copyOf(sent);
        sent.clear();
        return copy;
    }
}
