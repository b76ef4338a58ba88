package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smoothcast.rtp.RtpPacketView;
import io.smoothcast.rtp.RtpPacketWriter;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TransportSequenceExtensionTest {

    private static byte[] packet(RtpPacketWriter writer) {
        byte[] bytes = new byte[1500];
        int length = writer.payloadType(96).ssrc(7).sequenceNumber(1).timestamp(2)
                .write(bytes, 0, bytes.length, new byte[20], 0, 20);
        return Arrays.copyOf(bytes, length);
    }

    private static int offsetOf(byte[] bytes, int id) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        return TransportSequenceExtension.offsetOf(buf, 0, bytes.length, id);
    }

    @Test
    void oneAndTwoByteForms_findTheSameOffsetAsTheCoreParser() {
        for (boolean twoByte : new boolean[] {false, true}) {
            byte[] bytes = packet(new RtpPacketWriter().forceTwoByteExtensions(twoByte)
                    .addExtension(3, new byte[] {1, 2, 3}, 0, 3).addTransportSequenceNumber(5, 0xABCD));
            RtpPacketView view = new RtpPacketView();
            view.wrap(bytes, 0, bytes.length);
            int offset = offsetOf(bytes, 5);
            assertEquals(view.extensionOffset(5), offset, "two-byte form: " + twoByte);
            assertEquals(0xABCD, ((bytes[offset] & 0xFF) << 8) | (bytes[offset + 1] & 0xFF));
        }
    }

    @Test
    void absentElementOrNoExtension_isNotFound() {
        assertEquals(TransportSequenceExtension.NOT_FOUND, offsetOf(packet(new RtpPacketWriter()), 5));
        assertEquals(TransportSequenceExtension.NOT_FOUND,
                offsetOf(packet(new RtpPacketWriter().addTransportSequenceNumber(4, 1)), 5));
    }

    /** Random bytes and corrupted real packets: never an exception, any offset found lies inside the packet. */
    @Test
    void hostileBytes_neverThrow_andStayInBounds() {
        long seed = 0xE87E5L;
        SplittableRandom random = new SplittableRandom(seed);
        byte[] valid = packet(new RtpPacketWriter().addTransportSequenceNumber(5, 9));
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes;
            if (i % 2 == 0) {
                bytes = new byte[random.nextInt(0, 64)];
                random.nextBytes(bytes);
            } else {
                bytes = Arrays.copyOf(valid, random.nextInt(0, valid.length + 1));
                if (bytes.length > 0) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
            }
            int offset = offsetOf(bytes, 5);
            if (offset != TransportSequenceExtension.NOT_FOUND && offset + 2 > bytes.length) {
                throw new AssertionError("seed " + seed + ", case " + i + ": offset " + offset
                        + " outside " + bytes.length + " bytes");
            }
        }
    }
}
