package io.smoothcast.transport.internal.relay;

import io.smoothcast.security.TokenClaims;
import io.smoothcast.security.TokenIssuer;
import io.smoothcast.security.TokenRole;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

/**
 * What a downstream node presents when it subscribes to a stream on its upstream node
 * (cascade): a SUBSCRIBE token for that stream, minted on the spot with the cluster key that the
 * upstream node's verifier holds, valid for {@code ttlSeconds}. The upstream node checks it like
 * any viewer's token, so a node that requires tokens can sit upstream of others, and a stranger
 * cannot pose as a node to pull streams.
 *
 * <p>Thread-safe if the clock is; used on the relay's I/O thread once per upstream subscription.
 *
 * @param issuer signs with the cluster key
 * @param epochSecondsNow wall-clock time in Unix seconds
 * @param ttlSeconds lifetime of each token, at least 1 (a re-subscription after expiry mints a new one)
 */
public record CascadeCredentials(TokenIssuer issuer, LongSupplier epochSecondsNow, long ttlSeconds) {

    /** Validates the arguments. */
    public CascadeCredentials {
        if (issuer == null) {
            throw new IllegalArgumentException("issuer must not be null");
        }
        if (epochSecondsNow == null) {
            throw new IllegalArgumentException("epochSecondsNow must not be null");
        }
        if (ttlSeconds < 1) {
            throw new IllegalArgumentException("ttlSeconds must be >= 1: " + ttlSeconds);
        }
    }

    /**
     * @param streamId the stream to subscribe to upstream
     * @return the token's ASCII bytes for the SUBSCRIBE's token section
     */
    byte[] tokenFor(String streamId) {
        TokenClaims claims = TokenClaims.builder(streamId, TokenRole.SUBSCRIBE, epochSecondsNow.getAsLong() + ttlSeconds)
                .build();
        return issuer.issue(claims).getBytes(StandardCharsets.US_ASCII);
    }
}
