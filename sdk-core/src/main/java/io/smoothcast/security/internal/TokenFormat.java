package io.smoothcast.security.internal;

import java.nio.charset.StandardCharsets;

/**
 * The token wire format, version 1: {@code base64url(payload) "." base64url(HMAC-SHA256(key, payload))}.
 *
 * <pre>
 * payload = version (1 byte, = 1)
 *           role    (1 byte: 1 publish, 2 subscribe)
 *           expiry  (8 bytes, big-endian epoch seconds, > 0)
 *           keyId, streamId, region, nodeId  (each: 1 length byte, then that many UTF-8 bytes;
 *                                             length 0 means "no scope" for region and nodeId)
 * </pre>
 *
 * <p>Every length is bounded, so a token is at most {@link #MAX_TOKEN_CHARS} characters and a
 * verifier can refuse anything longer before decoding a byte. Decoding returns null for anything
 * that is not exactly this structure (trailing bytes, bad UTF-8, bad lengths).
 *
 * <p>Stateless; thread-safe.
 */
public final class TokenFormat {

    /** The only version this code reads and writes. */
    public static final int VERSION = 1;
    /** Longest key id, in characters (ASCII). */
    public static final int MAX_KEY_ID_CHARS = 32;
    /** Longest stream id, in UTF-8 bytes. */
    public static final int MAX_STREAM_ID_BYTES = 128;
    /** Longest region or node id, in UTF-8 bytes. */
    public static final int MAX_SCOPE_BYTES = 64;
    /** Length of the MAC, in bytes. */
    public static final int MAC_BYTES = 32;
    /** Longest payload, in bytes. */
    public static final int MAX_PAYLOAD_BYTES =
        2 + 8 + 4 + MAX_KEY_ID_CHARS + MAX_STREAM_ID_BYTES + 2 * MAX_SCOPE_BYTES;
    /** Longest token, in characters. */
    public static final int MAX_TOKEN_CHARS = encodedChars(MAX_PAYLOAD_BYTES) + 1 + encodedChars(MAC_BYTES);

    private static final int FIXED_BYTES = 10;

    private TokenFormat() {
    }

    private static int encodedChars(int bytes) {
        return (bytes * 4 + 2) / 3;
    }

    /**
     * @param keyId candidate key id
     * @return whether it is 1 to {@link #MAX_KEY_ID_CHARS} characters of {@code [A-Za-z0-9._-]}
     */
    public static boolean isValidKeyId(String keyId) {
        if (keyId == null || keyId.isEmpty() || keyId.length() > MAX_KEY_ID_CHARS) {
            return false;
        }
        for (int i = 0; i < keyId.length(); i++) {
            char c = keyId.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param text candidate stream, region or node id
     * @param maxBytes bound on its UTF-8 length
     * @return its UTF-8 bytes, or null if it is null, empty, too long, or not well-formed UTF-16
     */
    public static byte[] utf8Within(String text, int maxBytes) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxBytes || !new String(bytes, StandardCharsets.UTF_8).equals(text)) {
            return null;
        }
        return bytes;
    }

    /**
     * Builds a payload. The caller has validated every field.
     *
     * @param roleCode 1 or 2
     * @param expiresAtEpochSeconds expiry
     * @param keyId key id bytes
     * @param streamId stream id bytes
     * @param region region bytes, or null
     * @param nodeId node id bytes, or null
     * @return the payload bytes
     */
    public static byte[] encodePayload(int roleCode, long expiresAtEpochSeconds, byte[] keyId, byte[] streamId,
                                       byte[] region, byte[] nodeId) {
        int length = FIXED_BYTES + 4 + keyId.length + streamId.length + lengthOf(region) + lengthOf(nodeId);
        byte[] out = new byte[length];
        out[0] = VERSION;
        out[1] = (byte) roleCode;
        for (int i = 0; i < 8; i++) {
            out[2 + i] = (byte) (expiresAtEpochSeconds >>> (56 - 8 * i));
        }
        int at = FIXED_BYTES;
        at = put(out, at, keyId);
        at = put(out, at, streamId);
        at = put(out, at, region);
        put(out, at, nodeId);
        return out;
    }

