package io.smoothcast.transport.internal.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;

/**
 * Fuzzes the control protocol decoder, the first code every datagram from an unauthenticated
 * source reaches. Oracle: {@link ControlCodec#decode} returns a result for any bytes (no
 * exception) without moving the reader index; an accepted message encodes again (same request id
 * and token) into bytes that decode to an equal message, never longer than the body limit allows.
 *
 * <p>{@code mvn test} replays the seeds in {@code ControlCodecFuzzTestInputs/} (one encoded
 * message of each type); {@code .ci/fuzz} runs it in fuzzing mode.
 */
class ControlCodecFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] data) {
        if (data == null) {
            return;
        }
        ByteBuf datagram = Unpooled.wrappedBuffer(data);
        DecodeResult result = ControlCodec.decode(datagram);
        assertNotNull(result);
        assertEquals(0, datagram.readerIndex(), "decode moved the reader index");
        assertEquals(data.length, datagram.readableBytes());
        if (!result.ok()) {
            assertNotNull(result.error(), "a rejection names its reason");
            return;
        }
        ControlMessage message = result.message();
        byte[] token = result.token();
        ByteBuf again = ControlCodec.encode(UnpooledByteBufAllocator.DEFAULT, result.requestId(), token, message);
        try {
            assertTrue(again.readableBytes() <= ControlCodec.HEADER_LENGTH + ControlCodec.MAX_TOKEN_LENGTH
                    + ControlCodec.MAX_BODY_LENGTH, "re-encoded message over the size limit");
            DecodeResult reparsed = ControlCodec.decode(again);
            assertTrue(reparsed.ok(), () -> "re-encoded " + message + " rejected: " + reparsed.error());
            assertEquals(message, reparsed.message());
            assertEquals(result.requestId(), reparsed.requestId());
            assertArrayEquals(token, reparsed.token());
        } finally {
            again.release();
        }
    }
}
