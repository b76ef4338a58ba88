package io.smoothcast.payload;

import static io.smoothcast.payload.NalUnits.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Opus TOC parsing and the RFC 6716 section 3.4 validity rules, plus the RFC 7587 packetizers. */
class OpusPayloadTest {

    /** TOC byte for a configuration and frame count code (mono). */
    private static int toc(int config, int code) {
        return (config << 3) | code;
    }

    private static final int CELT_20MS = 31;
    private static final int CELT_2_5MS = 16;
    private static final int SILK_60MS = 3;

    private static int samples(int... packet) {
        byte[] p = bytes(packet);
        return OpusPackets.samplesPerPacket(p, 0, p.length);
    }

    private static int samples(byte[] p) {
        return OpusPackets.samplesPerPacket(p, 0, p.length);
    }

    @Test
    void frameDurations_followTable2ForEveryConfiguration() {
        int[] expected = {
            480, 960, 1920, 2880, 480, 960, 1920, 2880, 480, 960, 1920, 2880, // SILK NB, MB, WB
            480, 960, 480, 960, // hybrid SWB, FB
            120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960, // CELT
        };
        for (int config = 0; config < 32; config++) {
            assertEquals(expected[config], OpusPackets.samplesPerFrame(toc(config, 0)), "config " + config);
            assertEquals(expected[config], OpusPackets.samplesPerFrame(toc(config, 3) | 0x04), "stereo, code 3");
        }
    }

    @Test
    void code0_isOneFrame_evenAnEmptyOne() {
        assertEquals(960, samples(toc(CELT_20MS, 0), 0xAA, 0xBB));
        assertEquals(960, samples(toc(CELT_20MS, 0)), "a TOC-only packet is a DTX frame");
        byte[] max = new byte[1 + 1275];
        max[0] = (byte) toc(CELT_20MS, 0);
        assertEquals(960, samples(max));
        assertEquals(PayloadErrors.INVALID_OPUS_FRAMES, samples(Arrays.copyOf(max, max.length + 1)), "R2");
    }

    @Test
    void emptyPacket_isTruncated() {
        assertEquals(PayloadErrors.TRUNCATED_PACKET, OpusPackets.samplesPerPacket(new byte[0], 0, 0), "R1");
    }

    @Test
    void code1_needsAnEvenNumberOfBytes() {
        assertEquals(1920, samples(toc(CELT_20MS, 1), 1, 2, 3, 4));
        assertEquals(PayloadErrors.INVALID_OPUS_FRAMES, samples(toc(CELT_20MS, 1), 1, 2, 3), "R3");
    }

    @Test
    void code2_firstLengthMustFit() {
        assertEquals(1920, samples(toc(CELT_20MS, 2), 2, 0xA, 0xB, 0xC), "frames of 2 and 1 bytes");
        assertEquals(1920, samples(toc(CELT_20MS, 2), 0), "two empty frames");
        assertEquals(PayloadErrors.INVALID_OPUS_FRAMES, samples(toc(CELT_20MS, 2)), "R4: no length byte");
        assertEquals(PayloadErrors.INVALID_OPUS_FRAMES, samples(toc(CELT_20MS, 2), 5, 1, 2),
                "R4: first frame too long");
        assertEquals(PayloadErrors.INVALID_OPUS_FRAMES, samples(toc(CELT_20MS, 2), 252), "R4: two-byte length cut");
        byte[] twoByteLength = new byte[3 + 300];
        twoByteLength[0] = (byte) toc(CELT_20MS, 2);
        twoByteLength[1] = (byte) 252; // 252 + 4 * 12 = 300
        twoByteLength[2] = 12;
        assertEquals(1920, samples(twoByteLength));
    }

    @Test
    void code3_constantBitrate_needsBytesDivisibleByTheCount() {
        assertEquals(3 * 960, samples(toc(CELT_20MS, 3), 3, 1, 2, 3, 4, 5, 6));
        assertEquals(PayloadErrors.INVALID_OPUS_FRAMES, samples(toc(CELT_20MS, 3), 3, 1, 2, 3, 4), "R6");
        assertEquals(PayloadErrors.INVALID_OPUS_FRAMES, samples(toc(CELT_20MS, 3)), "no frame count byte");
    }

    @Test
    void code3_frameCountMustBeOneTo120Milliseconds() {
        assertEquals(PayloadErrors.INVALID_OPUS_FRAME_COUNT, samples(toc(CELT_20MS, 3), 0), "R5: zero frames");
        assertEquals(6 * 960, samples(toc(CELT_20MS, 3), 6), "6 x 20 ms = 120 ms");
        assertEquals(PayloadErrors.INVALID_OPUS_FRAME_COUNT, samples(toc(CELT_20MS, 3), 7), "R5: 140 ms");
        assertEquals(48 * 120, samples(toc(CELT_2_5MS, 3), 48), "48 x 2.5 ms");
        assertEquals(PayloadErrors.INVALID_OPUS_FRAME_COUNT, samples(toc(SILK_60MS, 3), 3), "R5: 180 ms");
        assertEquals(2, OpusPackets.frameCount(bytes(toc(SILK_60MS, 3), 2), 0, 2));
    }

