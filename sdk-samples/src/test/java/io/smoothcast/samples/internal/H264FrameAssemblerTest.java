package io.smoothcast.samples.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.payload.H264Packetizer;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Access units packetized by sdk-core's RFC 6184 packetizer come back byte for byte. */
class H264FrameAssemblerTest {

    private record Packet(int sequence, int timestamp, boolean marker, byte[] payload) {
    }

    private record Unit(byte[] bytes, int timestamp, boolean keyframe) {
    }

    private final List<Unit> out = new ArrayList<>();
    private final H264FrameAssembler assembler = new H264FrameAssembler(
            (au, length, ts, keyframe) -> out.add(new Unit(Arrays.copyOf(au, length), ts, keyframe)));
    private final H264Packetizer packetizer = H264Packetizer.builder().build();
    private int nextSequence = 65_530; // wraps during the tests

    /** An IDR access unit (SPS, PPS, IDR slice) or a non-IDR one, with random slice bytes. */
    private static byte[] accessUnit(boolean idr, int sliceBytes, SplittableRandom random) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (idr) {
            b.writeBytes(new byte[] {0, 0, 0, 1, 0x67, 0x42, (byte) 0xC0, 0x1E, (byte) 0x8C});
            b.writeBytes(new byte[] {0, 0, 0, 1, 0x68, (byte) 0xCE, 0x3C, (byte) 0x80});
        }
        b.writeBytes(new byte[] {0, 0, 0, 1, (byte) (idr ? 0x65 : 0x41), (byte) 0x88});
        for (int i = 0; i < sliceBytes; i++) {
            int v = 1 + random.nextInt(255); // no zero bytes: no accidental start codes
            b.write(v);
        }
        return b.toByteArray();
    }

    private List<Packet> packetize(byte[] au, int timestamp) {
        assertTrue(packetizer.setAccessUnit(au, 0, au.length) > 0);
        List<Packet> packets = new ArrayList<>();
        byte[] buffer = new byte[packetizer.maxPayloadBytes()];
        while (packetizer.hasNext()) {
            int n = packetizer.next(buffer, 0);
            packets.add(new Packet(nextSequence, timestamp, packetizer.marker(), Arrays.copyOf(buffer, n)));
            nextSequence = (nextSequence + 1) & 0xFFFF;
        }
        return packets;
    }

    private void feed(List<Packet> packets) {
        for (Packet p : packets) {
            assembler.onPacket(p.sequence(), p.timestamp(), p.marker(), p.payload(), 0, p.payload().length);
        }
    }

    @Test
    void accessUnitsOfAllSizes_comeBackByteForByte() {
        long seed = 7L;
        SplittableRandom random = new SplittableRandom(seed);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            byte[] au = accessUnit(i % 10 == 0, 1 + random.nextInt(6000), random);
            sent.add(au);
            feed(packetize(au, i * 3000));
        }
        assertEquals(sent.size(), out.size(), "seed " + seed);
        for (int i = 0; i < sent.size(); i++) {
            // the depacketizer writes 4-byte start codes, as the access units already have
            assertArrayEquals(sent.get(i), out.get(i).bytes(), "seed " + seed + ", access unit " + i);
            assertEquals(i * 3000, out.get(i).timestamp());
            assertEquals(i % 10 == 0, out.get(i).keyframe());
        }
    }

    @Test
    void aLostPacket_dropsItsAccessUnitAndEverythingUntilTheNextKeyframe() {
        SplittableRandom random = new SplittableRandom(3);
        feed(packetize(accessUnit(true, 3000, random), 0));
        List<Packet> damaged = new ArrayList<>(packetize(accessUnit(false, 3000, random), 3000));
        damaged.remove(1);
        feed(damaged);
        feed(packetize(accessUnit(false, 500, random), 6000));
        feed(packetize(accessUnit(true, 3000, random), 9000));
        assertEquals(List.of(0, 9000), out.stream().map(Unit::timestamp).toList());
        assertEquals(1, assembler.spoiledAccessUnits());
        assertEquals(1, assembler.skippedWaitingForKeyframe());
        assertEquals(1, assembler.sequenceGaps());
    }

    @Test
    void aLostMarkerPacket_spoilsItsAccessUnitAndTheOneAfterTheGap() {
        SplittableRandom random = new SplittableRandom(4);
        feed(packetize(accessUnit(true, 100, random), 0));
        List<Packet> second = new ArrayList<>(packetize(accessUnit(true, 3000, random), 3000));
        second.remove(second.size() - 1);
        feed(second);
        feed(packetize(accessUnit(true, 100, random), 6000)); // after the gap: its head may be lost too
        feed(packetize(accessUnit(true, 100, random), 9000));
        assertEquals(List.of(0, 9000), out.stream().map(Unit::timestamp).toList());
        assertEquals(2, assembler.spoiledAccessUnits());
    }

    @Test
    void hostilePayloads_areCountedNeverThrown() {
        long seed = 11L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 5000; i++) {
            byte[] payload = new byte[random.nextInt(40)];
            random.nextBytes(payload);
            assembler.onPacket(random.nextInt(65_536), random.nextInt(4), random.nextBoolean(), payload, 0, payload.length);
        }
        assertTrue(assembler.malformedPayloads() > 0, "seed " + seed);
        // after the noise, a clean keyframe still comes through
        nextSequence = 100;
        out.clear();
        feed(packetize(accessUnit(true, 2000, random), 99_000));
        feed(packetize(accessUnit(true, 2000, random), 102_000));
        assertEquals(99_000 + 3000, out.get(out.size() - 1).timestamp(), "seed " + seed);
    }
}