    private static int lengthOf(byte[] field) {
        return field == null ? 0 : field.length;
    }

    private static int put(byte[] out, int at, byte[] field) {
        int length = lengthOf(field);
        out[at++] = (byte) length;
        if (length > 0) {
            System.arraycopy(field, 0, out, at, length);
        }
        return at + length;
    }

    /**
     * Parses a payload.
     *
     * @param payload decoded payload bytes (untrusted)
     * @return the fields, or null if the bytes are not a well-formed version 1 payload
     */
    public static DecodedPayload decodePayload(byte[] payload) {
        if (payload.length < FIXED_BYTES + 4 || payload.length > MAX_PAYLOAD_BYTES || payload[0] != VERSION) {
            return null;
        }
        int roleCode = payload[1] & 0xFF;
        long expiry = 0;
        for (int i = 0; i < 8; i++) {
            expiry = (expiry << 8) | (payload[2 + i] & 0xFF);
        }
        int[] cursor = {FIXED_BYTES};
        String keyId = readField(payload, cursor, MAX_KEY_ID_CHARS);
        String streamId = readField(payload, cursor, MAX_STREAM_ID_BYTES);
        String region = readField(payload, cursor, MAX_SCOPE_BYTES);
        String nodeId = readField(payload, cursor, MAX_SCOPE_BYTES);
        if (keyId == null || streamId == null || region == null || nodeId == null || cursor[0] != payload.length
            || !isValidKeyId(keyId) || streamId.isEmpty() || expiry <= 0) {
            return null;
        }
        return new DecodedPayload(roleCode, expiry, keyId, streamId,
            region.isEmpty() ? null : region, nodeId.isEmpty() ? null : nodeId);
    }

    /**
     * Reads a token's payload without checking its MAC: what a client may learn from the token it
     * holds (its expiry, to warn before it runs out), never a basis for trusting the token.
     *
     * @param token the token text (untrusted), or null
     * @return the payload's fields, or null if the text is not structurally a version 1 token
     */
    public static DecodedPayload readUnverified(String token) {
        if (token == null || token.length() > MAX_TOKEN_CHARS) {
            return null;
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            return null;
        }
        byte[] payload = Base64Url.decode(token, 0, dot);
        return payload == null ? null : decodePayload(payload);
    }

    /** Reads one length-prefixed UTF-8 field; null when it overruns, is too long or is not valid UTF-8. */
    private static String readField(byte[] payload, int[] cursor, int maxBytes) {
        int at = cursor[0];
        if (at >= payload.length) {
            return null;
        }
        int length = payload[at] & 0xFF;
        at++;
        if (length > maxBytes || length > payload.length - at) {
            return null;
        }
        String text = new String(payload, at, length, StandardCharsets.UTF_8);
        // Malformed UTF-8 decodes to U+FFFD; re-encoding then differs from the original bytes.
        byte[] again = text.getBytes(StandardCharsets.UTF_8);
        if (!java.util.Arrays.equals(again, 0, again.length, payload, at, at + length)) {
            return null;
        }
        cursor[0] = at + length;
        return text;
    }

    /**
     * The fields of a structurally valid payload, not yet authenticated.
     *
     * @param roleCode the role byte (not yet checked against the known roles)
     * @param expiresAtEpochSeconds expiry, epoch seconds
     * @param keyId key id
     * @param streamId stream id, non-empty
     * @param region region scope, or null
     * @param nodeId node scope, or null
     */
    public record DecodedPayload(int roleCode, long expiresAtEpochSeconds, String keyId, String streamId,
                                 String region, String nodeId) {
    }
}
