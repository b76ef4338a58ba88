package io.smoothcast.payload;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Test fixture: builds H.264 / H.265 NAL units, Annex-B access units and RTP payloads, and runs
 * either codec's packetizer or depacketizer the same way.
 */
final class NalUnits {

    private NalUnits() {
    }

    /** An H.264 NAL unit: header (F=0, NRI, type) and {@code size - 1} body bytes free of start codes. */
    static byte[] h264(int type, int nri, int size, SplittableRandom random) {
        byte[] nal = body(size, 1, random);
        nal[0] = (byte) ((nri << 5) | type);
        return nal;
    }

    /** An H.265 NAL unit: 2-byte header (F=0, type, LayerId 0, TID 1) and a start-code-free body. */
    static byte[] h265(int type, int size, SplittableRandom random) {
        byte[] nal = body(size, 2, random);
        nal[0] = (byte) (type << 1);
        nal[1] = 1;
        return nal;
    }

    /** Sets the first body byte's top bit (first slice of a picture) or clears it. */
    static byte[] firstSlice(byte[] nal, int headerBytes, boolean first) {
        if (nal.length > headerBytes) {
            nal[headerBytes] = (byte) (first ? (nal[headerBytes] | 0x80) : ((nal[headerBytes] & 0x7F) | 0x01));
        }
        return nal;
    }

    /**
     * Random bytes after a header of {@code headerBytes}: never two zeros in a row and never a
     * zero last byte, so no start code or trailing zero appears inside (as in real NAL units,
     * thanks to emulation prevention).
     */
    private static byte[] body(int size, int headerBytes, SplittableRandom random) {
        byte[] nal = new byte[size];
        for (int i = headerBytes; i < size; i++) {
            boolean zeroAllowed = i > headerBytes && nal[i - 1] != 0 && i < size - 1;
            nal[i] = zeroAllowed && random.nextInt(8) == 0 ? 0 : (byte) (1 + random.nextInt(255));
        }
        return nal;
    }

    /** Annex-B bytes: each NAL unit behind a 4-byte (long) or 3-byte start code. */
    static byte[] annexB(List<byte[]> nals, boolean longStartCodes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] nal : nals) {
            if (longStartCodes) {
                out.write(0);
            }
            out.write(0);
            out.write(0);
            out.write(1);
            out.writeBytes(nal);
        }
        return out.toByteArray();
    }

    /** What a depacketizer writes for these NAL units: each behind {@code 00 00 00 01}. */
    static byte[] normalized(List<byte[]> nals) {
        return annexB(nals, true);
    }

    /** A payload made of the given bytes. */
    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    /** Concatenates arrays. */
    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** An aggregation payload: {@code header} then each unit behind its 16-bit size. */
    static byte[] aggregation(byte[] header, byte[]... units) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        for (byte[] u : units) {
            out.write(u.length >>> 8);
            out.write(u.length);
            out.writeBytes(u);
        }
        return out.toByteArray();
    }

    /** A recorded packet: payload bytes and marker bit. */
    record Packet(byte[] payload, boolean marker) {
    }

    /**
     * Runs an H.264 or H.265 packetizer over one access unit and records every payload; payloads
     * are written at a nonzero offset, as behind an RTP header.
     */
    static List<Packet> packetize(AnnexBPacketizer packetizer, byte[] accessUnit) {
        int nals = packetizer.setAccessUnit(accessUnit, 0, accessUnit.length);
        if (nals <= 0) {
            throw new AssertionError("setAccessUnit returned " + PayloadErrors.name(nals));
        }
        List<Packet> packets = new ArrayList<>();
        byte[] scratch = new byte[packetizer.maxPayloadBytes() + 7];
        while (packetizer.hasNext()) {
            int length = packetizer.next(scratch, 7);
            byte[] payload = new byte[length];
            System.arraycopy(scratch, 7, payload, 0, length);
            packets.add(new Packet(payload, packetizer.marker()));
        }
        return packets;
    }

    /** Rewrites some random payloads towards the packet types whose parsing is worth hitting. */
    interface Bias {
        void apply(SplittableRandom random, byte[] payload, int length);
    }

    /**
     * Feeds an H.264 or H.265 depacketizer 200,000 random payloads (with sequence gaps and random
     * output offsets) and checks that it never throws, only returns known codes, never claims to
     * write past the output, and accepts enough of them to exercise the writing paths.
     */
    static void assertSurvivesHostilePayloads(AnnexBDepacketizer d, long seed, Bias bias) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] payload = new byte[300];
        byte[] sink = new byte[8192];
        int sequence = 0;
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            int length = random.nextInt(payload.length + 1);
            for (int j = 0; j < length; j++) {
                payload[j] = (byte) random.nextInt(256);
            }
            bias.apply(random, payload, length);
            sequence += random.nextInt(10) == 0 ? random.nextInt(5) : 1;
            int outOffset = random.nextInt(sink.length);
            int result = d.depacketize(sequence, payload, 0, length, sink, outOffset);
            String context = "seed=" + seed + " iteration=" + i;
            assertFalse(PayloadErrors.name(result).startsWith("UNKNOWN"), context + ": " + result);
            assertTrue(result <= sink.length - outOffset, context);
            if (result > 0) {
                accepted++;
            }
        }
        assertTrue(accepted > 1000, "enough valid packets exercised the writing paths: " + accepted);
    }
}
