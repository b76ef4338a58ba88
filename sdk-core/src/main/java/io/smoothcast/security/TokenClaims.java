package io.smoothcast.security;

import io.smoothcast.security.internal.TokenFormat;

import java.util.Objects;

/**
 * What a token grants: one role on one stream until an expiry, optionally only in one region
 * and/or on one node.
 *
 * <p>Build with {@link #builder(String, TokenRole, long)}. Immutable; thread-safe.
 */
public final class TokenClaims {

    private final String streamId;
    private final TokenRole role;
    private final long expiresAtEpochSeconds;
    private final String region;
    private final String nodeId;

    private TokenClaims(Builder builder) {
        this.streamId = builder.streamId;
        this.role = builder.role;
        this.expiresAtEpochSeconds = builder.expiresAtEpochSeconds;
        this.region = builder.region;
        this.nodeId = builder.nodeId;
    }

    /**
     * @param streamId the stream, 1 to 128 UTF-8 bytes
     * @param role what the holder may do
     * @param expiresAtEpochSeconds the first second (Unix epoch) at which the token is no longer valid; > 0
     * @return a builder
     * @throws IllegalArgumentException if an argument is null or out of bounds
     */
    public static Builder builder(String streamId, TokenRole role, long expiresAtEpochSeconds) {
        return new Builder(streamId, role, expiresAtEpochSeconds);
    }

    /** @return the stream the token is for */
    public String streamId() {
        return streamId;
    }

    /** @return the role granted */
    public TokenRole role() {
        return role;
    }

    /** @return the first Unix-epoch second at which the token is expired */
    public long expiresAtEpochSeconds() {
        return expiresAtEpochSeconds;
    }

    /** @return the region the token is limited to, or null for any region */
    public String region() {
        return region;
    }

    /** @return the node the token is limited to, or null for any node */
    public String nodeId() {
        return nodeId;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TokenClaims)) {
            return false;
        }
        TokenClaims other = (TokenClaims) o;
        return streamId.equals(other.streamId) && role == other.role
            && expiresAtEpochSeconds == other.expiresAtEpochSeconds
            && Objects.equals(region, other.region) && Objects.equals(nodeId, other.nodeId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(streamId, role, expiresAtEpochSeconds, region, nodeId);
    }

    @Override
    public String toString() {
        return "TokenClaims[stream=" + streamId + ", role=" + role + ", expiresAt=" + expiresAtEpochSeconds
            + (region == null ? "" : ", region=" + region) + (nodeId == null ? "" : ", node=" + nodeId) + "]";
    }

    /** Builder for {@link TokenClaims}. Not thread-safe. */
    public static final class Builder {
        private final String streamId;
        private final TokenRole role;
        private final long expiresAtEpochSeconds;
        private String region;
        private String nodeId;

        private Builder(String streamId, TokenRole role, long expiresAtEpochSeconds) {
            if (TokenFormat.utf8Within(streamId, TokenFormat.MAX_STREAM_ID_BYTES) == null) {
                throw new IllegalArgumentException("streamId must be 1-" + TokenFormat.MAX_STREAM_ID_BYTES
                    + " UTF-8 bytes: " + streamId);
            }
            if (role == null) {
                throw new IllegalArgumentException("role must not be null");
            }
            if (expiresAtEpochSeconds <= 0) {
                throw new IllegalArgumentException("expiresAtEpochSeconds must be > 0: " + expiresAtEpochSeconds);
            }
            this.streamId = streamId;
            this.role = role;
            this.expiresAtEpochSeconds = expiresAtEpochSeconds;
        }

        /**
         * @param region the only region whose nodes accept the token (1 to 64 UTF-8 bytes), or null for any
         * @return this builder
         * @throws IllegalArgumentException if {@code region} is empty or too long
         */
        public Builder region(String region) {
            this.region = checkScope(region, "region");
            return this;
        }

        /**
         * @param nodeId the only node that accepts the token (1 to 64 UTF-8 bytes), or null for any
         * @return this builder
         * @throws IllegalArgumentException if {@code nodeId} is empty or too long
         */
        public Builder nodeId(String nodeId) {
            this.nodeId = checkScope(nodeId, "nodeId");
            return this;
        }

        private static String checkScope(String value, String name) {
            if (value != null && TokenFormat.utf8Within(value, TokenFormat.MAX_SCOPE_BYTES) == null) {
                throw new IllegalArgumentException(name + " must be null or 1-" + TokenFormat.MAX_SCOPE_BYTES
                    + " UTF-8 bytes: " + value);
            }
            return value;
        }

        /** @return the claims */
        public TokenClaims build() {
            return new TokenClaims(this);
        }
    }
}
