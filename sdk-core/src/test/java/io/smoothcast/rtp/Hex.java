package io.smoothcast.rtp;

/** Hex text to bytes for hand-written packets in tests (spaces ignored). */
final class Hex {

    private Hex() {
    }

    static byte[] bytes(String hex) {
        String clean = hex.replaceAll("\\s+", "");
        if ((clean.length() & 1) != 0) {
            throw new IllegalArgumentException("odd number of hex digits: " + hex);
        }
        byte[] out = new byte[clean.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(clean.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
