package io.smoothcast.transport.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smoothcast.jitter.BorrowedFrames;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link GenericPayload}'s header bits read from frames whose packets were borrowed, each in its own array. */
class GenericPayloadTest {

    /** Whether the frame of {@code payloads}, closed, is complete, and whether it is a keyframe. */
    private static List<Boolean> inspect(byte[]... payloads) {
        List<Boolean> answers = new ArrayList<>();
        BorrowedFrames.play(frame -> {
            answers.add(GenericPayload.COMPLETENESS.isComplete(frame, false, true));
            answers.add(GenericPayload.isKeyframe(frame));
        }, payloads);
        return answers;
    }

    @Test
    void headerBits_areReadFromTheFirstPacketsOwnArray() {
        byte[] middle = {0, 4, 5};
        byte[] last = {0, 6};
        assertEquals(List.of(true, true),
                inspect(new byte[] {(byte) (GenericPayload.START | GenericPayload.KEYFRAME), 1, 2}, middle, last));
        assertEquals(List.of(true, false), inspect(new byte[] {(byte) GenericPayload.START, 1, 2}, middle, last));
        assertEquals(List.of(false, false), inspect(new byte[] {0, 1, 2}, middle, last), "no start bit: joined mid-frame");
    }
}
