package io.smoothcast.transport.internal.control;

/** Why a datagram was not accepted as a control message; each is counted by the receiver. */
public enum DecodeError {
    /** Shorter than the fixed header. */
    TRUNCATED_HEADER,
    /** First byte is not the control marker. */
    NOT_CONTROL,
    /** Header version is not {@link ControlCodec#VERSION}. */
    UNSUPPORTED_VERSION,
    /** A reserved header flag (such as the sealed flag) is set. */
    UNSUPPORTED_FLAGS,
    /** The message type is not assigned. */
    UNKNOWN_TYPE,
    /** Token and body lengths in the header do not add up to the datagram length. */
    LENGTH_MISMATCH,
    /** The token is longer than {@link ControlCodec#MAX_TOKEN_LENGTH}. */
    TOKEN_TOO_LONG,
    /** The body is shorter than its fields, or a field is out of its allowed range. */
    BAD_BODY
}
