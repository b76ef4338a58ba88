package io.smoothcast.payload;

import static io.smoothcast.payload.NalUnits.aggregation;
import static io.smoothcast.payload.NalUnits.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class H264DepacketizerTest {

    /** FU indicator for NRI 3. */
    private static final int FU_A = 0x60 | 28;
    private static final int STAP_A = 0x60 | 24;
    private static final int START = 0x80;
    private static final int END = 0x40;

    private final H264Depacketizer depacketizer = new H264Depacketizer(64);
    private final byte[] out = new byte[256];

    private int feed(int sequence, byte[] payload) {
        return depacketizer.depacketize(sequence, payload, 0, payload.length, out, 0);
    }

    private byte[] written(int length) {
        return Arrays.copyOf(out, length);
    }

    @Test
    void singleNalUnit_isWrittenBehindAStartCode() {
        assertEquals(7, feed(1, bytes(0x65, 0x88, 0x84)));
        assertArrayEquals(bytes(0, 0, 0, 1, 0x65, 0x88, 0x84), written(7));
    }

    @Test
    void stapA_writesEveryUnit() {
        byte[] stap = aggregation(bytes(STAP_A), bytes(0x67, 0x42, 0xC0), bytes(0x68, 0xCE));
        assertEquals(4 + 3 + 4 + 2, feed(1, stap));
        assertArrayEquals(bytes(0, 0, 0, 1, 0x67, 0x42, 0xC0, 0, 0, 0, 1, 0x68, 0xCE), written(13));
    }

    @Test
    void fuA_startMiddleEnd_rebuildsTheNalHeaderFromIndicatorAndFuHeader() {
        assertEquals(0, feed(10, bytes(0x40 | 28, START | 5, 0xAA)));
        assertTrue(depacketizer.hasOpenFragment());
        assertEquals(0, feed(11, bytes(0x40 | 28, 5, 0xBB)));
        assertEquals(4 + 4, feed(12, bytes(0x40 | 28, END | 5, 0xCC)));
        assertArrayEquals(bytes(0, 0, 0, 1, 0x45, 0xAA, 0xBB, 0xCC), written(8));
        assertFalse(depacketizer.hasOpenFragment());
    }

    @Test
    void fuA_acrossTheSequenceWrap_isContiguous() {
        assertEquals(0, feed(65_535, bytes(FU_A, START | 1, 0xAA)));
        assertEquals(4 + 3, feed(0, bytes(FU_A, END | 1, 0xBB)));
    }

    @Test
    void emptyPayload_isTruncated() {
        assertEquals(PayloadErrors.TRUNCATED_PACKET, feed(1, new byte[0]));
    }

    @Test
    void forbiddenBit_isRejected() {
        assertEquals(PayloadErrors.FORBIDDEN_BIT, feed(1, bytes(0x80 | 0x65, 1)));
        assertEquals(PayloadErrors.FORBIDDEN_BIT, feed(2, bytes(0x80 | FU_A, START | 5, 1)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 25, 26, 27, 29, 30, 31})
    void reservedAndUnsupportedTypes_areRejected(int type) {
        assertEquals(PayloadErrors.UNSUPPORTED_TYPE, feed(1, bytes(0x60 | type, 1, 2, 3, 4, 5)));
    }

    @Test
    void fuEndWithoutStart_isRejected() {
        assertEquals(PayloadErrors.FU_START_MISSING, feed(1, bytes(FU_A, END | 5, 0xCC)));
    }

    @Test
    void fuMiddleWithoutStart_isRejected() {
        assertEquals(PayloadErrors.FU_START_MISSING, feed(1, bytes(FU_A, 5, 0xBB)));
    }

    @Test
    void fuStartMissingAfterASequenceGap_abandonsTheOpenUnit() {
        assertEquals(0, feed(1, bytes(FU_A, START | 5, 0xAA)));
        // Packet 2 (the rest of the first unit) and the start of a second one were lost.
        assertEquals(PayloadErrors.FU_START_MISSING, feed(4, bytes(FU_A, END | 5, 0xCC)));
        assertEquals(1, depacketizer.abandonedFragmentedNalUnits());
        assertFalse(depacketizer.hasOpenFragment());
    }

    @Test
    void fuTypeChangingMidway_isRejectedAndAbandonsTheUnit() {
        assertEquals(0, feed(1, bytes(FU_A, START | 5, 0xAA)));
        assertEquals(PayloadErrors.FU_TYPE_CHANGED, feed(2, bytes(FU_A, 1, 0xBB)));
        assertEquals(1, depacketizer.abandonedFragmentedNalUnits());
        assertEquals(PayloadErrors.FU_START_MISSING, feed(3, bytes(FU_A, END | 5, 0xCC)), "the unit is gone");
    }

    @Test
    void fuWithStartAndEndBitsBoth_isRejected() {
        assertEquals(PayloadErrors.FU_BAD_HEADER, feed(1, bytes(FU_A, START | END | 5, 0xAA)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 24, 28, 31})
    void fuCarryingAnInvalidNalType_isRejected(int type) {
        assertEquals(PayloadErrors.FU_BAD_HEADER, feed(1, bytes(FU_A, START | type, 0xAA)));
    }

    @Test
    void fuWithoutData_isTruncated() {
        assertEquals(PayloadErrors.TRUNCATED_PACKET, feed(1, bytes(FU_A)));
        assertEquals(PayloadErrors.TRUNCATED_PACKET, feed(2, bytes(FU_A, START | 5)));
    }

    @Test
    void otherPacketInsideAnOpenFu_interruptsAndDropsBoth() {
        assertEquals(0, feed(1, bytes(FU_A, START | 5, 0xAA)));
        assertEquals(PayloadErrors.FU_INTERRUPTED, feed(2, bytes(0x41, 0x9A)));
        assertEquals(1, depacketizer.abandonedFragmentedNalUnits());
        assertFalse(depacketizer.hasOpenFragment());
    }

    @Test
    void secondStartInsideAnOpenFu_interrupts() {
        assertEquals(0, feed(1, bytes(FU_A, START | 5, 0xAA)));
        assertEquals(PayloadErrors.FU_INTERRUPTED, feed(2, bytes(FU_A, START | 5, 0xAA)));
        assertEquals(PayloadErrors.FU_START_MISSING, feed(3, bytes(FU_A, END | 5, 0xCC)));
    }

    @Test
    void singleNalAfterAGapInsideAnOpenFu_isKeptAndTheFuAbandoned() {
        assertEquals(0, feed(1, bytes(FU_A, START | 5, 0xAA)));
        assertEquals(6, feed(3, bytes(0x41, 0x9A)));
        assertEquals(1, depacketizer.abandonedFragmentedNalUnits());
    }

    @Test
    void fragmentedUnitLargerThanTheLimit_isRejected() {
        byte[] big = new byte[2 + 40];
        big[0] = (byte) FU_A;
        big[1] = (byte) (START | 5);
        Arrays.fill(big, 2, big.length, (byte) 0x11);
        big[1] = (byte) (START | 5);
        assertEquals(0, feed(1, big));
        big[1] = 5;
        assertEquals(PayloadErrors.NAL_UNIT_TOO_LARGE, feed(2, big), "1 + 40 + 40 > 64");
        assertEquals(1, depacketizer.abandonedFragmentedNalUnits());
    }

    @Test
    void stapAWithNoUnit_isTruncated() {
        assertEquals(PayloadErrors.TRUNCATED_AGGREGATION, feed(1, bytes(STAP_A)));
    }

    @Test
    void stapAUnitRunningPastTheEnd_isTruncated() {
        assertEquals(PayloadErrors.TRUNCATED_AGGREGATION, feed(1, bytes(STAP_A, 0, 5, 0x67, 0x42)));
    }

    @Test
    void stapAWithOneStrayByteAfterTheLastUnit_isTruncated() {
        assertEquals(PayloadErrors.TRUNCATED_AGGREGATION, feed(1, bytes(STAP_A, 0, 2, 0x68, 0xCE, 0)));
    }

    @Test
    void stapAWithAZeroSizeUnit_isTruncated() {
        assertEquals(PayloadErrors.TRUNCATED_AGGREGATION, feed(1, bytes(STAP_A, 0, 0, 0, 2, 0x68, 0xCE)));
    }

    @Test
    void stapAUnitWithTheForbiddenBit_isRejected() {
        assertEquals(PayloadErrors.FORBIDDEN_BIT, feed(1, bytes(STAP_A, 0, 2, 0xE8, 0xCE)));
    }

    @Test
    void stapANestingAnAggregationOrFragment_isRejected() {
        assertEquals(PayloadErrors.UNSUPPORTED_TYPE, feed(1, bytes(STAP_A, 0, 3, FU_A, START | 5, 1)));
        assertEquals(PayloadErrors.UNSUPPORTED_TYPE, feed(2, bytes(STAP_A, 0, 4, STAP_A, 0, 1, 0x65)));
    }

    @Test
    void outputTooSmall_isReportedForEveryPacketKind() {
        H264Depacketizer d = new H264Depacketizer();
        byte[] tiny = new byte[6];
        byte[] single = bytes(0x65, 1, 2);
        assertEquals(PayloadErrors.OUTPUT_TOO_SMALL, d.depacketize(1, single, 0, 3, tiny, 0));
        byte[] stap = aggregation(bytes(STAP_A), bytes(0x67, 1), bytes(0x68, 2));
        assertEquals(PayloadErrors.OUTPUT_TOO_SMALL, d.depacketize(2, stap, 0, stap.length, tiny, 0));
        assertEquals(0, d.depacketize(3, bytes(FU_A, START | 5, 1), 0, 3, tiny, 0));
        assertEquals(PayloadErrors.OUTPUT_TOO_SMALL, d.depacketize(4, bytes(FU_A, END | 5, 2, 3), 0, 4, tiny, 0));
        assertEquals(6, d.depacketize(5, single, 0, 2, tiny, 0), "6 bytes fit a 2-byte unit");
    }

    @Test
    void reset_abandonsTheOpenUnitAndForgetsTheSequence() {
        assertEquals(0, feed(1, bytes(FU_A, START | 5, 0xAA)));
        depacketizer.reset();
        assertEquals(1, depacketizer.abandonedFragmentedNalUnits());
        assertEquals(PayloadErrors.FU_START_MISSING, feed(2, bytes(FU_A, END | 5, 0xCC)));
    }

    @Test
    void badArguments_areRejectedWithTheirName() {
        IllegalArgumentException payload = assertThrows(IllegalArgumentException.class,
                () -> depacketizer.depacketize(1, null, 0, 0, out, 0));
        assertTrue(payload.getMessage().contains("payload"));
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> depacketizer.depacketize(1, new byte[3], 1, 3, out, 0));
        assertTrue(range.getMessage().contains("payload"));
        IllegalArgumentException outOffset = assertThrows(IllegalArgumentException.class,
                () -> depacketizer.depacketize(1, new byte[3], 0, 3, out, out.length + 1));
        assertTrue(outOffset.getMessage().contains("outOffset"));
        IllegalArgumentException max = assertThrows(IllegalArgumentException.class, () -> new H264Depacketizer(1));
        assertTrue(max.getMessage().contains("maxNalUnitBytes"));
    }

    @Test
    void hostileBytes_neverThrowAndOnlyReturnKnownCodes() {
        NalUnits.assertSurvivesHostilePayloads(new H264Depacketizer(4096), 0xBAD_264L, (random, payload, length) -> {
            if (length > 0 && random.nextBoolean()) {
                // Bias towards the structured types, where the parsing is.
                payload[0] = (byte) ((payload[0] & 0x60) | (random.nextBoolean() ? 24 : 28));
            }
        });
    }
}