    @Test
    void code3_variableBitrate_lengthsMustFit() {
        // VBR, 3 frames: lengths 1 and 2 coded, the last takes the remaining 3 bytes.
        assertEquals(3 * 960, samples(toc(CELT_20MS, 3), 0x80 | 3, 1, 2, 0xA, 0xB, 0xB, 0xC, 0xC, 0xC));
        assertEquals(PayloadErrors.INVALID_OPUS_FRAMES, samples(toc(CELT_20MS, 3), 0x80 | 3, 4, 4, 1, 2), "R7");
        assertEquals(PayloadErrors.INVALID_OPUS_FRAMES, samples(toc(CELT_20MS, 3), 0x80 | 3, 1), "R7: length missing");
    }

    @Test
    void code3_paddingIsCountedAndMustFit() {
        // Padding flag, 2 CBR frames, 2 padding bytes: 1 + 1 + 1 + (2 x 1) + 2 = 7 bytes.
        assertEquals(2 * 960, samples(toc(CELT_20MS, 3), 0x40 | 2, 2, 0xA, 0xB, 0, 0));
        assertEquals(PayloadErrors.INVALID_OPUS_FRAMES, samples(toc(CELT_20MS, 3), 0x40 | 2, 9, 0xA, 0xB), "R6/R7");
        assertEquals(PayloadErrors.INVALID_OPUS_FRAMES, samples(toc(CELT_20MS, 3), 0x40 | 2), "padding length missing");
        byte[] chained = new byte[3 + 1 + 254 + 10];
        chained[0] = (byte) toc(CELT_20MS, 3);
        chained[1] = (byte) (0x40 | 1);
        chained[2] = (byte) 255; // 254 bytes, and another length byte follows
        chained[3] = 10;
        assertEquals(960, samples(chained), "264 padding bytes and an empty frame");
        assertEquals(PayloadErrors.INVALID_OPUS_FRAMES, samples(Arrays.copyOf(chained, chained.length - 1)));
    }

    @Test
    void packetizerAndDepacketizer_copyValidPacketsAndReportTheirDuration() {
        OpusPacketizer packetizer = new OpusPacketizer(100);
        OpusDepacketizer depacketizer = new OpusDepacketizer();
        byte[] opus = bytes(toc(CELT_20MS, 1), 1, 2, 3, 4);
        byte[] rtp = new byte[112];
        byte[] decoded = new byte[100];

        assertEquals(5, packetizer.packetize(opus, 0, 5, rtp, 12));
        assertEquals(1920, packetizer.lastPacketSamples());
        assertEquals(5, depacketizer.depacketize(rtp, 12, 5, decoded, 0));
        assertEquals(1920, depacketizer.lastPacketSamples());
        assertArrayEquals(opus, Arrays.copyOf(decoded, 5));

        assertEquals(PayloadErrors.INVALID_OPUS_FRAMES,
                depacketizer.depacketize(bytes(toc(CELT_20MS, 1), 1), 0, 2, decoded, 0));
        assertEquals(0, depacketizer.lastPacketSamples());
        assertEquals(PayloadErrors.OUTPUT_TOO_SMALL, depacketizer.depacketize(opus, 0, 5, decoded, 97));
        assertEquals(PayloadErrors.PAYLOAD_TOO_LARGE, packetizer.packetize(new byte[101], 0, 101, rtp, 0));
        assertEquals(PayloadErrors.OUTPUT_TOO_SMALL, packetizer.packetize(opus, 0, 5, rtp, 110));
        assertEquals(0, packetizer.lastPacketSamples());
    }

    @Test
    void badArguments_areRejectedWithTheirName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new OpusPacketizer(0));
        assertTrue(e.getMessage().contains("maxPayloadBytes"));
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
                () -> OpusPackets.samplesPerPacket(null, 0, 1));
        assertTrue(p.getMessage().contains("packet"));
        IllegalArgumentException o = assertThrows(IllegalArgumentException.class,
                () -> new OpusDepacketizer().depacketize(new byte[2], 0, 2, null, 0));
        assertTrue(o.getMessage().contains("out"));
    }

    @Test
    void hostileBytes_neverThrowAndStayWithin120Milliseconds() {
        long seed = 0x0B05L;
        SplittableRandom random = new SplittableRandom(seed);
        byte[] packet = new byte[400];
        int valid = 0;
        for (int i = 0; i < 200_000; i++) {
            int length = random.nextInt(packet.length + 1);
            for (int j = 0; j < length; j++) {
                packet[j] = (byte) random.nextInt(256);
            }
            int result = OpusPackets.samplesPerPacket(packet, 0, length);
            String context = "seed=" + seed + " iteration=" + i;
            assertFalse(PayloadErrors.name(result).startsWith("UNKNOWN"), context);
            assertTrue(result <= OpusPackets.MAX_PACKET_SAMPLES, context + ": " + result);
            if (result > 0) {
                valid++;
            }
        }
        assertTrue(valid > 1000, "valid packets seen: " + valid);
    }
}
