package io.smoothcast.samples;

import io.smoothcast.security.FrameKey;
import io.smoothcast.security.SframeCipherSuite;
import java.util.HexFormat;

/** Parses the {@code --e2e-key ID=HEX} option of the broadcast and view commands. Stateless. */
final class FrameKeyOption {

    private FrameKeyOption() {
    }

    /**
     * @param text {@code ID=HEX}: a key id (0-2^63) and a base key of 16-64 bytes in hex
     * @return the AES-128-GCM frame key
     * @throws IllegalArgumentException with a message for the user if the text is not that
     */
    static FrameKey parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("must be ID=HEX (key id, then the stream's secret in hex): " + text);
        }
        long keyId;
        try {
            keyId = Long.parseLong(text.substring(0, eq));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("key id must be a number >= 0: " + text.substring(0, eq));
        }
        byte[] secret;
        try {
            secret = HexFormat.of().parseHex(text.substring(eq + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("secret must be hex digits (an even number of 0-9 a-f)");
        }
        if (secret.length < 16 || secret.length > 64) {
            throw new IllegalArgumentException("secret must be 16-64 bytes (32-128 hex digits): " + secret.length + " bytes");
        }
        return FrameKey.of(SframeCipherSuite.AES_128_GCM_SHA256_128, keyId, secret);
    }
}
