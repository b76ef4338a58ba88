package io.smoothcast.payload.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smoothcast.jitter.BorrowedFrames;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link NalFrames}' whole-frame questions on frames whose packets were borrowed, each in its own array. */
class NalFramesTest {

    private static final int FU_A_INDICATOR = 0x60 | 28;
    private static final byte[] SPS = bytes(0x67, 0x42, 0xC0, 0x1E);
    private static final byte[] PPS = bytes(0x68, 0xCE, 0x3C, 0x80);
    private static final byte[] IDR_START = bytes(FU_A_INDICATOR, 0x80 | 5, 0x88, 0x84);
    private static final byte[] IDR_MIDDLE = bytes(FU_A_INDICATOR, 5, 0x21, 0x22);
    private static final byte[] IDR_END = bytes(FU_A_INDICATOR, 0x40 | 5, 0x31);

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    /** Whether the frame of {@code payloads}, closed, is complete, and its NAL unit type mask. */
    private static List<Object> inspect(byte[]... payloads) {
        List<Object> answers = new ArrayList<>();
        BorrowedFrames.play(frame -> {
            answers.add(NalFrames.isComplete(NalFormat.H264, frame, true));
            answers.add(NalFrames.nalTypeMask(NalFormat.H264, frame));
        }, payloads);
        return answers;
    }

    @Test
    void borrowedPackets_areReadEachFromItsOwnArray() {
        long keyframeTypes = 1L << 7 | 1L << 8 | 1L << 5;
        assertEquals(List.of(true, keyframeTypes), inspect(SPS, PPS, IDR_START, IDR_MIDDLE, IDR_END));
    }

    @Test
    void borrowedPackets_withAFragmentMissingItsEnd_orNoOpening_areIncomplete() {
        assertEquals(false, inspect(SPS, PPS, IDR_START, IDR_MIDDLE).get(0), "the fragmented IDR never ends");
        assertEquals(false, inspect(IDR_MIDDLE, IDR_END).get(0), "the first packet opens no access unit");
    }
}
