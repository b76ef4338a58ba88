package io.smoothcast.transport.internal.control;

import java.util.Objects;

/**
 * Outcome of {@link ControlCodec#decode}: either a message with its request id and token, or the
 * reason it was rejected. Rejections are shared constants, so a flood of garbage allocates
 * nothing.
 *
 * <p>Immutable and thread-safe.
 */
public final class DecodeResult {

    private static final byte[] NO_TOKEN = new byte[0];
    private static final DecodeResult[] REJECTIONS = new DecodeResult[DecodeError.values().length];

    static {
        for (DecodeError error : DecodeError.values()) {
            REJECTIONS[error.ordinal()] = new DecodeResult(0, NO_TOKEN, null, error);
        }
    }

    private final int requestId;
    private final byte[] token;
    private final ControlMessage message;
    private final DecodeError error;

    private DecodeResult(int requestId, byte[] token, ControlMessage message, DecodeError error) {
        this.requestId = requestId;
        this.token = token;
        this.message = message;
        this.error = error;
    }

    static DecodeResult accepted(int requestId, byte[] token, ControlMessage message) {
        return new DecodeResult(requestId, token.length == 0 ? NO_TOKEN : token,
                Objects.requireNonNull(message, "message"), null);
    }

    static DecodeResult rejected(DecodeError error) {
        return REJECTIONS[error.ordinal()];
    }

    /**
     * Whether a message was decoded.
     *
     * @return true if {@link #message()} is not null
     */
    public boolean ok() {
        return message != null;
    }

    /**
     * The decoded message.
     *
     * @return the message, or null when rejected
     */
    public ControlMessage message() {
        return message;
    }

    /**
     * Why the datagram was rejected.
     *
     * @return the reason, or null when a message was decoded
     */
    public DecodeError error() {
        return error;
    }

    /**
     * The request id from the header (echoed by replies).
     *
     * @return the unsigned 32-bit request id as an int
     */
    public int requestId() {
        return requestId;
    }

    /**
     * The opaque token section (reserved for the security work; empty in version 1 clients).
     * The array is owned by this result; do not modify it.
     *
     * @return the token bytes, never null
     */
    public byte[] token() {
        return token;
    }

    @Override
    public String toString() {
        return ok() ? "DecodeResult[" + requestId + ", " + message + "]" : "DecodeResult[" + error + "]";
    }
}
