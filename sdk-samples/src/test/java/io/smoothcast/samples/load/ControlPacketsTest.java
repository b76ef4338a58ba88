package io.smoothcast.samples.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.smoothcast.transport.internal.control.ControlCodec;
import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The byte layouts of PROTOCOL.md sections 2 and 3, checked field by field. */
class ControlPacketsTest {

    private final ByteBuffer out = ByteBuffer.allocate(256);

    @Test
    void hello_isAHeaderAndA24ByteBody() {
        ControlPackets.hello(out, 7, 0x1122334455667788L, 1000);
        assertEquals(36, out.remaining());
        assertEquals(0x0A, out.get(0));
        assertEquals(1, out.get(1));
        assertEquals(0x01, out.get(2));
        assertEquals(0, out.get(3));
        assertEquals(7, out.getInt(4));
        assertEquals(0, out.getShort(8), "no token");
        assertEquals(24, out.getShort(10));
        assertEquals(0x1122334455667788L, out.getLong(12));
        assertEquals(1000, out.getShort(20));
        assertEquals(ControlPackets.HELLO, ControlPackets.type(out));
    }

    @Test
    void subscribe_carriesStreamLayerCapAndCookie() {
        byte[] id = "show".getBytes(StandardCharsets.US_ASCII);
        ControlPackets.subscribe(out, 9, ControlPackets.NO_TOKEN, id, 2, 0xABCDEFL);
        assertEquals(12 + 1 + 4 + 1 + 4 + 8, out.remaining());
        assertEquals(0x03, out.get(2));
        assertEquals(4, out.get(12));
        assertEquals('s', out.get(13));
        assertEquals(2, out.get(17));
        assertEquals(0, out.getInt(18));
        assertEquals(0xABCDEFL, out.getLong(22));
        ControlPackets.subscribe(out, 9, ControlPackets.NO_TOKEN, id, 2, ControlPackets.NO_COOKIE);
        assertEquals(12 + 1 + 4 + 1 + 4, out.remaining(), "no cookie, no cookie field");
    }

    @Test
    void subscribe_withToken_putsItBetweenHeaderAndBody_asTheSdkCodecReadsIt() {
        byte[] id = "show".getBytes(StandardCharsets.US_ASCII);
        byte[] token = "k1.abc_DEF-123".getBytes(StandardCharsets.US_ASCII);
        ControlPackets.subscribe(out, 9, token, id, 2, 0xABCDEFL);
        assertEquals(12 + token.length + 1 + 4 + 1 + 4 + 8, out.remaining());
        assertEquals(token.length, out.getShort(8));
        assertEquals('k', out.get(12));
        assertEquals(4, out.get(12 + token.length), "the body starts after the token");
        assertEquals(ControlPackets.SUBSCRIBE, ControlPackets.type(out));
        byte[] bytes = new byte[out.remaining()];
        out.duplicate().get(bytes);
        DecodeResult decoded = ControlCodec.decode(Unpooled.wrappedBuffer(bytes));
        assertTrue(decoded.ok(), String.valueOf(decoded.error()));
        assertArrayEquals(token, decoded.token());
        assertEquals("show", ((ControlMessage.Subscribe) decoded.message()).streamId());
    }

    @Test
    void helloAck_cookieIsReadOnlyForOurSession() {
        ByteBuffer ack = ByteBuffer.allocate(36);
        ack.put((byte) 0x0A).put((byte) 1).put((byte) 0x81).put((byte) 0).putInt(3).putShort((short) 0)
                .putShort((short) 24).putLong(42L).putShort((short) 500).putShort((short) 5000).putInt(1)
                .putLong(0x5EC2E7L).flip();
        assertEquals(ControlPackets.HELLO_ACK, ControlPackets.type(ack));
        assertEquals(0x5EC2E7L, ControlPackets.helloAckCookie(ack, 42L));
        assertNull(ControlPackets.helloAckCookie(ack, 43L));
    }

    @Test
    void type_rejectsEveryDatagramWhoseLengthsDisagree() {
        SplittableRandom random = new SplittableRandom(99);
        for (int round = 0; round < 2000; round++) {
            byte[] bytes = new byte[random.nextInt(0, 64)];
            random.nextBytes(bytes);
            if (bytes.length > 0) {
                bytes[0] = 0x0A;
            }
            ByteBuffer d = ByteBuffer.wrap(bytes);
            int type = ControlPackets.type(d);
            if (type >= 0) {
                int declared = 12 + (d.getShort(8) & 0xFFFF) + (d.getShort(10) & 0xFFFF);
                assertEquals(bytes.length, declared, "seed 99 round " + round);
            }
        }
    }

    @Test
    void streamId_outsideTheAlphabet_isRefusedNamingTheArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ControlPackets.streamId("a b", "--stream"));
        assertTrue(e.getMessage().startsWith("--stream"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ControlPackets.streamId("", "--stream"));
        assertThrows(IllegalArgumentException.class, () -> ControlPackets.streamId("x".repeat(65), "--stream"));
    }
}
