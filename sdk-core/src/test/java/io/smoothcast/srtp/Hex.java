package io.smoothcast.srtp;

/** Test helper: hex text (spaces and newlines ignored) to bytes. */
public final class Hex {

    private Hex() {
    }

    public static byte[] decode(String hex) {
        String clean = hex.replaceAll("\\s", "");
        byte[] out = new byte[clean.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(clean.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
