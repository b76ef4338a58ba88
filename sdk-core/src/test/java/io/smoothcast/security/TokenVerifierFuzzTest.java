package io.smoothcast.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link TokenVerifier#verify}. The fuzzer either hands in an arbitrary string, or has a
 * token issued for claims it chooses (with our key, with a different secret under our key id, or
 * with an unknown key id) and then edits a few characters. Oracle: a status for everything (no
 * exception); claims only with {@code OK}; an unedited token of ours gets exactly the status its
 * claims call for; any edited or foreign token is refused.
 */
class TokenVerifierFuzzTest {

    private static final String REGION = "eu";
    private static final String NODE = "eu-1";
    private static final long SKEW_SECONDS = 5;
    private static final TokenKey KEY = TokenKey.of("fuzz", new byte[32]);
    private static final TokenKey SAME_ID_OTHER_SECRET = TokenKey.of("fuzz", filled(7));
    private static final TokenKey UNKNOWN_ID = TokenKey.of("other", new byte[32]);
    private static final TokenVerifier VERIFIER = TokenVerifier.builder().addKey(KEY)
        .region(REGION).nodeId(NODE).allowedClockSkewSeconds(SKEW_SECONDS).build();

    private static byte[] filled(int value) {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    @FuzzTest(maxDuration = "30s")
    void verify(FuzzedDataProvider input) {
        TokenRole askedRole = input.consumeBoolean() ? TokenRole.PUBLISH : TokenRole.SUBSCRIBE;
        long now = input.consumeLong();
        String askedStream = input.consumeString(140);
        if (input.consumeBoolean()) {
            checkArbitrary(input.consumeRemainingAsString(), askedStream, askedRole, now);
            return;
        }
        TokenClaims claims = claims(input, askedStream);
        if (claims == null) {
            return;
        }
        int signer = input.consumeInt(0, 2);
        TokenKey key = signer == 0 ? KEY : signer == 1 ? SAME_ID_OTHER_SECRET : UNKNOWN_ID;
        String issued = new TokenIssuer(key).issue(claims);
        StringBuilder edited = new StringBuilder(issued);
        int edits = input.consumeInt(0, 3);
        for (int i = 0; i < edits && edited.length() > 0; i++) {
            int at = input.consumeInt(0, edited.length() - 1);
            char c = input.consumeChar();
            if (input.consumeBoolean()) {
                edited.setCharAt(at, c);
            } else {
                edited.insert(at, c);
            }
        }
        String token = edited.toString();
        TokenVerification v = VERIFIER.verify(token, askedStream, askedRole, now);
        assertNotNull(v.status());
        if (!token.equals(issued) || signer != 0) {
            assertNotEquals(TokenStatus.OK, v.status(), "edited or foreign token accepted: " + token);
            if (token.equals(issued)) {
                assertEquals(signer == 1 ? TokenStatus.BAD_SIGNATURE : TokenStatus.UNKNOWN_KEY, v.status());
            }
            assertNull(v.claims());
            return;
        }
        assertEquals(expected(claims, askedStream, askedRole, now), v.status());
        if (v.isOk()) {
            assertEquals(claims, v.claims());
        } else {
            assertNull(v.claims());
        }
    }

    /** Claims chosen by the fuzzer; null when the builder (rightly) refuses them. */
    private static TokenClaims claims(FuzzedDataProvider input, String askedStream) {
        String stream = input.consumeBoolean() ? askedStream : input.consumeString(140);
        TokenRole role = input.consumeBoolean() ? TokenRole.PUBLISH : TokenRole.SUBSCRIBE;
        long expiry = input.consumeLong();
        String region = input.consumeBoolean() ? null : input.consumeBoolean() ? REGION : input.consumeString(70);
        String node = input.consumeBoolean() ? null : input.consumeBoolean() ? NODE : input.consumeString(70);
        try {
            return TokenClaims.builder(stream, role, expiry).region(region).nodeId(node).build();
        } catch (IllegalArgumentException refused) {
            return null; // empty, over-long or ill-formed fields, or a non-positive expiry
        }
    }

    private static TokenStatus expected(TokenClaims claims, String askedStream, TokenRole askedRole, long now) {
        if (now - SKEW_SECONDS >= claims.expiresAtEpochSeconds()) {
            return TokenStatus.EXPIRED;
        }
        if (claims.role() != askedRole) {
            return TokenStatus.WRONG_ROLE;
        }
        if (!claims.streamId().equals(askedStream)) {
            return TokenStatus.WRONG_STREAM;
        }
        if ((claims.region() != null && !claims.region().equals(REGION))
            || (claims.nodeId() != null && !claims.nodeId().equals(NODE))) {
            return TokenStatus.OUT_OF_SCOPE;
        }
        return TokenStatus.OK;
    }

    private static void checkArbitrary(String token, String stream, TokenRole role, long now) {
        TokenVerification v = VERIFIER.verify(token, stream, role, now);
        assertNotNull(v.status());
        if (!v.isOk()) {
            assertNull(v.claims());
            return;
        }
        // Only a token our key signed can pass: it must be exactly what the issuer makes of its claims.
        assertEquals(token, new TokenIssuer(KEY).issue(v.claims()));
    }
}
