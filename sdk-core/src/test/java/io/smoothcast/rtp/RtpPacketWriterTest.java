package io.smoothcast.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RtpPacketWriterTest {

    private static final long SEED = 0x5EED_2026L;
    private static final int CASES = 5000;

    private final RtpPacketWriter writer = new RtpPacketWriter();
    private final RtpPacketView view = new RtpPacketView();

    @Test
    void write_bothSmoothcastExtensions_matchesHandWrittenBytes() {
        byte[] out = new byte[64];
        int length = writer.reset().payloadType(96).marker(true).sequenceNumber(0x1234).timestamp(0xDEADBEEF)
            .ssrc(0x01020304)
            .addTransportSequenceNumber(5, 0x0102)
            .addAbsoluteCaptureTime(6, 0x1122334455667788L)
            .write(out, 0, out.length, new byte[] {(byte) 0xFF}, 0, 1);
        // One-byte form: 51 0102 | 67 + 8 bytes = 12 bytes of elements, already a multiple of 4.
        byte[] expected = Hex.bytes("90 E0 1234 DEADBEEF 01020304 BEDE 0003 51 0102 67 1122334455667788 FF");
        assertEquals(expected.length, length);
        assertArrayEquals(expected, Arrays.copyOf(out, length));
    }

    @Test
    void write_longOrHighIdElements_switchToTwoByteForm() {
        byte[] out = new byte[128];
        int length = writer.reset().addExtension(20, new byte[] {1, 2}, 0, 2).write(out, 0, out.length, null, 0, 0);
        assertTrue(writer.usesTwoByteExtensions());
        assertEquals(ParseStatus.OK, view.wrap(out, 0, length));
        assertEquals(RtpPacketView.TWO_BYTE_EXTENSION_PROFILE, view.extensionProfile());
        assertEquals(2, view.extensionLength(20));

        writer.reset().addExtension(3, new byte[17], 0, 17);
        assertTrue(writer.usesTwoByteExtensions(), "17 bytes do not fit the one-byte form");
        writer.reset().addExtension(3, new byte[0], 0, 0);
        assertTrue(writer.usesTwoByteExtensions(), "empty elements need the two-byte form");
        writer.reset().addExtension(3, new byte[16], 0, 16);
        assertFalse(writer.usesTwoByteExtensions());
    }

    @Test
    void write_tooSmallDestination_returnsDoesNotFit() {
        writer.reset().ssrc(1).addTransportSequenceNumber(5, 7).paddingLength(4);
        byte[] payload = new byte[100];
        int needed = writer.headerLength() + 100 + 4;
        byte[] out = new byte[needed];
        assertEquals(RtpPacketWriter.DOES_NOT_FIT, writer.write(out, 0, needed - 1, payload, 0, 100));
        assertEquals(needed, writer.write(out, 0, needed, payload, 0, 100));
        assertEquals(ParseStatus.OK, view.wrap(out, 0, needed));
        assertEquals(4, view.paddingLength());
        assertEquals(100, view.payloadLength());
    }

    @Test
    void badArguments_areRejectedNamingTheArgument() {
        assertMessage("payloadType", () -> writer.payloadType(128));
        assertMessage("sequenceNumber", () -> writer.sequenceNumber(65536));
        assertMessage("paddingLength", () -> writer.paddingLength(256));
        assertMessage("id", () -> writer.reset().addTransportSequenceNumber(0, 1));
        assertMessage("transportSequenceNumber", () -> writer.reset().addTransportSequenceNumber(5, -1));
        assertMessage("already", () -> writer.reset().addTransportSequenceNumber(5, 1).addAbsoluteCaptureTime(5, 1));
        assertMessage("capacity", () -> writer.reset().write(new byte[10], 5, 6, null, 0, 0));
        writer.reset();
        for (int i = 0; i < RtpPacketWriter.MAX_CSRCS; i++) {
            writer.addCsrc(i);
        }
        assertThrows(IllegalStateException.class, () -> writer.addCsrc(99));
    }

    @Test
    void duplicateIds_areRejectedInEveryIdRange_distinctIdsSharingLowBitsAreNot() {
        byte[] two = {1, 2};
        assertMessage("already", () -> writer.reset().addExtension(200, two, 0, 2).addExtension(200, two, 0, 2));
        assertMessage("already", () -> writer.reset().addExtension(3, two, 0, 2).addExtension(100, two, 0, 2)
            .addExtension(3, two, 0, 2));
        // 1, 65, 129 and 193 have the same low six bits.
        byte[] out = new byte[128];
        int length = writer.reset().addExtension(1, two, 0, 2).addExtension(65, two, 0, 2).addExtension(129, two, 0, 2)
            .addExtension(193, two, 0, 2).write(out, 0, out.length, null, 0, 0);
        assertEquals(ParseStatus.OK, view.wrap(out, 0, length));
        assertEquals(2, view.extensionLength(193));
    }

    private static void assertMessage(String expected, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    /** Property: any valid packet the writer produces parses back to the same fields and bytes. */
    @Test
    void roundTrip_randomValidPackets_parseBackEqual() {
        SplittableRandom random = new SplittableRandom(SEED);
        byte[] out = new byte[4096];
        for (int c = 0; c < CASES; c++) {
            String where = "seed " + SEED + " case " + c;
            boolean marker = random.nextBoolean();
            int pt = random.nextInt(128);
            int seq = random.nextInt(65536);
            int ts = random.nextInt();
            int ssrc = random.nextInt();
            int[] csrcs = new int[random.nextInt(16)];
            for (int i = 0; i < csrcs.length; i++) {
                csrcs[i] = random.nextInt();
            }
            boolean forceTwoByte = random.nextInt(4) == 0;
            int extensionCount = random.nextInt(9); // more than the 4 the view indexes
            boolean highIds = random.nextInt(4) == 0;
            int[] ids = distinctIds(random, extensionCount, highIds ? 255 : 14);
            byte[][] data = new byte[extensionCount][];
            for (int i = 0; i < extensionCount; i++) {
                int len = highIds || forceTwoByte ? random.nextInt(40) : 1 + random.nextInt(16);
                data[i] = new byte[len];
                random.nextBytes(data[i]);
            }
            byte[] payload = new byte[random.nextInt(1300)];
            random.nextBytes(payload);
            int padding = random.nextInt(3) == 0 ? 1 + random.nextInt(255) : 0;

            writer.reset().marker(marker).payloadType(pt).sequenceNumber(seq).timestamp(ts).ssrc(ssrc)
                .forceTwoByteExtensions(forceTwoByte).paddingLength(padding);
            for (int csrc : csrcs) {
                writer.addCsrc(csrc);
            }
            for (int i = 0; i < extensionCount; i++) {
                writer.addExtension(ids[i], data[i], 0, data[i].length);
            }
            int offset = random.nextInt(8);
            int length = writer.write(out, offset, out.length - offset, payload, 0, payload.length);
            assertTrue(length > 0, where);

            assertEquals(ParseStatus.OK, view.wrap(out, offset, length), where);
            assertEquals(marker, view.marker(), where);
            assertEquals(pt, view.payloadType(), where);
            assertEquals(seq, view.sequenceNumber(), where);
            assertEquals(ts, view.timestamp(), where);
            assertEquals(ssrc, view.ssrc(), where);
            assertEquals(csrcs.length, view.csrcCount(), where);
            for (int i = 0; i < csrcs.length; i++) {
                assertEquals(csrcs[i], view.csrc(i), where);
            }
            assertEquals(extensionCount > 0, view.hasExtension(), where);
            assertEquals(extensionCount, view.extensionElementCount(), where);
            for (int i = 0; i < extensionCount; i++) {
                int at = view.extensionOffset(ids[i]);
                assertTrue(at >= 0, where);
                assertArrayEquals(data[i], Arrays.copyOfRange(out, at, at + view.extensionLength(ids[i])), where);
            }
            assertEquals(padding, view.paddingLength(), where);
            assertEquals(writer.headerLength(), view.headerLength(), where);
            assertArrayEquals(payload, Arrays.copyOfRange(out, view.payloadOffset(),
                view.payloadOffset() + view.payloadLength()), where);
        }
    }

    private static int[] distinctIds(SplittableRandom random, int count, int maxId) {
        int[] ids = new int[count];
        for (int i = 0; i < count; i++) {
            int id;
            boolean duplicate;
            do {
                id = 1 + random.nextInt(maxId);
                duplicate = false;
                for (int j = 0; j < i; j++) {
                    duplicate |= ids[j] == id;
                }
            } while (duplicate);
            ids[i] = id;
        }
        return ids;
    }
}
