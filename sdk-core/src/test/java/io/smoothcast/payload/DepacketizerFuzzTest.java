package io.smoothcast.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the H.264, H.265 and Opus depacketizers with sequences of hostile payloads (and
 * sequence-number gaps), plus keyframe classification and access-unit splitting. Oracle: a
 * documented {@link PayloadErrors} code or a length that fits the output, never an exception;
 * every NAL unit written starts with a start code.
 */
class DepacketizerFuzzTest {

    private static final int MAX_NAL_UNIT_BYTES = 4096;

    @FuzzTest(maxDuration = "30s")
    void h264(FuzzedDataProvider input) {
        H264Depacketizer depacketizer = new H264Depacketizer(MAX_NAL_UNIT_BYTES);
        runNal(input, (seq, p, o, l, out, oo) -> depacketizer.depacketize(seq, p, o, l, out, oo), true);
    }

    @FuzzTest(maxDuration = "30s")
    void h265(FuzzedDataProvider input) {
        H265Depacketizer depacketizer = new H265Depacketizer(MAX_NAL_UNIT_BYTES);
        runNal(input, (seq, p, o, l, out, oo) -> depacketizer.depacketize(seq, p, o, l, out, oo), false);
    }

    @FuzzTest(maxDuration = "30s")
    void opus(FuzzedDataProvider input) {
        OpusDepacketizer depacketizer = new OpusDepacketizer();
        byte[] out = new byte[input.consumeInt(0, 2000)];
        while (input.remainingBytes() > 0) {
            byte[] payload = input.consumeBytes(input.consumeInt(0, 1600));
            int n = depacketizer.depacketize(payload, 0, payload.length, out, 0);
            if (n >= 0) {
                assertEquals(payload.length, n);
                assertTrue(depacketizer.lastPacketSamples() > 0
                    && depacketizer.lastPacketSamples() <= OpusPackets.MAX_PACKET_SAMPLES);
                assertEquals(depacketizer.lastPacketSamples(), OpusPackets.samplesPerPacket(payload, 0, payload.length));
            } else {
                checkCode(n);
                assertEquals(0, depacketizer.lastPacketSamples());
            }
            int frames = OpusPackets.frameCount(payload, 0, payload.length);
            assertTrue(frames >= 0 || !PayloadErrors.name(frames).startsWith("UNKNOWN"));
        }
    }

    /** One call of a NAL depacketizer. */
    private interface Depacketize {
        int apply(int sequenceNumber, byte[] payload, int offset, int length, byte[] out, int outOffset);
    }

    private static void runNal(FuzzedDataProvider input, Depacketize depacketize, boolean h264) {
        byte[] out = new byte[input.consumeInt(0, 3 * MAX_NAL_UNIT_BYTES)];
        int seq = input.consumeInt(0, 0xFFFF);
        AccessUnitSplitter splitter = h264 ? AccessUnitSplitter.forH264() : AccessUnitSplitter.forH265();
        while (input.remainingBytes() > 0) {
            seq = (seq + input.consumeInt(0, 2)) & 0xFFFF; // mostly consecutive, sometimes a gap or a repeat
            byte[] payload = input.consumeBytes(input.consumeInt(0, 1500));
            assertNotNull(h264 ? H264Keyframes.classifyPayload(payload, 0, payload.length)
                : H265Keyframes.classifyPayload(payload, 0, payload.length));
            int n = depacketize.apply(seq, payload, 0, payload.length, out, 0);
            if (n < 0) {
                checkCode(n);
                continue;
            }
            assertTrue(n <= out.length, "wrote past the output");
            if (n > 0) {
                assertTrue(n >= 5 && out[0] == 0 && out[1] == 0 && out[2] == 0 && out[3] == 1,
                    "output does not start with a start code");
                assertNotNull(h264 ? H264Keyframes.classifyAccessUnit(out, 0, n)
                    : H265Keyframes.classifyAccessUnit(out, 0, n));
                int end = splitter.findAccessUnitEnd(out, 0, n);
                assertTrue(end == -1 || (end >= 0 && end <= n), "access unit end outside the range: " + end);
            }
        }
    }

    private static void checkCode(int code) {
        assertTrue(code < 0 && !PayloadErrors.name(code).startsWith("UNKNOWN"), "undocumented code " + code);
    }
}
