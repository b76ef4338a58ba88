package io.smoothcast.transport.internal.control;

import io.smoothcast.transport.MediaKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes control messages (layout in PROTOCOL.md). Every datagram is untrusted:
 * {@link #decode} checks every length and range before it reads or allocates, never throws for
 * bad input and never reads outside {@code [readerIndex, writerIndex)}.
 *
 * <p>Header (12 bytes, network byte order):
 * <pre>
 *  0        1        2        3        4 .. 7       8 .. 9        10 .. 11
 *  marker   version  type     flags    request id   token length  body length
 * </pre>
 * followed by the token bytes, then the body. The datagram length must be exactly
 * 12 + token length + body length.
 *
 * <p>Stateless; all methods are thread-safe. Buffer ownership: {@link #decode} does not retain
 * or release its argument; {@link #encode(ByteBufAllocator, int, byte[], ControlMessage)}
 * returns a buffer the caller owns.
 */
public final class ControlCodec {

    /**
     * First byte of every control message. RFC 7983 leaves 4-15 unassigned (STUN 0-3, ZRTP
     * 16-19, DTLS 20-63, TURN channels 64-79, RTP/RTCP 128-191; RFC 9443 gives 64-127 and
     * 192-255 to QUIC), so a value there never collides with the standard protocols.
     */
    public static final int MARKER = 0x0A;

    /** The protocol version this codec speaks. */
    public static final int VERSION = 1;

    /** Header size, in bytes. */
    public static final int HEADER_LENGTH = 12;

    /** Longest token section, in bytes. */
    public static final int MAX_TOKEN_LENGTH = 512;

    /** Longest body, in bytes (keeps a control datagram under a 1280-byte IPv6 minimum MTU). */
    public static final int MAX_BODY_LENGTH = 1200;

    /**
     * Header flag reserved for the security work: the body is sealed (encrypted and
     * authenticated). Version 1 decoders reject it with {@link DecodeError#UNSUPPORTED_FLAGS}.
     */
    public static final int FLAG_SEALED = 0x01;

    private static final int KNOWN_FLAGS = 0;
    private static final byte[] NO_TOKEN = new byte[0];
    private static final int HELLO_BODY_LENGTH = 24;

    private ControlCodec() {
    }

    /**
     * Whether the first byte of a datagram marks a control message.
     *
     * @param firstByte the first byte, 0-255
     * @return true if it equals {@link #MARKER}
     */
    public static boolean isControl(int firstByte) {
        return firstByte == MARKER;
    }

    /**
     * Encodes a message into a new buffer from {@code allocator}.
     *
     * @param allocator where the buffer comes from
     * @param requestId the request id (replies echo the request's)
     * @param token the token section, empty for none; at most {@link #MAX_TOKEN_LENGTH} bytes
     * @param message the message
     * @return a buffer holding the datagram; the caller owns it (and releases it, or hands it
     *     to Netty, which releases it after writing)
     * @throws IllegalArgumentException if the token or the encoded body is too long
     */
    public static ByteBuf encode(ByteBufAllocator allocator, int requestId, byte[] token, ControlMessage message) {
        ByteBuf out = allocator.buffer(HEADER_LENGTH + token.length + 64);
        try {
            encode(out, requestId, token, message);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /**
     * Appends an encoded message to {@code out} at its writer index.
     *
     * @param out the destination; grows as needed
     * @param requestId the request id
     * @param token the token section, empty for none
     * @param message the message
     * @return the number of bytes written
     * @throws IllegalArgumentException if the token or the encoded body is too long
     */
    public static int encode(ByteBuf out, int requestId, byte[] token, ControlMessage message) {
        if (token.length > MAX_TOKEN_LENGTH) {
            throw new IllegalArgumentException("token must be at most " + MAX_TOKEN_LENGTH + " bytes: " + token.length);
        }
        int start = out.writerIndex();
        out.writeByte(MARKER);
        out.writeByte(VERSION);
        out.writeByte(message.type());
        out.writeByte(0);
        out.writeInt(requestId);
        out.writeShort(token.length);
        int bodyLengthIndex = out.writerIndex();
        out.writeShort(0);
        out.writeBytes(token);
        int bodyStart = out.writerIndex();
        writeBody(out, message);
        int bodyLength = out.writerIndex() - bodyStart;
        if (bodyLength > MAX_BODY_LENGTH) {
            out.writerIndex(start);
            throw new IllegalArgumentException("encoded body is " + bodyLength + " bytes, limit " + MAX_BODY_LENGTH);
        }
        out.setShort(bodyLengthIndex, bodyLength);
        return out.writerIndex() - start;
    }

    private static void writeBody(ByteBuf out, ControlMessage message) {
        if (message instanceof ControlMessage.Hello m) {
            out.writeLong(m.sessionId());
            out.writeShort(m.keepaliveIntervalMs());
            out.writeZero(HELLO_BODY_LENGTH - 10);
        } else if (message instanceof ControlMessage.HelloAck m) {
            out.writeLong(m.sessionId());
            out.writeShort(m.keepaliveIntervalMs());
            out.writeShort(m.sessionTimeoutMs());
            out.writeInt(m.nodeId());
            writeCookie(out, m.cookie());
        } else if (message instanceof ControlMessage.Publish m) {
            writeStreamId(out, m.streamId());
            writeTracks(out, m.tracks());
            writeCookie(out, m.cookie());
        } else if (message instanceof ControlMessage.PublishAck m) {
            writeStreamId(out, m.streamId());
        } else if (message instanceof ControlMessage.Subscribe m) {
            writeStreamId(out, m.streamId());
            out.writeByte(m.maxSimulcastLayer());
            out.writeInt(m.maxBitrateBps());
            writeCookie(out, m.cookie());
        } else if (message instanceof ControlMessage.SubscribeAck m) {
            writeStreamId(out, m.streamId());
            writeTracks(out, m.tracks());
        } else if (message instanceof ControlMessage.StreamInfo m) {
            writeStreamId(out, m.streamId());
            writeTracks(out, m.tracks());
        } else if (message instanceof ControlMessage.Keepalive m) {
            out.writeInt(m.sequence());
            writeCookie(out, m.cookie());
        } else if (message instanceof ControlMessage.KeepaliveAck m) {
            out.writeInt(m.sequence());
        } else if (message instanceof ControlMessage.Probe m) {
            out.writeInt(m.sequence());
            out.writeLong(m.sendTimeNs());
            out.writeZero(m.paddingLength());
        } else if (message instanceof ControlMessage.ProbeReply m) {
            out.writeInt(m.sequence());
            out.writeLong(m.echoedSendTimeNs());
            out.writeInt(m.probeLength());
        } else if (message instanceof ControlMessage.Leave m) {
            out.writeByte(m.streamId().length());
            out.writeCharSequence(m.streamId(), StandardCharsets.US_ASCII);
            writeCookie(out, m.cookie());
        } else if (message instanceof ControlMessage.Error m) {
            out.writeShort(m.code());
            out.writeByte(m.failedType());
            byte[] reason = truncateUtf8(m.reason(), ControlMessage.MAX_REASON_LENGTH);
            out.writeByte(reason.length);
            out.writeBytes(reason);
        } else if (message instanceof ControlMessage.LoadRequest) {
            out.writeZero(ControlMessage.LoadRequest.BODY_LENGTH);
        } else if (message instanceof ControlMessage.LoadReport m) {
            out.writeInt(m.publishers());
            out.writeInt(m.subscribers());
            out.writeInt(m.streams());
            out.writeInt(m.packetsPerSecond());
            out.writeLong(m.bitsPerSecond());
        } else if (message instanceof ControlMessage.MembersRequest m) {
            out.writeZero(m.paddingLength());
        } else if (message instanceof ControlMessage.MembersReport m) {
            out.writeByte(m.members().size());
            for (io.smoothcast.transport.NodeInfo member : m.members()) {
                byte[] ip = member.address().getAddress().getAddress();
                out.writeByte(ip.length == 4 ? 4 : 6);
                out.writeBytes(ip);
                out.writeShort(member.address().getPort());
                out.writeByte(member.region().length());
                out.writeCharSequence(member.region(), StandardCharsets.US_ASCII);
            }
        } else {
            throw new IllegalArgumentException("unknown message: " + message);
        }
    }

    private static void writeStreamId(ByteBuf out, String streamId) {
        out.writeByte(streamId.length());
        out.writeCharSequence(streamId, StandardCharsets.US_ASCII);
    }

    private static void writeTracks(ByteBuf out, List<Track> tracks) {
        out.writeByte(tracks.size());
        for (Track t : tracks) {
            out.writeInt(t.ssrc());
            out.writeInt(t.rtxSsrc());
            out.writeByte(t.payloadType());
            out.writeByte(t.hasRtx() ? t.rtxPayloadType() : 0);
            out.writeByte(t.kind().value());
            out.writeByte(t.simulcastLayer());
            out.writeInt(t.clockRateHz());
            out.writeInt(t.bitrateBps());
        }
    }

    /** Cuts a string to at most {@code maxBytes} of UTF-8 without splitting a character. */
    static byte[] truncateUtf8(String s, int maxBytes) {
        byte[] all = s.getBytes(StandardCharsets.UTF_8);
        if (all.length <= maxBytes) {
            return all;
        }
        int end = maxBytes;
        while (end > 0 && (all[end] & 0xC0) == 0x80) {
            end--; // all[end] is a continuation byte: the character starting before it does not fit
        }
        byte[] cut = new byte[end];
        System.arraycopy(all, 0, cut, 0, end);
        return cut;
    }

    /**
     * Decodes the readable bytes of {@code datagram} as one control message. Does not move the
     * reader index, retain or release the buffer.
     *
     * @param datagram the whole UDP payload
     * @return the message, or a shared rejection naming why it was refused; never null
     */
    public static DecodeResult decode(ByteBuf datagram) {
        int base = datagram.readerIndex();
        int length = datagram.readableBytes();
        if (length < HEADER_LENGTH) {
            return DecodeResult.rejected(DecodeError.TRUNCATED_HEADER);
        }
        if (datagram.getUnsignedByte(base) != MARKER) {
            return DecodeResult.rejected(DecodeError.NOT_CONTROL);
        }
        if (datagram.getUnsignedByte(base + 1) != VERSION) {
            return DecodeResult.rejected(DecodeError.UNSUPPORTED_VERSION);
        }
        int type = datagram.getUnsignedByte(base + 2);
        if ((datagram.getUnsignedByte(base + 3) & ~KNOWN_FLAGS) != 0) {
            return DecodeResult.rejected(DecodeError.UNSUPPORTED_FLAGS);
        }
        int requestId = datagram.getInt(base + 4);
        int tokenLength = datagram.getUnsignedShort(base + 8);
        int bodyLength = datagram.getUnsignedShort(base + 10);
        if (tokenLength > MAX_TOKEN_LENGTH) {
            return DecodeResult.rejected(DecodeError.TOKEN_TOO_LONG);
        }
        if (HEADER_LENGTH + tokenLength + bodyLength != length || bodyLength > MAX_BODY_LENGTH) {
            return DecodeResult.rejected(DecodeError.LENGTH_MISMATCH);
        }
        BodyReader body = new BodyReader(datagram, base + HEADER_LENGTH + tokenLength, bodyLength);
        ControlMessage message;
        switch (type) {
            case ControlMessage.HELLO -> message = decodeHello(body);
            case ControlMessage.HELLO_ACK -> message = decodeHelloAck(body);
            case ControlMessage.PUBLISH -> message = decodePublish(body);
            case ControlMessage.PUBLISH_ACK -> message = decodePublishAck(body);
            case ControlMessage.SUBSCRIBE -> message = decodeSubscribe(body);
            case ControlMessage.SUBSCRIBE_ACK, ControlMessage.STREAM_INFO -> message = decodeStreamTracks(body, type);
            case ControlMessage.KEEPALIVE -> message = body.has(4)
                    ? new ControlMessage.Keepalive(body.int32(), readCookie(body)) : null;
            case ControlMessage.KEEPALIVE_ACK -> message = body.has(4) ? new ControlMessage.KeepaliveAck(body.int32()) : null;
            case ControlMessage.PROBE -> message = decodeProbe(body);
            case ControlMessage.PROBE_REPLY -> message = body.has(16)
                    ? new ControlMessage.ProbeReply(body.int32(), body.int64(), body.int32()) : null;
            case ControlMessage.LEAVE -> message = decodeLeave(body);
            case ControlMessage.ERROR -> message = decodeError(body);
            case ControlMessage.LOAD_REQUEST -> message = body.has(ControlMessage.LoadRequest.BODY_LENGTH)
                    ? new ControlMessage.LoadRequest() : null;
            case ControlMessage.LOAD_REPORT -> message = decodeLoadReport(body);
            case ControlMessage.MEMBERS_REQUEST -> message = body.has(ControlMessage.MembersRequest.MIN_BODY_LENGTH)
                    ? new ControlMessage.MembersRequest(body.remaining()) : null;
            case ControlMessage.MEMBERS_REPORT -> message = decodeMembersReport(body);
            default -> {
                return DecodeResult.rejected(DecodeError.UNKNOWN_TYPE);
            }
        }
        if (message == null) {
            return DecodeResult.rejected(DecodeError.BAD_BODY);
        }
        byte[] token = NO_TOKEN;
        if (tokenLength > 0) {
            token = new byte[tokenLength];
            datagram.getBytes(base + HEADER_LENGTH, token);
        }
        return DecodeResult.accepted(requestId, token, message);
    }

    // Each decodeX returns null when the body is too short or a field is out of range. Bodies
    // may carry trailing bytes (room for fields a later minor revision appends); they are ignored.

    /** The cookie is appended only when there is one (0 = none), so requests without one keep their size. */
    private static void writeCookie(ByteBuf out, long cookie) {
        if (cookie != 0) {
            out.writeLong(cookie);
        }
    }

    /** An appended cookie, or 0 when fewer than 8 bytes follow the known fields. */
    private static long readCookie(BodyReader body) {
        return body.has(8) ? body.int64() : 0;
    }

    private static ControlMessage decodeHello(BodyReader body) {
        if (!body.has(HELLO_BODY_LENGTH)) {
            return null;
        }
        long sessionId = body.int64();
        int keepaliveMs = body.uint16();
        return keepaliveMs == 0 ? null : new ControlMessage.Hello(sessionId, keepaliveMs);
    }

    private static ControlMessage decodeHelloAck(BodyReader body) {
        if (!body.has(16)) {
            return null;
        }
        long sessionId = body.int64();
        int keepaliveMs = body.uint16();
        int timeoutMs = body.uint16();
        int nodeId = body.int32();
        return keepaliveMs == 0 || timeoutMs == 0 ? null
                : new ControlMessage.HelloAck(sessionId, keepaliveMs, timeoutMs, nodeId, readCookie(body));
    }

    private static ControlMessage decodePublish(BodyReader body) {
        String streamId = body.streamId(false);
        if (streamId == null) {
            return null;
        }
        List<Track> tracks = body.tracks(1);
        return tracks == null ? null : new ControlMessage.Publish(streamId, tracks, readCookie(body));
    }

    private static ControlMessage decodePublishAck(BodyReader body) {
        String streamId = body.streamId(false);
        return streamId == null ? null : new ControlMessage.PublishAck(streamId);
    }

    private static ControlMessage decodeSubscribe(BodyReader body) {
        String streamId = body.streamId(false);
        if (streamId == null || !body.has(5)) {
            return null;
        }
        int maxLayer = body.uint8();
        int maxBitrateBps = body.int32();
        if (maxLayer > Track.MAX_SIMULCAST_LAYER || maxBitrateBps < 0) {
            return null;
        }
        return new ControlMessage.Subscribe(streamId, maxLayer, maxBitrateBps, readCookie(body));
    }

    private static ControlMessage decodeStreamTracks(BodyReader body, int type) {
        String streamId = body.streamId(false);
        if (streamId == null) {
            return null;
        }
        List<Track> tracks = body.tracks(0);
        if (tracks == null) {
            return null;
        }
        return type == ControlMessage.SUBSCRIBE_ACK
                ? new ControlMessage.SubscribeAck(streamId, tracks)
                : new ControlMessage.StreamInfo(streamId, tracks);
    }

    private static ControlMessage decodeProbe(BodyReader body) {
        if (!body.has(12 + ControlMessage.Probe.MIN_PADDING)) {
            return null;
        }
        int sequence = body.int32();
        long sendTimeNs = body.int64();
        return new ControlMessage.Probe(sequence, sendTimeNs, body.remaining());
    }

    private static ControlMessage decodeLeave(BodyReader body) {
        String streamId = body.streamId(true);
        return streamId == null ? null : new ControlMessage.Leave(streamId, readCookie(body));
    }

    private static ControlMessage decodeError(BodyReader body) {
        if (!body.has(4)) {
            return null;
        }
        int code = body.uint16();
        int failedType = body.uint8();
        int reasonLength = body.uint8();
        if (reasonLength > ControlMessage.MAX_REASON_LENGTH || !body.has(reasonLength)) {
            return null;
        }
        return new ControlMessage.Error(code, failedType, body.utf8(reasonLength));
    }

    private static ControlMessage decodeLoadReport(BodyReader body) {
        if (!body.has(24)) {
            return null;
        }
        int publishers = body.int32();
        int subscribers = body.int32();
        int streams = body.int32();
        int pps = body.int32();
        long bps = body.int64();
        if (publishers < 0 || subscribers < 0 || streams < 0 || pps < 0 || bps < 0) {
            return null;
        }
        return new ControlMessage.LoadReport(publishers, subscribers, streams, pps, bps);
    }

    /** Bounds-checked cursor over a body; every read is preceded by a {@link #has} check. */
    private static ControlMessage decodeMembersReport(BodyReader body) {
        if (!body.has(1)) {
            return null;
        }
        int count = body.uint8();
        if (count > ControlMessage.MembersReport.MAX_MEMBERS) {
            return null;
        }
        java.util.List<io.smoothcast.transport.NodeInfo> members = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (!body.has(1)) {
                return null;
            }
            int family = body.uint8();
            int ipLength = family == 4 ? 4 : family == 6 ? 16 : -1;
            if (ipLength < 0 || !body.has(ipLength + 3)) {
                return null;
            }
            byte[] ip = body.bytes(ipLength);
            int port = body.uint16();
            int regionLength = body.uint8();
            if (port == 0 || regionLength > io.smoothcast.transport.NodeInfo.MAX_REGION_LENGTH || !body.has(regionLength)) {
                return null;
            }
            String region = body.ascii(regionLength);
            if (!io.smoothcast.transport.NodeInfo.isValidRegion(region)) {
                return null;
            }
            try {
                // getByAddress never resolves names: no DNS lookup for untrusted bytes.
                members.add(new io.smoothcast.transport.NodeInfo(
                        new java.net.InetSocketAddress(java.net.InetAddress.getByAddress(ip), port), region));
            } catch (java.net.UnknownHostException e) {
                return null;
            }
        }
        return new ControlMessage.MembersReport(members);
    }

    private static final class BodyReader {
        private final ByteBuf buf;
        private final int end;
        private int index;

        BodyReader(ByteBuf buf, int start, int length) {
            this.buf = buf;
            this.index = start;
            this.end = start + length;
        }

        boolean has(int bytes) {
            return end - index >= bytes;
        }

        int remaining() {
            return end - index;
        }

        int uint8() {
            return buf.getUnsignedByte(index++);
        }

        int uint16() {
            int v = buf.getUnsignedShort(index);
            index += 2;
            return v;
        }

        int int32() {
            int v = buf.getInt(index);
            index += 4;
            return v;
        }

        long int64() {
            long v = buf.getLong(index);
            index += 8;
            return v;
        }

        byte[] bytes(int length) {
            byte[] b = new byte[length];
            buf.getBytes(index, b);
            index += length;
            return b;
        }

        String ascii(int length) {
            String s = buf.toString(index, length, StandardCharsets.US_ASCII);
            index += length;
            return s;
        }

        String utf8(int length) {
            String s = buf.toString(index, length, StandardCharsets.UTF_8);
            index += length;
            return s;
        }

        /** Reads a length-prefixed stream id; null if truncated or not a valid id. */
        String streamId(boolean allowEmpty) {
            if (!has(1)) {
                return null;
            }
            int length = uint8();
            if (length > StreamIds.MAX_LENGTH || (length == 0 && !allowEmpty) || !has(length)) {
                return null;
            }
            for (int i = 0; i < length; i++) {
                if (!StreamIds.isAllowed(buf.getUnsignedByte(index + i))) {
                    return null;
                }
            }
            String s = buf.toString(index, length, StandardCharsets.US_ASCII);
            index += length;
            return s;
        }

        /** Reads a counted track list; null if truncated, out of range or SSRCs repeat. */
        List<Track> tracks(int min) {
            if (!has(1)) {
                return null;
            }
            int count = uint8();
            if (count < min || count > ControlMessage.MAX_TRACKS || !has(count * Track.WIRE_LENGTH)) {
                return null;
            }
            List<Track> tracks = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int ssrc = int32();
                int rtxSsrc = int32();
                int pt = uint8();
                int rtxPt = uint8();
                MediaKind kind = MediaKind.fromValue(uint8());
                int layer = uint8();
                int clockRateHz = int32();
                int bitrateBps = int32();
                if (!Track.isValidPayloadType(pt) || (rtxSsrc != 0 && !Track.isValidPayloadType(rtxPt))
                        || kind == null || layer > Track.MAX_SIMULCAST_LAYER || clockRateHz <= 0 || bitrateBps < 0) {
                    return null;
                }
                for (Track earlier : tracks) {
                    if (earlier.ssrc() == ssrc) {
                        return null;
                    }
                }
                tracks.add(new Track(ssrc, rtxSsrc, pt, rtxPt, kind, layer, clockRateHz, bitrateBps));
            }
            return tracks;
        }
    }
}
