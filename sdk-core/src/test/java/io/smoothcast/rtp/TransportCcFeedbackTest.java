package io.smoothcast.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.rtp.internal.Bytes;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransportCcFeedbackTest {

    private static final long SEED = 0x7CC_2026L;

    /**
     * Base 100, 10 statuses, reference time 0x000102 (258 * 64 ms), feedback count 7. Chunks: a
     * run of 3 small deltas (0x2003), then a two-bit vector [large, lost, small, lost, lost, lost,
     * small] (0xE101). Deltas 4, 8, 12, -200, 16, 20 ticks; one padding byte (P bit set).
     */
    private static final String FEEDBACK =
        "AF CD 0007 00000001 00000002 0064 000A 000102 07 2003 E101 04 08 0C FF38 10 14 01";

    private final TransportCcFeedbackView view = new TransportCcFeedbackView();

    @Test
    void view_handWrittenFeedback_walksStatusesDeltasAndArrivalTimes() {
        byte[] packet = Hex.bytes(FEEDBACK);
        assertEquals(ParseStatus.OK, view.wrap(packet, 0, packet.length));
        assertEquals(1, view.senderSsrc());
        assertEquals(2, view.mediaSsrc());
        assertEquals(100, view.baseSequenceNumber());
        assertEquals(10, view.packetStatusCount());
        assertEquals(6, view.receivedPacketCount());
        assertEquals(0x102, view.referenceTime());
        assertEquals(7, view.feedbackPacketCount());

        long base = 258L * 64_000;
        int[] expectedStatus = {1, 1, 1, 2, 0, 1, 0, 0, 0, 1};
        int[] expectedDelta = {4, 8, 12, -200, 0, 16, 0, 0, 0, 20};
        long[] expectedArrivalUs = {base + 1000, base + 3000, base + 6000, base - 44000, base - 44000,
            base - 40000, base - 40000, base - 40000, base - 40000, base - 35000};
        for (int i = 0; i < 10; i++) {
            assertTrue(view.nextPacket(), "packet " + i);
            assertEquals(100 + i, view.packetSequenceNumber());
            assertEquals(expectedStatus[i], view.packetStatus(), "status of packet " + i);
            assertEquals(expectedDelta[i], view.packetDeltaTicks(), "delta of packet " + i);
            assertEquals(expectedArrivalUs[i], view.packetArrivalTimeUs(), "arrival of packet " + i);
        }
        assertFalse(view.nextPacket());
        view.resetCursor();
        assertTrue(view.nextPacket());
        assertEquals(100, view.packetSequenceNumber());
    }

    @Test
    void writer_sameInputAsHandWrittenFeedback_producesExpectedBytes() {
        long base = 258L * 64_000;
        TransportCcFeedbackWriter writer = new TransportCcFeedbackWriter(32);
        writer.reset(1, 2, 100, 7);
        writer.addReceived(base + 1000);
        writer.addReceived(base + 3000);
        writer.addReceived(base + 6000);
        writer.addReceived(base - 44000);
        writer.addLost();
        writer.addReceived(base - 40000);
        writer.addLost();
        writer.addLost();
        writer.addLost();
        writer.addReceived(base - 35000);
        byte[] out = new byte[64];
        int length = writer.write(out, 0, out.length);
        // Same packets as FEEDBACK, but the writer's greedy choice is a two-bit vector of 7
        // [small x3, large, lost, small, lost] (0xD584) then a one-bit vector [lost, lost, small] (0x8800).
        assertArrayEquals(Hex.bytes("AF CD 0007 00000001 00000002 0064 000A 000102 07 D584 8800 04 08 0C FF38 10 14 01"),
            Arrays.copyOf(out, length));
    }

    @Test
    void writer_choosesRunLengthOneBitAndTwoBitChunks() {
        TransportCcFeedbackWriter writer = new TransportCcFeedbackWriter(100);
        byte[] out = new byte[256];

        // 20 small deltas in a row: one run-length chunk.
        writer.reset(1, 2, 0, 0);
        for (int i = 0; i < 20; i++) {
            writer.addReceived(i * 1000L);
        }
        writer.write(out, 0, out.length);
        assertEquals(0x2000 | 20, Bytes.u16(out, 20));
        assertEquals(20 + 2 + 20, unpaddedLength(out));

        // Received/lost alternating, small deltas only: one-bit vectors of 14.
        writer.reset(1, 2, 0, 0);
        for (int i = 0; i < 14; i++) {
            if (i % 2 == 0) {
                writer.addReceived(i * 1000L);
            } else {
                writer.addLost();
            }
        }
        writer.write(out, 0, out.length);
        assertEquals(0x8000 | 0b10101010101010, Bytes.u16(out, 20));

        // A large delta among lost packets: two-bit vectors of 7.
        writer.reset(1, 2, 0, 0);
        writer.addReceived(0);
        writer.addLost();
        writer.addReceived(500_000); // 2000 ticks: large
        writer.addLost();
        writer.write(out, 0, out.length);
        assertEquals(0xC000 | (1 << 12) | (2 << 8), Bytes.u16(out, 20));
        assertEquals(ParseStatus.OK, view.wrap(out, 0, 256));
    }

    private static int unpaddedLength(byte[] packet) {
        int length = 4 * (Bytes.u16(packet, 2) + 1);
        return (packet[0] & 0x20) != 0 ? length - (packet[length - 1] & 0xFF) : length;
    }

    @Test
    void writer_deltaBeyondTwoBytes_isRefusedAndNothingAdded() {
        TransportCcFeedbackWriter writer = new TransportCcFeedbackWriter(10);
        writer.reset(1, 2, 0, 0);
        assertTrue(writer.addReceived(1_000_000));
        assertFalse(writer.addReceived(1_000_000 + 8_192_000), "32768 ticks later does not fit");
        assertTrue(writer.addReceived(1_000_000 - 8_192_000), "-32768 ticks fits");
        assertEquals(2, writer.packetCount());
    }

    @Test
    void writer_full_refusesMorePackets() {
        TransportCcFeedbackWriter writer = new TransportCcFeedbackWriter(2);
        writer.reset(1, 2, 0, 0);
        assertTrue(writer.addLost());
        assertTrue(writer.addReceived(0));
        assertFalse(writer.addLost());
        assertFalse(writer.addReceived(10));
        assertEquals(TransportCcFeedbackWriter.DOES_NOT_FIT, writer.write(new byte[64], 0, 20));
        assertThrows(IllegalStateException.class, () -> writer.reset(1, 2, 0, 0).write(new byte[64], 0, 64));
        assertThrows(IllegalArgumentException.class, () -> new TransportCcFeedbackWriter(0));
    }

    // ---- Bad input ----

    @Test
    void hostile_statusCountBeyondChunks_isStatusCountOverrun() {
        // Status count 0x0400 but the packet ends after two chunks of 3 packets each.
        byte[] packet = Hex.bytes("8F CD 0005 00000001 00000002 0064 0400 000102 07 2003 2003");
        assertEquals(ParseStatus.STATUS_COUNT_OVERRUN, view.wrap(packet, 0, packet.length));
        assertFalse(view.nextPacket(), "a rejected feedback yields no packets");
    }

    @Test
    void hostile_deltasBeyondPacket_isDeltaOverrun() {
        // A run of 8000 small deltas announced, 4 delta bytes present.
        byte[] packet = Hex.bytes("8F CD 0006 00000001 00000002 0064 1F40 000102 07 3F40 0000 04080C10");
        assertEquals(ParseStatus.DELTA_OVERRUN, view.wrap(packet, 0, packet.length));
    }

    @Test
    void hostile_reservedStatusSymbol_isReservedStatus() {
        // Two-bit vector whose first symbol is 3.
        byte[] packet = Hex.bytes("8F CD 0005 00000001 00000002 0064 0001 000102 07 F000 0000");
        assertEquals(ParseStatus.RESERVED_STATUS, view.wrap(packet, 0, packet.length));
        // Run-length chunk of status 3.
        byte[] run = Hex.bytes("8F CD 0005 00000001 00000002 0064 0001 000102 07 6001 0000");
        assertEquals(ParseStatus.RESERVED_STATUS, view.wrap(run, 0, run.length));
    }

    @Test
    void hostile_tooShortForFixedFields_isTruncatedPacket() {
        byte[] packet = Hex.bytes("8F CD 0003 00000001 00000002 0064 0001");
        assertEquals(ParseStatus.TRUNCATED_PACKET, view.wrap(packet, 0, packet.length));
    }

    @Test
    void emptyRunLengthChunks_areSkippedWithoutLooping() {
        // Run-length chunks of length 0, then a run of 1 small delta.
        byte[] packet = Hex.bytes("8F CD 0006 00000001 00000002 0064 0001 000000 00 0000 0000 2001 05 00");
        assertEquals(ParseStatus.OK, view.wrap(packet, 0, packet.length));
        assertTrue(view.nextPacket());
        assertEquals(5, view.packetDeltaTicks());
        assertFalse(view.nextPacket());
    }

    /**
     * Property: random received/lost patterns with random arrival times come back with the same
     * sequence numbers, statuses and arrival times (truncated to 250 µs ticks).
     */
    @Test
    void roundTrip_randomFeedback_readsBackWhatWasWritten() {
        SplittableRandom random = new SplittableRandom(SEED);
        TransportCcFeedbackWriter writer = new TransportCcFeedbackWriter(2000);
        byte[] out = new byte[8192];
        for (int c = 0; c < 2000; c++) {
            String where = "seed " + SEED + " case " + c;
            int base = random.nextInt(65536);
            int count = 1 + random.nextInt(random.nextBoolean() ? 30 : 1500);
            writer.reset(random.nextInt(), random.nextInt(), base, c);
            boolean[] received = new boolean[count];
            long[] arrivalUs = new long[count];
            long now = random.nextLong(1L << 40);
            double lossRate = random.nextDouble() * 0.6;
            boolean inRun = false;
            for (int i = 0; i < count; i++) {
                if (random.nextInt(20) == 0) {
                    inRun = !inRun; // bursts make run-length chunks likely
                }
                received[i] = inRun ? random.nextInt(8) != 0 : random.nextDouble() >= lossRate;
                if (received[i]) {
                    int kind = random.nextInt(20);
                    long step = kind == 0 ? -random.nextInt(100_000)          // reordered: negative delta
                        : kind == 1 ? 64_000 + random.nextInt(2_000_000)      // large gap
                        : random.nextInt(5_000);                               // small
                    now += step;
                    arrivalUs[i] = now;
                    assertTrue(writer.addReceived(now), where);
                } else {
                    assertTrue(writer.addLost(), where);
                }
            }
            int offset = random.nextInt(4);
            int length = writer.write(out, offset, out.length - offset);
            assertTrue(length > 0 && length % 4 == 0, where);
            assertEquals(ParseStatus.OK, view.wrap(out, offset, length), where);
            assertEquals(base, view.baseSequenceNumber(), where);
            assertEquals(count, view.packetStatusCount(), where);
            assertEquals(writer.referenceTime(), view.referenceTime(), where);
            long referenceShiftUs = (writer.referenceTime() - firstReferenceUnits(arrivalUs, received))
                * TransportCcFeedbackView.REFERENCE_TIME_UNIT_US;
            for (int i = 0; i < count; i++) {
                assertTrue(view.nextPacket(), where);
                assertEquals((base + i) & 0xFFFF, view.packetSequenceNumber(), where);
                assertEquals(received[i], view.packetReceived(), where + " packet " + i);
                if (received[i]) {
                    long expected = Math.floorDiv(arrivalUs[i], 250) * 250 + referenceShiftUs;
                    assertEquals(expected, view.packetArrivalTimeUs(), where + " packet " + i);
                }
            }
            assertFalse(view.nextPacket(), where);
        }
    }

    /** The reference time in 64 ms units before the 24-bit truncation; the view sees it truncated. */
    private static long firstReferenceUnits(long[] arrivalUs, boolean[] received) {
        for (int i = 0; i < received.length; i++) {
            if (received[i]) {
                return Math.floorDiv(arrivalUs[i], 64_000);
            }
        }
        return 0;
    }
}
