package io.smoothcast.security;

import io.smoothcast.security.internal.Base64Url;
import io.smoothcast.security.internal.HmacSha256;
import io.smoothcast.security.internal.TokenFormat;

import java.util.HashMap;
import java.util.Map;

/**
 * Checks tokens on a relay node before any media flows. Holds every currently valid
 * {@link TokenKey} (two or more during a rotation), selected by the key id inside the token, and
 * this node's region and node id for scoped tokens.
 *
 * <pre>{@code
 * TokenVerifier verifier = TokenVerifier.builder()
 *     .addKey(TokenKey.of("2026-10", oldSecret))
 *     .addKey(TokenKey.of("2026-11", newSecret))
 *     .region("eu-west").nodeId("eu-west-1")
 *     .allowedClockSkewSeconds(30)
 *     .build();
 * TokenVerification v = verifier.verify(token, "concert-42", TokenRole.SUBSCRIBE, nowEpochSeconds);
 * if (!v.isOk()) { reject(v.status()); return; }
 * }</pre>
 *
 * <p>Untrusted input never throws: {@link #verify} returns a {@link TokenStatus} for any string.
 * Length is checked before decoding (at most {@link #MAX_TOKEN_CHARS}), the MAC is compared in
 * constant time, and nothing inside the token is believed before the MAC matches. The time is a
 * parameter; the verifier reads no clock.
 *
 * <p>Immutable; thread-safe. {@code verify} allocates (decoding, one {@code Mac}): it runs once
 * per join, not per packet.
 */
public final class TokenVerifier {

    /** Longest token accepted, in characters; longer strings are {@link TokenStatus#MALFORMED} unread. */
    public static final int MAX_TOKEN_CHARS = TokenFormat.MAX_TOKEN_CHARS;
    /** Largest clock skew a builder accepts, in seconds. */
    public static final long MAX_CLOCK_SKEW_SECONDS = 600;

    private final Map<String, TokenKey> keysById;
    private final String region;
    private final String nodeId;
    private final long allowedClockSkewSeconds;

    private TokenVerifier(Builder builder) {
        this.keysById = Map.copyOf(builder.keysById);
        this.region = builder.region;
        this.nodeId = builder.nodeId;
        this.allowedClockSkewSeconds = builder.allowedClockSkewSeconds;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Verifies a token for one stream and role at one instant.
     *
     * @param token the token as presented by the peer; null or empty gives {@link TokenStatus#MISSING}
     * @param streamId the stream the peer asks for
     * @param role the role the peer asks for
     * @param nowEpochSeconds the current time, Unix epoch seconds
     * @return the outcome; never null
     * @throws IllegalArgumentException if {@code streamId} or {@code role} is null (a programming error, not bad input)
     */
    public TokenVerification verify(String token, String streamId, TokenRole role, long nowEpochSeconds) {
        if (streamId == null) {
            throw new IllegalArgumentException("streamId must not be null");
        }
        if (role == null) {
            throw new IllegalArgumentException("role must not be null");
        }
        if (token == null || token.isEmpty()) {
            return TokenVerification.failure(TokenStatus.MISSING);
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            return TokenVerification.failure(TokenStatus.MALFORMED);
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            return TokenVerification.failure(TokenStatus.MALFORMED);
        }
        byte[] payload = Base64Url.decode(token, 0, dot);
        byte[] mac = Base64Url.decode(token, dot + 1, token.length());
        if (payload == null || mac == null || mac.length != TokenFormat.MAC_BYTES) {
            return TokenVerification.failure(TokenStatus.MALFORMED);
        }
        TokenFormat.DecodedPayload decoded = TokenFormat.decodePayload(payload);
        if (decoded == null) {
            return TokenVerification.failure(TokenStatus.MALFORMED);
        }
        TokenKey key = keysById.get(decoded.keyId());
        if (key == null) {
            return TokenVerification.failure(TokenStatus.UNKNOWN_KEY);
        }
        if (!HmacSha256.constantTimeEquals(HmacSha256.mac(key.secret(), payload), mac)) {
            return TokenVerification.failure(TokenStatus.BAD_SIGNATURE);
        }
        // Authentic from here on. An unknown role byte can only come from a newer issuer.
        TokenRole tokenRole = TokenRole.fromWireCode(decoded.roleCode());
        if (tokenRole == null) {
            return TokenVerification.failure(TokenStatus.MALFORMED);
        }
        // "now >= expiry + skew" without overflowing expiry + skew (expiry > 0, skew <= 600).
        if (nowEpochSeconds - allowedClockSkewSeconds >= decoded.expiresAtEpochSeconds()) {
            return TokenVerification.failure(TokenStatus.EXPIRED);
        }
        if (tokenRole != role) {
            return TokenVerification.failure(TokenStatus.WRONG_ROLE);
        }
        if (!decoded.streamId().equals(streamId)) {
            return TokenVerification.failure(TokenStatus.WRONG_STREAM);
        }
        if ((decoded.region() != null && !decoded.region().equals(region))
            || (decoded.nodeId() != null && !decoded.nodeId().equals(nodeId))) {
            return TokenVerification.failure(TokenStatus.OUT_OF_SCOPE);
        }
        TokenClaims claims = TokenClaims.builder(decoded.streamId(), tokenRole, decoded.expiresAtEpochSeconds())
            .region(decoded.region()).nodeId(decoded.nodeId()).build();
        return TokenVerification.ok(claims, key.keyId());
    }

    /** Builder for {@link TokenVerifier}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, TokenKey> keysById = new HashMap<>();
        private String region;
        private String nodeId;
        private long allowedClockSkewSeconds;

        private Builder() {
        }

        /**
         * Adds a key that tokens may be signed with.
         *
         * @param key the key
         * @return this builder
         * @throws IllegalArgumentException if {@code key} is null or its id is already present
         */
        public Builder addKey(TokenKey key) {
            if (key == null) {
                throw new IllegalArgumentException("key must not be null");
            }
            if (keysById.putIfAbsent(key.keyId(), key) != null) {
                throw new IllegalArgumentException("key id already added: " + key.keyId());
            }
            return this;
        }

        /**
         * @param region this node's region; tokens scoped to another region are {@link TokenStatus#OUT_OF_SCOPE}.
         *     Null (the default) accepts only tokens without a region scope.
         * @return this builder
         */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        /**
         * @param nodeId this node's id; tokens scoped to another node are {@link TokenStatus#OUT_OF_SCOPE}.
         *     Null (the default) accepts only tokens without a node scope.
         * @return this builder
         */
        public Builder nodeId(String nodeId) {
            this.nodeId = nodeId;
            return this;
        }

        /**
         * @param seconds how long after its expiry a token is still accepted, for clocks that
         *     disagree; 0 (the default) to {@link #MAX_CLOCK_SKEW_SECONDS}
         * @return this builder
         * @throws IllegalArgumentException if {@code seconds} is out of range
         */
        public Builder allowedClockSkewSeconds(long seconds) {
            if (seconds < 0 || seconds > MAX_CLOCK_SKEW_SECONDS) {
                throw new IllegalArgumentException("allowedClockSkewSeconds must be in [0, "
                    + MAX_CLOCK_SKEW_SECONDS + "]: " + seconds);
            }
            this.allowedClockSkewSeconds = seconds;
            return this;
        }

        /**
         * @return the verifier
         * @throws IllegalStateException if no key was added
         */
        public TokenVerifier build() {
            if (keysById.isEmpty()) {
                throw new IllegalStateException("add at least one key");
            }
            return new TokenVerifier(this);
        }
    }
}
