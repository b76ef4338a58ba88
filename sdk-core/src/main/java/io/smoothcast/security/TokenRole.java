package io.smoothcast.security;

/**
 * What a token allows its holder to do with one stream.
 *
 * <p>Immutable; thread-safe.
 */
public enum TokenRole {
    /** Send media for the stream (a broadcaster). */
    PUBLISH(1),
    /** Receive media of the stream (a viewer or a downstream node). */
    SUBSCRIBE(2);

    private final int wireCode;

    TokenRole(int wireCode) {
        this.wireCode = wireCode;
    }

    /** @return the one-byte code carried in the token */
    int wireCode() {
        return wireCode;
    }

    /**
     * @param code a byte read from a token
     * @return the role, or null when the code is not a role
     */
    static TokenRole fromWireCode(int code) {
        for (TokenRole role : values()) {
            if (role.wireCode == code) {
                return role;
            }
        }
        return null;
    }
}
