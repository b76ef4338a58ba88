package io.smoothcast.payload;

import static io.smoothcast.payload.NalUnits.aggregation;
import static io.smoothcast.payload.NalUnits.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.payload.NalUnits.Packet;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** H.265 (RFC 7798) packetizer and depacketizer: round trips, packet structure, hostile input. */
class H265PayloadTest {

    /** Payload header bytes for type t, LayerId 0, TID 1. */
    private static int hi(int type) {
        return type << 1;
    }

    private static final int AP = 48;
    private static final int FU = 49;
    private static final int START = 0x80;
    private static final int END = 0x40;

    private final H265Depacketizer depacketizer = new H265Depacketizer(64);
    private final byte[] out = new byte[256];

    private int feed(int sequence, byte[] payload) {
        return depacketizer.depacketize(sequence, payload, 0, payload.length, out, 0);
    }

    @Test
    void roundTrip_randomAccessUnitsAndMtus_reproducesEveryNalUnit() {
        long seed = 0x5EED_265L;
        SplittableRandom random = new SplittableRandom(seed);
        H265Depacketizer d = new H265Depacketizer(64 * 1024);
        byte[] sink = new byte[256 * 1024];
        int sequence = 65_300;
        for (int round = 0; round < 400; round++) {
            int mtu = Math.max(H265Packetizer.MIN_MAX_PAYLOAD_BYTES, H264PacketizerTest.pickMtu(random));
            boolean aggregation = random.nextBoolean();
            H265Packetizer packetizer = H265Packetizer.builder().maxPayloadBytes(mtu).aggregation(aggregation).build();
            List<byte[]> nals = new ArrayList<>();
            int count = 1 + random.nextInt(8);
            for (int i = 0; i < count; i++) {
                int size = Math.max(3, H264PacketizerTest.pickNalSize(random, mtu));
                nals.add(NalUnits.h265(random.nextInt(48), size, random));
            }
            String context = "seed=" + seed + " round=" + round + " mtu=" + mtu + " aggregation=" + aggregation;
            List<Packet> packets = NalUnits.packetize(packetizer, NalUnits.annexB(nals, random.nextBoolean()));
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            for (int i = 0; i < packets.size(); i++) {
                Packet p = packets.get(i);
                assertTrue(p.payload().length <= mtu, context);
                assertEquals(i == packets.size() - 1, p.marker(), context + ": marker on packet " + i);
                int n = d.depacketize(sequence++, p.payload(), 0, p.payload().length, sink, 0);
                assertTrue(n >= 0, context + ": depacketize returned " + PayloadErrors.name(n));
                received.write(sink, 0, n);
            }
            assertArrayEquals(NalUnits.normalized(nals), received.toByteArray(), context);
        }
    }

    @Test
    void parameterSetsAndLargeIdr_becomeAnApThenFus() {
        SplittableRandom random = new SplittableRandom(7);
        byte[] vps = NalUnits.h265(32, 24, random);
        byte[] sps = NalUnits.h265(33, 40, random);
        byte[] pps = NalUnits.h265(34, 7, random);
        byte[] idr = NalUnits.h265(19, 2500, random);
        H265Packetizer packetizer = H265Packetizer.builder().maxPayloadBytes(1200).build();

        List<Packet> packets = NalUnits.packetize(packetizer, NalUnits.annexB(List.of(vps, sps, pps, idr), true));

        assertEquals(4, packets.size(), "AP + 3 FU");
        assertArrayEquals(aggregation(bytes(hi(AP), 1), vps, sps, pps), packets.get(0).payload());
        for (int i = 1; i < 4; i++) {
            byte[] fu = packets.get(i).payload();
            assertEquals(hi(FU), fu[0] & 0xFF);
            assertEquals(1, fu[1], "LayerId and TID copied");
            int expectedFlags = i == 1 ? START : i == 3 ? END : 0;
            assertEquals(expectedFlags | 19, fu[2] & 0xFF, "FU header of fragment " + i);
        }
    }

    @Test
    void aggregationHeader_takesTheLowestLayerAndTemporalId() {
        byte[] a = bytes(hi(1) | 0x01, (1 << 3) | 3, 0xAA); // LayerId 33, TID 3
        byte[] b = bytes(hi(1), (2 << 3) | 2, 0xBB); // LayerId 2, TID 2
        H265Packetizer packetizer = H265Packetizer.builder().build();

        List<Packet> packets = NalUnits.packetize(packetizer, NalUnits.annexB(List.of(a, b), true));

        assertEquals(1, packets.size());
        byte[] header = Arrays.copyOf(packets.get(0).payload(), 2);
        assertArrayEquals(bytes(hi(AP), (2 << 3) | 2), header);
    }

    @Test
    void singleNalUnit_isWrittenBehindAStartCode() {
        assertEquals(4 + 3, feed(1, bytes(hi(1), 1, 0xAF)));
        assertArrayEquals(bytes(0, 0, 0, 1, hi(1), 1, 0xAF), Arrays.copyOf(out, 7));
    }

