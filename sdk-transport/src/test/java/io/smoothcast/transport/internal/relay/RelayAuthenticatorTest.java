package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.security.TokenClaims;
import io.smoothcast.security.TokenIssuer;
import io.smoothcast.security.TokenKey;
import io.smoothcast.security.TokenRole;
import io.smoothcast.security.TokenStatus;
import io.smoothcast.security.TokenVerifier;
import io.smoothcast.transport.internal.control.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RelayAuthenticatorTest {

    private static final TokenKey KEY = TokenKey.of("k1", filled(7));
    private final AtomicLong nowSeconds = new AtomicLong(1_800_000_000L);
    private final RelayAuthenticator authenticator = new RelayAuthenticator(
            TokenVerifier.builder().addKey(KEY).build(), nowSeconds::get);

    @Test
    void everyRefusal_mapsToItsDocumentedErrorCode() {
        assertEquals(ErrorCode.UNAUTHORIZED, RelayAuthenticator.errorCode(TokenStatus.MISSING));
        assertEquals(ErrorCode.UNAUTHORIZED, RelayAuthenticator.errorCode(TokenStatus.MALFORMED));
        assertEquals(ErrorCode.UNAUTHORIZED, RelayAuthenticator.errorCode(TokenStatus.UNKNOWN_KEY));
        assertEquals(ErrorCode.UNAUTHORIZED, RelayAuthenticator.errorCode(TokenStatus.BAD_SIGNATURE));
        assertEquals(ErrorCode.TOKEN_EXPIRED, RelayAuthenticator.errorCode(TokenStatus.EXPIRED));
        assertEquals(ErrorCode.FORBIDDEN, RelayAuthenticator.errorCode(TokenStatus.WRONG_ROLE));
        assertEquals(ErrorCode.FORBIDDEN, RelayAuthenticator.errorCode(TokenStatus.WRONG_STREAM));
        assertEquals(ErrorCode.FORBIDDEN, RelayAuthenticator.errorCode(TokenStatus.OUT_OF_SCOPE));
        assertThrows(IllegalArgumentException.class, () -> RelayAuthenticator.errorCode(TokenStatus.OK));
        for (TokenStatus status : TokenStatus.values()) {
            if (status != TokenStatus.OK) {
                // Short enough to fit an error answering the smallest SUBSCRIBE in most cases.
                assertTrue(RelayAuthenticator.reason(status).length() <= 20, status.name());
            }
        }
    }

    @Test
    void checksTheRawTokenBytes_againstTheInjectedWallClock() {
        byte[] token = new TokenIssuer(KEY).issue(TokenClaims.builder("show", TokenRole.SUBSCRIBE,
                nowSeconds.get() + 60).build()).getBytes(StandardCharsets.US_ASCII);
        assertEquals(TokenStatus.OK, authenticator.check(token, "show", TokenRole.SUBSCRIBE));
        assertEquals(TokenStatus.WRONG_ROLE, authenticator.check(token, "show", TokenRole.PUBLISH));
        assertEquals(TokenStatus.MISSING, authenticator.check(new byte[0], "show", TokenRole.SUBSCRIBE));
        byte[] highBytes = token.clone();
        highBytes[3] = (byte) 0xC3; // not ASCII: refused, never decoded as something else
        assertEquals(TokenStatus.MALFORMED, authenticator.check(highBytes, "show", TokenRole.SUBSCRIBE));
        nowSeconds.addAndGet(61);
        assertEquals(TokenStatus.EXPIRED, authenticator.check(token, "show", TokenRole.SUBSCRIBE));
    }

    private static byte[] filled(int value) {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) value);
        return secret;
    }
}
