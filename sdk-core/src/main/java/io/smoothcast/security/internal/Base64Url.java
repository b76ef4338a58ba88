package io.smoothcast.security.internal;

/**
 * Strict, unpadded base64url (RFC 4648 section 5). Decoding accepts exactly the strings the
 * encoder produces: no padding, no whitespace, no other alphabet, and zero leftover bits, so one
 * byte string has exactly one text form. Bad input gives {@code null}, never an exception.
 *
 * <p>Stateless; thread-safe.
 */
public final class Base64Url {

    private static final char[] ALPHABET =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
    private static final byte[] VALUES = new byte[128];

    static {
        java.util.Arrays.fill(VALUES, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            VALUES[ALPHABET[i]] = (byte) i;
        }
    }

    private Base64Url() {
    }

    /**
     * @param bytes the bytes to encode
     * @return unpadded base64url text
     */
    public static String encode(byte[] bytes) {
        StringBuilder out = new StringBuilder((bytes.length * 4 + 2) / 3);
        int i = 0;
        for (; i + 3 <= bytes.length; i += 3) {
            int v = (bytes[i] & 0xFF) << 16 | (bytes[i + 1] & 0xFF) << 8 | (bytes[i + 2] & 0xFF);
            out.append(ALPHABET[v >>> 18]).append(ALPHABET[(v >>> 12) & 63])
                .append(ALPHABET[(v >>> 6) & 63]).append(ALPHABET[v & 63]);
        }
        int left = bytes.length - i;
        if (left == 1) {
            int v = (bytes[i] & 0xFF) << 16;
            out.append(ALPHABET[v >>> 18]).append(ALPHABET[(v >>> 12) & 63]);
        } else if (left == 2) {
            int v = (bytes[i] & 0xFF) << 16 | (bytes[i + 1] & 0xFF) << 8;
            out.append(ALPHABET[v >>> 18]).append(ALPHABET[(v >>> 12) & 63]).append(ALPHABET[(v >>> 6) & 63]);
        }
        return out.toString();
    }

    /**
     * Decodes {@code text[start, end)}.
     *
     * @param text the text
     * @param start first character
     * @param end one past the last character
     * @return the bytes, or null if the range is not canonical unpadded base64url
     */
    public static byte[] decode(CharSequence text, int start, int end) {
        int chars = end - start;
        if (chars % 4 == 1) {
            return null;
        }
        byte[] out = new byte[chars / 4 * 3 + Math.max(0, chars % 4 - 1)];
        int acc = 0;
        int bits = 0;
        int o = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            int v = c < 128 ? VALUES[c] : -1;
            if (v < 0) {
                return null;
            }
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[o++] = (byte) (acc >>> bits);
                acc &= (1 << bits) - 1;
            }
        }
        // Leftover bits must be zero, or two texts would decode to the same bytes.
        return acc == 0 ? out : null;
    }
}
