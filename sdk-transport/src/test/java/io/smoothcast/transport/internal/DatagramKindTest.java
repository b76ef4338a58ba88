package io.smoothcast.transport.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smoothcast.transport.internal.control.ControlCodec;
import org.junit.jupiter.api.Test;

class DatagramKindTest {

    private static DatagramKind kind(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return DatagramKind.classify(Unpooled.wrappedBuffer(b));
    }

    @Test
    void firstByteRanges_followRfc7983() {
        for (int first = 0; first < 256; first++) {
            DatagramKind expected;
            if (first <= 3) {
                expected = DatagramKind.STUN;
            } else if (first == ControlCodec.MARKER) {
                expected = DatagramKind.CONTROL;
            } else if (first >= 20 && first <= 63) {
                expected = DatagramKind.DTLS;
            } else if (first >= 128 && first <= 191) {
                expected = DatagramKind.RTP;
            } else {
                expected = DatagramKind.UNKNOWN;
            }
            assertEquals(expected, kind(first, 96), "first byte " + first);
        }
    }

    @Test
    void secondByte192To223_isRtcp_asRfc5761() {
        for (int second = 0; second < 256; second++) {
            DatagramKind expected = second >= 192 && second <= 223 ? DatagramKind.RTCP : DatagramKind.RTP;
            assertEquals(expected, kind(0x80, second), "second byte " + second);
        }
        assertEquals(DatagramKind.RTCP, kind(0x81, 205), "generic NACK");
        assertEquals(DatagramKind.RTP, kind(0x80, 0x80 | 96), "marker bit set, PT 96");
    }

    @Test
    void emptyAndOneByteDatagrams_areUnknown() {
        assertEquals(DatagramKind.UNKNOWN, kind());
        assertEquals(DatagramKind.UNKNOWN, kind(0x80));
    }

    @Test
    void classification_readsFromTheReaderIndex_withoutMovingIt() {
        ByteBuf buf = Unpooled.wrappedBuffer(new byte[] {0x00, (byte) 0x80, (byte) 200});
        buf.readerIndex(1);
        assertEquals(DatagramKind.RTCP, DatagramKind.classify(buf));
        assertEquals(1, buf.readerIndex());
    }
}
