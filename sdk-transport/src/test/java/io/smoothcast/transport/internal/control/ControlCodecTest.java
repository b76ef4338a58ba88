package io.smoothcast.transport.internal.control;

import io.smoothcast.transport.MediaKind;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ControlCodecTest {

    private static final Track VIDEO_HIGH = new Track(0x11111111, 0x11111112, 96, 97, MediaKind.VIDEO, 2, 90_000, 2_500_000);
    private static final Track VIDEO_LOW = new Track(0x22222222, 0x22222223, 96, 97, MediaKind.VIDEO, 0, 90_000, 300_000);
    private static final Track AUDIO = new Track(0x33333333, 0, 111, 0, MediaKind.AUDIO, 0, 48_000, 64_000);

    static List<ControlMessage> oneOfEach() {
        return List.of(
                new ControlMessage.Hello(0x0123456789ABCDEFL, 500),
                new ControlMessage.HelloAck(-7L, 500, 5000, 0xCAFEBABE),
                new ControlMessage.Publish("show-1", List.of(VIDEO_HIGH, VIDEO_LOW, AUDIO)),
                new ControlMessage.PublishAck("show-1"),
                new ControlMessage.Subscribe("show-1", 1, 1_500_000),
                new ControlMessage.SubscribeAck("show-1", List.of(AUDIO)),
                new ControlMessage.SubscribeAck("show-1", List.of()),
                new ControlMessage.StreamInfo("a.b_c~d-E9", List.of(VIDEO_LOW)),
                new ControlMessage.Keepalive(-1),
                new ControlMessage.Keepalive(7, 0x1234_5678_9abcL),
                new ControlMessage.KeepaliveAck(42),
                new ControlMessage.Probe(3, 123_456_789_000L, 1000),
                new ControlMessage.ProbeReply(3, 123_456_789_000L, 1028),
                new ControlMessage.Leave("show-1"),
                new ControlMessage.Leave("show-1", 0x1234_5678_9abcL),
                new ControlMessage.Leave(""),
                new ControlMessage.Error(ErrorCode.STREAM_NOT_FOUND, ControlMessage.SUBSCRIBE, "no such stream"),
                new ControlMessage.Error(65000, 0xFF, ""),
                new ControlMessage.LoadRequest(),
                new ControlMessage.LoadReport(1, 200, 1, 40_000, 48_000_000_000L));
    }

    private static byte[] encode(int requestId, byte[] token, ControlMessage message) {
        return ControlBytes.encode(requestId, token, message);
    }

    private static DecodeResult decode(byte[] bytes) {
        return ControlBytes.decode(bytes);
    }

    @Test
    void everyMessage_roundTrips_withRequestIdAndToken() {
        byte[] token = "opaque-token".getBytes(StandardCharsets.US_ASCII);
        int requestId = 1;
        for (ControlMessage message : oneOfEach()) {
            for (byte[] t : List.of(new byte[0], token)) {
                DecodeResult result = decode(encode(requestId, t, message));
                assertTrue(result.ok(), () -> message + " rejected: " + result.error());
                assertEquals(message, result.message());
                assertEquals(requestId, result.requestId());
                assertArrayEquals(t, result.token());
                requestId *= 7;
            }
        }
    }

    @Test
    void returnRoutabilityCookies_roundTrip_andHelloIsNeverSmallerThanItsAck() {
        long cookie = 0x0102030405060708L;
        Track track = new Track(1, 2, 96, 97, io.smoothcast.transport.MediaKind.VIDEO, 0, 90_000, 1_000_000);
        List<ControlMessage> withCookies = List.of(
                new ControlMessage.HelloAck(5, 500, 5000, 9, cookie),
                new ControlMessage.Publish("s", List.of(track)).withCookie(cookie),
                new ControlMessage.Subscribe("s", 1, 0).withCookie(cookie));
        for (ControlMessage message : withCookies) {
            byte[] withCookie = encode(1, new byte[0], message);
            assertEquals(message, decode(withCookie).message());
        }
        assertEquals(0, ((ControlMessage.Subscribe) decode(encode(1, new byte[0],
                new ControlMessage.Subscribe("s", 1, 0))).message()).cookie(), "no cookie: 0");
        int hello = encode(1, new byte[0], new ControlMessage.Hello(5, 500)).length;
        int ack = encode(1, new byte[0], new ControlMessage.HelloAck(5, 500, 5000, 9, cookie)).length;
        assertTrue(ack <= hello, "HELLO_ACK " + ack + " > HELLO " + hello);
    }

    @Test
    void header_isLaidOutAsDocumented() {
        byte[] bytes = encode(0x01020304, new byte[] {9, 9}, new ControlMessage.Keepalive(0x0A0B0C0D));
        assertArrayEquals(new byte[] {
                0x0A, 1, 0x04, 0, 1, 2, 3, 4, 0, 2, 0, 4, 9, 9, 0x0A, 0x0B, 0x0C, 0x0D}, bytes);
    }

    @Test
    void replies_areNeverLargerThanTheirUnauthenticatedRequests() {
        assertTrue(encode(0, new byte[0], new ControlMessage.HelloAck(1, 65535, 65535, 1)).length
                <= encode(0, new byte[0], new ControlMessage.Hello(1, 1)).length);
        assertTrue(encode(0, new byte[0], new ControlMessage.ProbeReply(1, 1, 1)).length
                <= encode(0, new byte[0], new ControlMessage.Probe(1, 1, ControlMessage.Probe.MIN_PADDING)).length);
        assertTrue(encode(0, new byte[0], new ControlMessage.LoadReport(1, 1, 1, 1, 1)).length
                <= encode(0, new byte[0], new ControlMessage.LoadRequest()).length);
        assertTrue(encode(0, new byte[0], new ControlMessage.KeepaliveAck(1)).length
                <= encode(0, new byte[0], new ControlMessage.Keepalive(1)).length);
    }

    @Test
    void everyTruncation_ofEveryMessage_isRejectedNotThrown() {
        for (ControlMessage message : oneOfEach()) {
            byte[] full = encode(5, new byte[] {1, 2, 3}, message);
            for (int length = 0; length < full.length; length++) {
                byte[] cut = Arrays.copyOf(full, length);
                DecodeResult result = decode(cut);
                assertNull(result.message(), message + " cut to " + length);
                assertNotNull(result.error());
            }
        }
    }

    @Test
    void trailingByteAfterTheBody_isALengthMismatch() {
        byte[] full = encode(5, new byte[0], new ControlMessage.Keepalive(1));
        byte[] longer = Arrays.copyOf(full, full.length + 1);
        assertEquals(DecodeError.LENGTH_MISMATCH, decode(longer).error());
    }

    @Test
    void wrongMarkerVersionFlagsOrType_areRejectedWithTheirReason() {
        byte[] good = encode(5, new byte[0], new ControlMessage.Keepalive(1));
        assertEquals(DecodeError.NOT_CONTROL, decode(with(good, 0, 0x80)).error());
        assertEquals(DecodeError.UNSUPPORTED_VERSION, decode(with(good, 1, 2)).error());
        assertEquals(DecodeError.UNSUPPORTED_FLAGS, decode(with(good, 3, ControlCodec.FLAG_SEALED)).error());
        assertEquals(DecodeError.UNKNOWN_TYPE, decode(with(good, 2, 0x7F)).error());
        assertEquals(DecodeError.TRUNCATED_HEADER, decode(new byte[0]).error());
    }

    @Test
    void tokenLongerThanTheLimit_isRejectedBeforeAnyAllocation() {
        byte[] header = {0x0A, 1, 0x04, 0, 0, 0, 0, 0, (byte) 0x02, 0x01, 0, 4};
        assertEquals(DecodeError.TOKEN_TOO_LONG, decode(header).error());
        assertThrows(IllegalArgumentException.class,
                () -> encode(1, new byte[ControlCodec.MAX_TOKEN_LENGTH + 1], new ControlMessage.Keepalive(1)));
    }

    @Test
    void streamIdWithForbiddenCharacter_isABadBody() {
        byte[] good = encode(5, new byte[0], new ControlMessage.PublishAck("abc"));
        int firstIdByte = ControlCodec.HEADER_LENGTH + 1;
        assertEquals(DecodeError.BAD_BODY, decode(with(good, firstIdByte, '/')).error());
        assertEquals(DecodeError.BAD_BODY, decode(with(good, firstIdByte, 0xC3)).error());
        assertEquals(DecodeError.BAD_BODY, decode(with(good, ControlCodec.HEADER_LENGTH, 0)).error());
    }

    @Test
    void trackFieldsOutOfRange_areBadBodies() {
        byte[] good = encode(5, new byte[0], new ControlMessage.Publish("s", List.of(VIDEO_HIGH, VIDEO_LOW)));
        int track0 = ControlCodec.HEADER_LENGTH + 2 + 1;
        assertEquals(DecodeError.BAD_BODY, decode(with(good, track0 + 8, 72)).error(), "payload type colliding with RTCP");
        assertEquals(DecodeError.BAD_BODY, decode(with(good, track0 + 9, 200)).error(), "rtx payload type");
        assertEquals(DecodeError.BAD_BODY, decode(with(good, track0 + 10, 3)).error(), "kind");
        assertEquals(DecodeError.BAD_BODY, decode(with(good, track0 + 11, 3)).error(), "layer");
        assertEquals(DecodeError.BAD_BODY, decode(with(good, track0 + 12, 0x80)).error(), "negative clock rate");
        byte[] duplicateSsrc = good.clone();
        System.arraycopy(good, track0, duplicateSsrc, track0 + Track.WIRE_LENGTH, 4);
        assertEquals(DecodeError.BAD_BODY, decode(duplicateSsrc).error());
        byte[] tooManyTracks = with(good, track0 - 1, ControlMessage.MAX_TRACKS + 1);
        assertEquals(DecodeError.BAD_BODY, decode(tooManyTracks).error());
    }

    @Test
    void paddedRequestsShorterThanTheirReplies_areBadBodies() {
        byte[] probe = encode(5, new byte[0], new ControlMessage.Probe(1, 1, ControlMessage.Probe.MIN_PADDING));
        assertEquals(DecodeError.BAD_BODY, decode(shrinkBody(probe, 1)).error());
        byte[] hello = encode(5, new byte[0], new ControlMessage.Hello(1, 100));
        assertEquals(DecodeError.BAD_BODY, decode(shrinkBody(hello, 1)).error());
        byte[] load = encode(5, new byte[0], new ControlMessage.LoadRequest());
        assertEquals(DecodeError.BAD_BODY, decode(shrinkBody(load, 1)).error());
    }

    @Test
    void errorReason_isCutAtACharacterBoundary() {
        String reason = "é".repeat(150); // 300 bytes of UTF-8
        byte[] bytes = encode(5, new byte[0], new ControlMessage.Error(ErrorCode.INTERNAL, 1, reason));
        ControlMessage.Error decoded = (ControlMessage.Error) decode(bytes).message();
        assertEquals("é".repeat(100), decoded.reason());
        assertEquals(ErrorCode.INTERNAL, decoded.knownCode());
        assertNull(new ControlMessage.Error(65000, 1, "").knownCode());
    }

    @Test
    void encoderRejectsBodiesOverTheLimit_andLeavesTheBufferAsItWas() {
        ByteBuf out = Unpooled.buffer();
        out.writeByte(1);
        assertThrows(IllegalArgumentException.class, () -> ControlCodec.encode(out, 1, new byte[0],
                new ControlMessage.Probe(1, 1, ControlCodec.MAX_BODY_LENGTH - 12 + 1)));
        assertEquals(1, out.writerIndex());
    }

    @Test
    void recordsRejectBadArguments_namingTheArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ControlMessage.Subscribe("bad id", 0, 0));
        assertTrue(e.getMessage().contains("streamId"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Track(1, 0, 80, 0, MediaKind.VIDEO, 0, 90_000, 0));
        assertTrue(e.getMessage().contains("payloadType"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new ControlMessage.Publish("s", List.of(AUDIO, AUDIO)));
        assertTrue(e.getMessage().contains("SSRC"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ControlMessage.Hello(1, 0));
    }

    @Test
    void randomBytes_neverThrow_andRejectionsAreSharedConstants() {
        long seed = 0x5EEDL;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(0, 300)];
            random.nextBytes(bytes);
            if (bytes.length > 0 && random.nextBoolean()) {
                bytes[0] = (byte) ControlCodec.MARKER; // get past the first check often
                if (bytes.length > 1) {
                    bytes[1] = ControlCodec.VERSION;
                }
            }
            int iteration = i;
            DecodeResult result = decodeWithoutThrowing(bytes, seed, iteration);
            if (!result.ok()) {
                assertTrue(result == ControlCodec.decode(Unpooled.wrappedBuffer(bytes)),
                        "rejections are shared constants (seed " + seed + ", iteration " + i + ")");
            }
        }
    }

    @Test
    void bitFlipsOfValidMessages_neverThrow() {
        long seed = 0xF11BL;
        SplittableRandom random = new SplittableRandom(seed);
        List<ControlMessage> messages = oneOfEach();
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = encode(i, new byte[random.nextInt(0, 3)], messages.get(random.nextInt(messages.size())));
            int flips = random.nextInt(1, 4);
            for (int f = 0; f < flips; f++) {
                bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
            }
            DecodeResult result = decodeWithoutThrowing(bytes, seed, i);
            if (result.ok()) {
                // whatever survived the flips must re-encode to the same bytes' meaning
                DecodeResult again = decode(encode(result.requestId(), result.token(), result.message()));
                assertEquals(result.message(), again.message(), "seed " + seed + ", iteration " + i);
            }
        }
    }

    private static DecodeResult decodeWithoutThrowing(byte[] bytes, long seed, int iteration) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        int readerIndex = buf.readerIndex();
        try {
            DecodeResult result = ControlCodec.decode(buf);
            assertNotNull(result);
            assertEquals(readerIndex, buf.readerIndex(), "decode must not move the reader index");
            return result;
        } catch (RuntimeException e) {
            throw new AssertionError("decode threw for seed " + seed + ", iteration " + iteration
                    + ", bytes " + ByteBufUtil.hexDump(bytes), e);
        }
    }

    private static byte[] with(byte[] bytes, int index, int value) {
        byte[] copy = bytes.clone();
        copy[index] = (byte) value;
        return copy;
    }

    /** Removes the body's last {@code bytes} bytes and fixes the body length in the header. */
    private static byte[] shrinkBody(byte[] datagram, int bytes) {
        byte[] copy = Arrays.copyOf(datagram, datagram.length - bytes);
        int bodyLength = ((copy[10] & 0xFF) << 8 | (copy[11] & 0xFF)) - bytes;
        copy[10] = (byte) (bodyLength >> 8);
        copy[11] = (byte) bodyLength;
        return copy;
    }
}
