package io.smoothcast.transport;

/**
 * What a track of a broadcast carries. The wire value (one byte in the control protocol) is
 * {@link #value()}.
 *
 * <p>Immutable and thread-safe.
 */
public enum MediaKind {
    /** Audio samples (for example Opus). */
    AUDIO,
    /** Video frames (for example H.264). */
    VIDEO,
    /** Small interactive messages (chat) sent at their own priority. */
    DATA;

    private static final MediaKind[] VALUES = values();

    /**
     * The wire value.
     *
     * @return 0 for audio, 1 for video, 2 for data
     */
    public int value() {
        return ordinal();
    }

    /**
     * Looks up a wire value.
     *
     * @param value the byte read from a message
     * @return the kind, or null if the value is not assigned
     */
    public static MediaKind fromValue(int value) {
        return value >= 0 && value < VALUES.length ? VALUES[value] : null;
    }
}
