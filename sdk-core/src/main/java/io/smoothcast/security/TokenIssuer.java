package io.smoothcast.security;

import io.smoothcast.security.internal.Base64Url;
import io.smoothcast.security.internal.HmacSha256;
import io.smoothcast.security.internal.TokenFormat;

import java.nio.charset.StandardCharsets;

/**
 * Mints tokens on the application's server: the app authenticates its user its own way, then
 * hands the broadcaster or viewer a token for one stream and role. Relays check it with a
 * {@link TokenVerifier} that holds the same key.
 *
 * <pre>{@code
 * TokenIssuer issuer = new TokenIssuer(TokenKey.of("2026-11", secret));
 * String token = issuer.issue(TokenClaims.builder("concert-42", TokenRole.SUBSCRIBE, nowSeconds + 600)
 *     .region("eu-west").build());
 * }</pre>
 *
 * <p>The token is a bearer credential: anyone holding it has its rights until it expires, so keep
 * lifetimes short and send it over TLS. Its contents are signed, not encrypted: anyone holding it
 * can read the stream id, role, expiry and scope.
 *
 * <p>Immutable; thread-safe.
 */
public final class TokenIssuer {

    private final TokenKey key;

    /**
     * @param key the key to sign with (the newest key during a rotation)
     * @throws IllegalArgumentException if {@code key} is null
     */
    public TokenIssuer(TokenKey key) {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        this.key = key;
    }

    /**
     * @param claims what the token grants
     * @return the token text, at most {@link TokenVerifier#MAX_TOKEN_CHARS} characters of
     *     {@code [A-Za-z0-9_.-]}
     * @throws IllegalArgumentException if {@code claims} is null
     */
    public String issue(TokenClaims claims) {
        if (claims == null) {
            throw new IllegalArgumentException("claims must not be null");
        }
        byte[] payload = TokenFormat.encodePayload(claims.role().wireCode(), claims.expiresAtEpochSeconds(),
            key.keyId().getBytes(StandardCharsets.US_ASCII), claims.streamId().getBytes(StandardCharsets.UTF_8),
            bytesOrNull(claims.region()), bytesOrNull(claims.nodeId()));
        byte[] mac = HmacSha256.mac(key.secret(), payload);
        return Base64Url.encode(payload) + "." + Base64Url.encode(mac);
    }

    private static byte[] bytesOrNull(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    /** @return the id of the key this issuer signs with */
    public String keyId() {
        return key.keyId();
    }
}
