package io.smoothcast.transport.internal.control;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;

/** Control messages to bytes and back, for the codec tests. */
final class ControlBytes {

    private ControlBytes() {
    }

    /** @return {@code message} as a datagram, with the request id and token */
    static byte[] encode(int requestId, byte[] token, ControlMessage message) {
        ByteBuf out = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, requestId, token, message);
        try {
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    /** @return what the codec makes of {@code bytes} */
    static DecodeResult decode(byte[] bytes) {
        return ControlCodec.decode(Unpooled.wrappedBuffer(bytes));
    }
}
