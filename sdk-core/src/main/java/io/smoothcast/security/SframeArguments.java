package io.smoothcast.security;

/** Argument checks shared by the SFrame classes. Stateless; thread-safe. */
final class SframeArguments {

    /** Shortest base key accepted, in bytes. */
    static final int MIN_BASE_KEY_BYTES = 16;

    private SframeArguments() {
    }

    static void check(SframeCipherSuite suite, long keyId, byte[] baseKey) {
        if (suite == null) {
            throw new IllegalArgumentException("suite must not be null");
        }
        if (keyId < 0) {
            throw new IllegalArgumentException("keyId must be >= 0: " + keyId);
        }
        if (baseKey == null || baseKey.length < MIN_BASE_KEY_BYTES) {
            throw new IllegalArgumentException("baseKey must be at least " + MIN_BASE_KEY_BYTES + " bytes");
        }
    }

    static void checkRegion(String name, byte[] array, int off, int len) {
        if (array == null || off < 0 || len < 0 || off > array.length - len) {
            throw new IllegalArgumentException(name + " region [" + off + ", +" + len + ") must lie inside the array");
        }
    }
}
