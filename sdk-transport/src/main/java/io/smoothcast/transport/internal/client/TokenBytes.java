package io.smoothcast.transport.internal.client;

import io.smoothcast.transport.internal.control.ControlCodec;
import java.nio.charset.StandardCharsets;

/** Validates a client's token string and turns it into the bytes of the control header's token section. */
public final class TokenBytes {

    private TokenBytes() {
    }

    /**
     * Converts a token to its wire bytes.
     *
     * @param token the token text, or null or empty for none
     * @return the ASCII bytes (empty for none)
     * @throws IllegalArgumentException if the token is longer than the token section or not printable ASCII
     */
    public static byte[] of(String token) {
        if (token == null || token.isEmpty()) {
            return new byte[0];
        }
        if (token.length() > ControlCodec.MAX_TOKEN_LENGTH) {
            throw new IllegalArgumentException("token must be at most " + ControlCodec.MAX_TOKEN_LENGTH
                    + " characters: " + token.length());
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c <= ' ' || c > '~') {
                throw new IllegalArgumentException("token must be printable ASCII (character " + i + ")");
            }
        }
        return token.getBytes(StandardCharsets.US_ASCII);
    }
}