    @Test
    void fu_rebuildsTheTwoByteHeader() {
        assertEquals(0, feed(1, bytes(hi(FU), 0x0B, START | 19, 0xAA)));
        assertEquals(4 + 4, feed(2, bytes(hi(FU), 0x0B, END | 19, 0xBB)));
        assertArrayEquals(bytes(0, 0, 0, 1, hi(19), 0x0B, 0xAA, 0xBB), Arrays.copyOf(out, 8));
    }

    @Test
    void forbiddenBit_isRejected() {
        assertEquals(PayloadErrors.FORBIDDEN_BIT, feed(1, bytes(0x80 | hi(1), 1, 0xAF)));
    }

    @Test
    void temporalIdZero_isRejected() {
        assertEquals(PayloadErrors.INVALID_NAL_HEADER, feed(1, bytes(hi(1), 0, 0xAF)));
        assertEquals(PayloadErrors.INVALID_NAL_HEADER, feed(2, aggregation(bytes(hi(AP), 1), bytes(hi(1), 0, 1))));
    }

    @Test
    void oneByteAndHeaderOnlyPackets_areTruncated() {
        assertEquals(PayloadErrors.TRUNCATED_PACKET, feed(1, bytes(hi(1))));
        assertEquals(PayloadErrors.TRUNCATED_PACKET, feed(2, bytes(hi(FU), 1, START | 19)));
    }

    @ParameterizedTest
    @ValueSource(ints = {50, 51, 55, 63})
    void paciAndUnspecifiedTypes_areRejected(int type) {
        assertEquals(PayloadErrors.UNSUPPORTED_TYPE, feed(1, bytes(hi(type), 1, 1, 2, 3)));
    }

    @ParameterizedTest
    @ValueSource(ints = {48, 49, 50, 63})
    void fuCarryingAnAggregationOrFragmentType_isRejected(int type) {
        assertEquals(PayloadErrors.FU_BAD_HEADER, feed(1, bytes(hi(FU), 1, START | type, 0xAA)));
    }

    @Test
    void fuStartAndEndTogether_isRejected() {
        assertEquals(PayloadErrors.FU_BAD_HEADER, feed(1, bytes(hi(FU), 1, START | END | 1, 0xAA)));
    }

    @Test
    void fuEndWithoutStart_isRejected() {
        assertEquals(PayloadErrors.FU_START_MISSING, feed(1, bytes(hi(FU), 1, END | 1, 0xAA)));
    }

    @Test
    void fuTypeChangingMidway_isRejected() {
        assertEquals(0, feed(1, bytes(hi(FU), 1, START | 19, 0xAA)));
        assertEquals(PayloadErrors.FU_TYPE_CHANGED, feed(2, bytes(hi(FU), 1, END | 1, 0xBB)));
        assertEquals(1, depacketizer.abandonedFragmentedNalUnits());
    }

    @Test
    void otherPacketInsideAnOpenFu_interrupts() {
        assertEquals(0, feed(1, bytes(hi(FU), 1, START | 19, 0xAA)));
        assertEquals(PayloadErrors.FU_INTERRUPTED, feed(2, bytes(hi(1), 1, 0xAF)));
        assertFalse(depacketizer.hasOpenFragment());
    }

    @Test
    void sequenceGapInsideAnOpenFu_abandonsIt() {
        assertEquals(0, feed(1, bytes(hi(FU), 1, START | 19, 0xAA)));
        assertEquals(PayloadErrors.FU_START_MISSING, feed(3, bytes(hi(FU), 1, END | 19, 0xBB)));
        assertEquals(1, depacketizer.abandonedFragmentedNalUnits());
    }

    @Test
    void apWithNoUnit_isTruncated() {
        assertEquals(PayloadErrors.TRUNCATED_AGGREGATION, feed(1, bytes(hi(AP), 1)));
    }

    @Test
    void apUnitRunningPastTheEnd_isTruncated() {
        assertEquals(PayloadErrors.TRUNCATED_AGGREGATION, feed(1, bytes(hi(AP), 1, 0, 9, hi(32), 1, 5)));
    }

    @Test
    void apUnitShorterThanANalHeader_isTruncated() {
        assertEquals(PayloadErrors.TRUNCATED_AGGREGATION, feed(1, bytes(hi(AP), 1, 0, 1, hi(32))));
    }

    @Test
    void apWithAStrayTrailingByte_isTruncated() {
        assertEquals(PayloadErrors.TRUNCATED_AGGREGATION, feed(1, bytes(hi(AP), 1, 0, 2, hi(32), 1, 7)));
    }

    @Test
    void apNestingAFragment_isRejected() {
        assertEquals(PayloadErrors.UNSUPPORTED_TYPE, feed(1, bytes(hi(AP), 1, 0, 4, hi(FU), 1, START | 1, 9)));
    }

    @Test
    void hostileBytes_neverThrowAndOnlyReturnKnownCodes() {
        NalUnits.assertSurvivesHostilePayloads(new H265Depacketizer(4096), 0xBAD_265L, (random, payload, length) -> {
            if (length > 1 && random.nextBoolean()) {
                payload[0] = (byte) ((random.nextBoolean() ? AP : FU) << 1);
                payload[1] = (byte) (1 + random.nextInt(7));
            }
        });
    }
}
