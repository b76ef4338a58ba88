package io.smoothcast.transport.internal.control;

/**
 * Error codes carried by an {@link ControlMessage.Error} message (PROTOCOL.md, "Error codes").
 * The numeric values are part of the wire format and never change meaning.
 */
public enum ErrorCode {
    /** The request could not be parsed. */
    MALFORMED(1),
    /** The protocol version in the header is not one this peer speaks. */
    UNSUPPORTED_VERSION(2),
    /** The message type is unknown to this peer. */
    UNKNOWN_TYPE(3),
    /** A header flag this peer does not implement (for example the reserved sealed flag). */
    UNSUPPORTED_FEATURE(4),
    /** Reserved for the security work: the token is missing or does not verify. */
    UNAUTHORIZED(10),
    /** Reserved for the security work: the token has expired. */
    TOKEN_EXPIRED(11),
    /** Reserved for the security work: the token does not allow this role or stream. */
    FORBIDDEN(12),
    /** Publish or subscribe before a hello was accepted from this address. */
    NOT_JOINED(20),
    /** The stream has no publisher on this node and no upstream node could be found. */
    STREAM_NOT_FOUND(30),
    /** Another peer already publishes this stream. */
    STREAM_ALREADY_PUBLISHED(31),
    /** Two tracks of the stream claim the same SSRC. */
    SSRC_CONFLICT(32),
    /** The node has reached a configured limit (subscribers, streams or sessions). */
    OVERLOADED(40),
    /** Anything else; the reason text says more. */
    INTERNAL(50);

    private static final ErrorCode[] BY_VALUE = new ErrorCode[64];

    static {
        for (ErrorCode code : values()) {
            BY_VALUE[code.value] = code;
        }
    }

    private final int value;

    ErrorCode(int value) {
        this.value = value;
    }

    /**
     * The 16-bit value on the wire.
     *
     * @return the wire value
     */
    public int value() {
        return value;
    }

    /**
     * Looks up a wire value.
     *
     * @param value the 16-bit value read from a message
     * @return the code, or {@code null} if the value is not assigned
     */
    public static ErrorCode fromValue(int value) {
        return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : null;
    }
}
