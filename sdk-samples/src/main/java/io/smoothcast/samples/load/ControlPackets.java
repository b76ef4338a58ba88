package io.smoothcast.samples.load;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The few control messages of {@code PROTOCOL.md} (sections 2 and 3) a watching-only client
 * needs, written from the document: HELLO, SUBSCRIBE, KEEPALIVE and LEAVE out; HELLO_ACK,
 * SUBSCRIBE_ACK, KEEPALIVE_ACK and ERROR in. A separate implementation on purpose: a load
 * generator that shares the SDK's codec would not notice where the two disagree.
 *
 * <p>Stateless; thread-safe.
 */
final class ControlPackets {

    static final int MARKER = 0x0A;
    static final int VERSION = 1;
    static final int HEADER_BYTES = 12;
    static final int HELLO = 0x01;
    static final int SUBSCRIBE = 0x03;
    static final int KEEPALIVE = 0x04;
    static final int LEAVE = 0x06;
    static final int ERROR = 0x07;
    static final int HELLO_ACK = 0x81;
    static final int SUBSCRIBE_ACK = 0x83;
    static final int KEEPALIVE_ACK = 0x84;
    static final int STREAM_INFO = 0x09;
    /** ERROR code: the node has no session for this address (it restarted, or forgot us). */
    static final int NOT_JOINED = 20;
    /** Most bytes of a token (section 1). */
    static final int MAX_TOKEN_BYTES = 512;
    /** The token section of messages without a token. */
    static final byte[] NO_TOKEN = new byte[0];
    /** Cookie value meaning the node did not send one. */
    static final long NO_COOKIE = 0;

    private ControlPackets() {
    }

    private static void header(ByteBuffer out, int type, int requestId, int bodyBytes) {
        header(out, type, requestId, NO_TOKEN, bodyBytes);
    }

    /** The 12-byte header, then the token (section 1: between the header and the body). */
    private static void header(ByteBuffer out, int type, int requestId, byte[] token, int bodyBytes) {
        out.clear();
        out.put((byte) MARKER).put((byte) VERSION).put((byte) type).put((byte) 0).putInt(requestId)
                .putShort((short) token.length).putShort((short) bodyBytes).put(token);
    }

    /** HELLO: session id, keepalive interval, 14 bytes of padding (24-byte body). */
    static void hello(ByteBuffer out, int requestId, long sessionId, int keepaliveMs) {
        header(out, HELLO, requestId, 24);
        out.putLong(sessionId).putShort((short) keepaliveMs).put(new byte[14]);
        out.flip();
    }

    /**
     * SUBSCRIBE: the token (may be empty), then stream id, highest layer, no bitrate cap, the
     * HELLO_ACK's cookie if it had one.
     */
    static void subscribe(ByteBuffer out, int requestId, byte[] token, byte[] streamId, int maxLayer, long cookie) {
        int body = 1 + streamId.length + 1 + 4 + (cookie == NO_COOKIE ? 0 : 8);
        header(out, SUBSCRIBE, requestId, token, body);
        out.put((byte) streamId.length).put(streamId).put((byte) maxLayer).putInt(0);
        if (cookie != NO_COOKIE) {
            out.putLong(cookie);
        }
        out.flip();
    }

    /** KEEPALIVE with a sequence number. */
    static void keepalive(ByteBuffer out, int requestId, int sequence) {
        header(out, KEEPALIVE, requestId, 4);
        out.putInt(sequence);
        out.flip();
    }

    /** LEAVE of the whole session (empty stream id). */
    static void leave(ByteBuffer out, int requestId) {
        header(out, LEAVE, requestId, 1);
        out.put((byte) 0);
        out.flip();
    }

    /**
     * Checks a stream id against the alphabet of section 2.
     *
     * @return its ASCII bytes
     * @throws IllegalArgumentException naming {@code what} if it is not a valid stream id
     */
    static byte[] streamId(String id, String what) {
        if (id.isEmpty() || id.length() > 64 || !id.matches("[A-Za-z0-9._~-]+")) {
            throw new IllegalArgumentException(what + " must be 1-64 characters of A-Z a-z 0-9 . _ ~ -: " + id);
        }
        return id.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The type of a control datagram, after checking its header; -1 if it is not a well-formed
     * version 1 control message.
     */
    static int type(ByteBuffer in) {
        int length = in.remaining();
        if (length < HEADER_BYTES || (in.get(0) & 0xFF) != MARKER || in.get(1) != VERSION || in.get(3) != 0) {
            return -1;
        }
        int tokenBytes = in.getShort(8) & 0xFFFF;
        int bodyBytes = in.getShort(10) & 0xFFFF;
        return HEADER_BYTES + tokenBytes + bodyBytes == length ? in.get(2) & 0xFF : -1;
    }

    /** The request id of a well-formed control datagram. */
    static int requestId(ByteBuffer in) {
        return in.getInt(4);
    }

    private static int bodyStart(ByteBuffer in) {
        return HEADER_BYTES + (in.getShort(8) & 0xFFFF);
    }

    private static int bodyBytes(ByteBuffer in) {
        return in.getShort(10) & 0xFFFF;
    }

    /**
     * The cookie of a HELLO_ACK for {@code sessionId}: {@link #NO_COOKIE} if it has none, or
     * {@code null} if the body is too short or for another session.
     */
    static Long helloAckCookie(ByteBuffer in, long sessionId) {
        int start = bodyStart(in);
        int body = bodyBytes(in);
        if (body < 16 || in.getLong(start) != sessionId) {
            return null;
        }
        return body >= 24 ? in.getLong(start + 16) : NO_COOKIE;
    }

    /** The code of an ERROR, or -1 if the body is too short. */
    static int errorCode(ByteBuffer in) {
        return bodyBytes(in) < 3 ? -1 : in.getShort(bodyStart(in)) & 0xFFFF;
    }
}
