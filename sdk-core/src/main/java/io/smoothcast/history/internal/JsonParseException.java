package io.smoothcast.history.internal;

/** Malformed JSON: the message says what and where (character offset). Immutable. */
public final class JsonParseException extends IllegalArgumentException {

    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** The character offset of the error. */
    private final int offset;

    /**
     * @param message what is wrong
     * @param offset where, as a character offset into the text
     */
    public JsonParseException(String message, int offset) {
        super(message + " at offset " + offset);
        this.offset = offset;
    }

    /** @return the character offset of the error */
    public int offset() {
        return offset;
    }
}
