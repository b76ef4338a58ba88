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
    /**
     * A known request using something this node does not offer (a second published stream on one
     * session). Unknown header flags are not answered: the decoder drops them.
     */
    UNSUPPORTED_FEATURE(4),
    /** The token is missing, malformed, signed with an unknown key or forged. */
    UNAUTHORIZED(10),
    /** The token has expired (beyond the node's allowed clock skew). */
    TOKEN_EXPIRED(11),
    /** The token is for another role or stream, or limited to another region or node. */
    FORBIDDEN(12),
    /**
     * Publish or subscribe before a hello was accepted from this address or without the hello's
     * cookie; a keepalive from an address without a session.
     */
    NOT_JOINED(20),
    /** Reserved: version 1 nodes accept a subscription to any stream and wait for its publisher. */
    STREAM_NOT_FOUND(30),
    /** Another peer already publishes this stream. */
    STREAM_ALREADY_PUBLISHED(31),
    /** A publish names an SSRC (media or RTX) twice, or one another stream on this node uses. */
    SSRC_CONFLICT(32),
    /** The node has reached a configured limit (sessions, or subscribers of one stream). */
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
