package io.smoothcast.transport.internal.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.smoothcast.transport.internal.netty.DatagramSender;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A sender that copies every datagram's bytes, releases the buffer, and keeps a list. */
final class RecordingSender implements DatagramSender {

    record Sent(byte[] bytes, InetSocketAddress recipient) {
    }

    final List<Sent> sent = new ArrayList<>();
    int flushes;

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

    List<Sent> to(InetSocketAddress recipient) {
        return sent.stream().filter(s -> s.recipient().equals(recipient)).toList();
    }

    List<Sent> drain() {
        List<Sent> copy = List.copyOf(sent);
        sent.clear();
        return copy;
    }
}
