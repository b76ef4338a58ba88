package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.jitter.BorrowedFrames;
import io.smoothcast.transport.internal.client.GenericPayload;
import org.junit.jupiter.api.Test;

/** {@link ReceivedFrame} over a frame whose packets were borrowed, each in its own array. */
class ReceivedFrameTest {

    @Test
    void aFrameOfBorrowedPackets_isCopiedFromEachPacketsOwnArray_withoutThePayloadHeaders() {
        ReceivedFrame received = new ReceivedFrame();
        byte[][] bytes = new byte[2][];
        boolean[] keyframe = new boolean[1];
        BorrowedFrames.play(frame -> {
            received.bind(frame, MediaKind.VIDEO, 0x1000);
            keyframe[0] = received.keyframe();
            bytes[0] = received.toByteArray();
            bytes[1] = new byte[received.length() + 2];
            assertEquals(received.length(), received.copyTo(bytes[1], 2));
        }, new byte[] {(byte) (GenericPayload.START | GenericPayload.KEYFRAME), 1, 2, 3}, new byte[] {0, 4, 5},
                new byte[] {0, 6});
        assertTrue(keyframe[0]);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6}, bytes[0]);
        assertArrayEquals(new byte[] {0, 0, 1, 2, 3, 4, 5, 6}, bytes[1]);
    }
}
