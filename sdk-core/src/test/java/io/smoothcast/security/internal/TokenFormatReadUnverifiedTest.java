package io.smoothcast.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.smoothcast.security.TokenClaims;
import io.smoothcast.security.TokenIssuer;
import io.smoothcast.security.TokenKey;
import io.smoothcast.security.TokenRole;
import org.junit.jupiter.api.Test;

class TokenFormatReadUnverifiedTest {

    private static final TokenKey KEY = TokenKey.of("k1", new byte[32]);

    @Test
    void readsTheExpiryOfAnIssuedToken() {
        String token = new TokenIssuer(KEY).issue(TokenClaims.builder("show", TokenRole.SUBSCRIBE, 1_800_000_123L).build());

        TokenFormat.DecodedPayload payload = TokenFormat.readUnverified(token);

        assertEquals(1_800_000_123L, payload.expiresAtEpochSeconds());
        assertEquals("show", payload.streamId());
    }

    @Test
    void anythingElseIsNull_neverAnException() {
        String token = new TokenIssuer(KEY).issue(TokenClaims.builder("show", TokenRole.PUBLISH, 5).build());
        assertNull(TokenFormat.readUnverified(null));
        assertNull(TokenFormat.readUnverified(""));
        assertNull(TokenFormat.readUnverified("opaque-app-token"));
        assertNull(TokenFormat.readUnverified("." + token));
        assertNull(TokenFormat.readUnverified(token + ".x"));
        assertNull(TokenFormat.readUnverified("!!!!." + token.substring(token.indexOf('.') + 1)));
        assertNull(TokenFormat.readUnverified(Base64Url.encode(new byte[] {1, 1, 0}) + ".AAAA"));
        assertNull(TokenFormat.readUnverified("A".repeat(TokenFormat.MAX_TOKEN_CHARS + 1)));
    }
}
