package io.smoothcast.transport.internal.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A sender for unit tests: copies every datagram's bytes, releases the buffer, keeps a list. */
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

    /** Returns and forgets everything sent so far. */
    public List<Sent> drain() {
        List<Sent> copy = List.copyOf(sent);
        sent.clear();
        return copy;
    }
}
