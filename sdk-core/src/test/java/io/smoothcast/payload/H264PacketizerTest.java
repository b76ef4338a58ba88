package io.smoothcast.payload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.payload.NalUnits.Packet;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class H264PacketizerTest {

    private static final int STAP_A = 24;
    private static final int FU_A = 28;

    @Test
    void roundTrip_randomAccessUnitsAndMtus_reproducesEveryNalUnit() {
        long seed = 0x5EED_264L;
        SplittableRandom random = new SplittableRandom(seed);
        H264Depacketizer depacketizer = new H264Depacketizer(64 * 1024);
        byte[] out = new byte[256 * 1024];
        int sequence = 65_000; // crosses the 16-bit wrap
        for (int round = 0; round < 400; round++) {
            int mtu = pickMtu(random);
            boolean aggregation = random.nextBoolean();
            H264Packetizer packetizer = H264Packetizer.builder().maxPayloadBytes(mtu).aggregation(aggregation).build();
            List<byte[]> nals = new ArrayList<>();
            int count = 1 + random.nextInt(8);
            for (int i = 0; i < count; i++) {
                nals.add(NalUnits.h264(1 + random.nextInt(23), random.nextInt(4), pickNalSize(random, mtu), random));
            }
            String context = "seed=" + seed + " round=" + round + " mtu=" + mtu + " aggregation=" + aggregation;
            List<Packet> packets = NalUnits.packetize(packetizer, NalUnits.annexB(nals, random.nextBoolean()));

            ByteArrayOutputStream received = new ByteArrayOutputStream();
            for (int i = 0; i < packets.size(); i++) {
                Packet p = packets.get(i);
                assertTrue(p.payload().length <= mtu, context + ": payload of " + p.payload().length + " bytes");
                assertEquals(i == packets.size() - 1, p.marker(), context + ": marker on packet " + i);
                int n = depacketizer.depacketize(sequence++, p.payload(), 0, p.payload().length, out, 0);
                assertTrue(n >= 0, context + ": depacketize returned " + PayloadErrors.name(n));
                received.write(out, 0, n);
            }
            assertFalse(depacketizer.hasOpenFragment(), context);
            assertArrayEquals(NalUnits.normalized(nals), received.toByteArray(), context);
        }
        assertEquals(0, depacketizer.abandonedFragmentedNalUnits(), "seed=" + seed);
    }

    @Test
    void parameterSetsAndLargeIdr_becomeStapAThenFuA() {
        SplittableRandom random = new SplittableRandom(1);
        byte[] sps = NalUnits.h264(7, 3, 20, random);
        byte[] pps = NalUnits.h264(8, 3, 5, random);
        byte[] idr = NalUnits.h264(5, 3, 3000, random);
        H264Packetizer packetizer = H264Packetizer.builder().maxPayloadBytes(1200).build();

        List<Packet> packets = NalUnits.packetize(packetizer, NalUnits.annexB(List.of(sps, pps, idr), true));

        assertEquals(4, packets.size(), "STAP-A + 3 FU-A");
        byte[] stap = packets.get(0).payload();
        assertEquals(0x60 | STAP_A, stap[0] & 0xFF, "STAP-A header with the highest NRI");
        assertArrayEquals(NalUnits.aggregation(new byte[] {(byte) (0x60 | STAP_A)}, sps, pps), stap);
        for (int i = 1; i < 4; i++) {
            byte[] fu = packets.get(i).payload();
            assertEquals(0x60 | FU_A, fu[0] & 0xFF, "FU indicator keeps NRI");
            int expectedFlags = i == 1 ? 0x80 : i == 3 ? 0x40 : 0;
            assertEquals(expectedFlags | 5, fu[1] & 0xFF, "FU header of fragment " + i);
        }
        assertEquals(1200, packets.get(1).payload().length, "fragments fill the MTU");
        assertTrue(packets.get(3).marker());
    }

    @Test
    void nalUnitOfExactlyMtu_isSentAlone_andOneMoreByteIsFragmentedInTwo() {
        SplittableRandom random = new SplittableRandom(2);
        H264Packetizer packetizer = H264Packetizer.builder().maxPayloadBytes(100).build();

        byte[] fits = NalUnits.h264(1, 2, 100, random);
        List<Packet> single = NalUnits.packetize(packetizer, NalUnits.annexB(List.of(fits), false));
        assertEquals(1, single.size());
        assertArrayEquals(fits, single.get(0).payload());

        byte[] tooBig = NalUnits.h264(1, 2, 101, random);
        List<Packet> fragments = NalUnits.packetize(packetizer, NalUnits.annexB(List.of(tooBig), false));
        assertEquals(2, fragments.size());
        assertEquals(100, fragments.get(0).payload().length);
        assertEquals(2 + 2, fragments.get(1).payload().length, "101 - 1 header byte - 98 already sent = 2");
    }

    @Test
    void smallestMtu_sendsOneNalByteInEachFragment() {
        SplittableRandom random = new SplittableRandom(3);
        byte[] nal = NalUnits.h264(5, 3, 6, random);
        H264Packetizer packetizer =
                H264Packetizer.builder().maxPayloadBytes(H264Packetizer.MIN_MAX_PAYLOAD_BYTES).build();

        List<Packet> packets = NalUnits.packetize(packetizer, NalUnits.annexB(List.of(nal), true));

        assertEquals(5, packets.size(), "5 body bytes, one per FU-A");
        H264Depacketizer depacketizer = new H264Depacketizer();
        byte[] out = new byte[64];
        int total = 0;
        for (int i = 0; i < packets.size(); i++) {
            byte[] p = packets.get(i).payload();
            total = depacketizer.depacketize(i, p, 0, p.length, out, 0);
        }
        assertEquals(4 + 6, total);
    }

    @Test
    void aggregationOff_sendsEachSmallNalUnitAlone() {
        SplittableRandom random = new SplittableRandom(4);
        List<byte[]> nals = List.of(NalUnits.h264(7, 3, 10, random), NalUnits.h264(8, 3, 4, random),
                NalUnits.h264(5, 3, 50, random));
        H264Packetizer packetizer = H264Packetizer.builder().aggregation(false).build();

        List<Packet> packets = NalUnits.packetize(packetizer, NalUnits.annexB(nals, true));

        assertEquals(3, packets.size());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(nals.get(i), packets.get(i).payload());
        }
    }

    @Test
    void aggregation_stopsWhenTheNextUnitWouldNotFit() {
        SplittableRandom random = new SplittableRandom(5);
        // 1 (STAP header) + 2 + 40 + 2 + 40 = 85 fits in 90; a third unit of 40 would make 127.
        List<byte[]> nals = List.of(NalUnits.h264(1, 2, 40, random), NalUnits.h264(1, 2, 40, random),
                NalUnits.h264(1, 2, 40, random));
        H264Packetizer packetizer = H264Packetizer.builder().maxPayloadBytes(90).build();

        List<Packet> packets = NalUnits.packetize(packetizer, NalUnits.annexB(nals, true));

        assertEquals(2, packets.size());
        assertEquals(STAP_A, packets.get(0).payload()[0] & 0x1F);
        assertEquals(85, packets.get(0).payload().length);
        assertArrayEquals(nals.get(2), packets.get(1).payload(), "the last unit goes alone");
    }

    @Test
    void trailingZerosAndEmptyNalUnits_areNotSent() {
        byte[] au = NalUnits.bytes(0, 0, 0, 1, 0x09, 0xF0, 0, 0, 0, 0, 1, 0, 0, 1, 0x65, 0x88, 0x80, 0, 0);
        H264Packetizer packetizer = H264Packetizer.builder().aggregation(false).build();

        List<Packet> packets = NalUnits.packetize(packetizer, au);

        assertEquals(2, packets.size());
        assertArrayEquals(NalUnits.bytes(0x09, 0xF0), packets.get(0).payload());
        assertArrayEquals(NalUnits.bytes(0x65, 0x88, 0x80), packets.get(1).payload());
    }

    @Test
    void setAccessUnit_rejectsInputThatIsNotAnnexB() {
        H264Packetizer packetizer = H264Packetizer.builder().build();

        assertEquals(PayloadErrors.NOT_ANNEX_B, packetizer.setAccessUnit(NalUnits.bytes(0x65, 1, 2), 0, 3));
        assertEquals(PayloadErrors.NOT_ANNEX_B, packetizer.setAccessUnit(NalUnits.bytes(7, 0, 0, 1, 0x65), 0, 5));
        assertEquals(PayloadErrors.NO_NAL_UNITS, packetizer.setAccessUnit(NalUnits.bytes(0, 0, 0, 0), 0, 4));
        assertEquals(PayloadErrors.NO_NAL_UNITS, packetizer.setAccessUnit(NalUnits.bytes(0, 0, 1, 0, 0), 0, 5));
        assertEquals(PayloadErrors.NO_NAL_UNITS, packetizer.setAccessUnit(new byte[0], 0, 0));
        assertFalse(packetizer.hasNext());
    }

    @Test
    void setAccessUnit_rejectsMoreNalUnitsThanConfigured() {
        H264Packetizer packetizer = H264Packetizer.builder().maxNalUnitsPerAccessUnit(2).build();
        byte[] three = NalUnits.bytes(0, 0, 1, 0x09, 0xF0, 0, 0, 1, 0x67, 0x42, 0, 0, 1, 0x68, 0xCE);

        assertEquals(PayloadErrors.TOO_MANY_NAL_UNITS, packetizer.setAccessUnit(three, 0, three.length));
        assertFalse(packetizer.hasNext());
        assertEquals(2, packetizer.setAccessUnit(three, 0, 10), "the first two fit");
    }

    @Test
    void newAccessUnit_dropsTheRestOfThePreviousOne() {
        SplittableRandom random = new SplittableRandom(6);
        H264Packetizer packetizer = H264Packetizer.builder().maxPayloadBytes(50).build();
        byte[] big = NalUnits.annexB(List.of(NalUnits.h264(5, 3, 500, random)), true);
        byte[] small = NalUnits.annexB(List.of(NalUnits.h264(1, 2, 10, random)), true);
        packetizer.setAccessUnit(big, 0, big.length);
        packetizer.next(new byte[50], 0);

        packetizer.setAccessUnit(small, 0, small.length);
        byte[] out = new byte[50];
        assertEquals(10, packetizer.next(out, 0));
        assertTrue(packetizer.marker());
        assertFalse(packetizer.hasNext());
    }

    @Test
    void badArguments_areRejectedWithTheirName() {
        H264Packetizer packetizer = H264Packetizer.builder().maxPayloadBytes(100).build();

        IllegalStateException noUnit =
                assertThrows(IllegalStateException.class, () -> packetizer.next(new byte[100], 0));
        assertTrue(noUnit.getMessage().contains("setAccessUnit"));
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> packetizer.setAccessUnit(new byte[4], 2, 3));
        assertTrue(range.getMessage().contains("accessUnit"));
        byte[] au = NalUnits.bytes(0, 0, 1, 0x65, 1);
        packetizer.setAccessUnit(au, 0, au.length);
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> packetizer.next(new byte[100], 1));
        assertTrue(small.getMessage().contains("maxPayloadBytes"));
        IllegalArgumentException mtu = assertThrows(IllegalArgumentException.class,
                () -> H264Packetizer.builder().maxPayloadBytes(2));
        assertTrue(mtu.getMessage().contains("maxPayloadBytes"));
        assertThrows(IllegalArgumentException.class, () -> H264Packetizer.builder().maxNalUnitsPerAccessUnit(0));
    }

    /** MTUs from the smallest legal one to a jumbo frame, often near a NAL size edge. */
    static int pickMtu(SplittableRandom random) {
        switch (random.nextInt(4)) {
            case 0: return H264Packetizer.MIN_MAX_PAYLOAD_BYTES + random.nextInt(8);
            case 1: return 20 + random.nextInt(100);
            case 2: return 1200;
            default: return 1000 + random.nextInt(8000);
        }
    }

    /** NAL sizes around the MTU edges, tiny ones and large ones. */
    static int pickNalSize(SplittableRandom random, int mtu) {
        switch (random.nextInt(5)) {
            case 0: return 2 + random.nextInt(10);
            case 1: return Math.max(2, mtu - 1 + random.nextInt(3)); // mtu-1, mtu, mtu+1
            case 2: return Math.max(2, 2 * mtu - 2 + random.nextInt(5));
            case 3: return 2 + random.nextInt(3 * mtu);
            default: return 2 + random.nextInt(20_000);
        }
    }
}
