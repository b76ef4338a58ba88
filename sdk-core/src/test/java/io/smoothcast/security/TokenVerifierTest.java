package io.smoothcast.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.security.internal.Base64Url;
import io.smoothcast.security.internal.HmacSha256;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class TokenVerifierTest {

    static final long NOW = 1_800_000_000L;
    static final String STREAM = "concert-42";

    static byte[] secret(int seed) {
        byte[] s = new byte[32];
        for (int i = 0; i < s.length; i++) {
            s[i] = (byte) (seed * 31 + i * 7);
        }
        return s;
    }

    static final TokenKey OLD_KEY = TokenKey.of("2026-10", secret(1));
    static final TokenKey NEW_KEY = TokenKey.of("2026-11", secret(2));

    private final TokenVerifier verifier = TokenVerifier.builder()
        .addKey(OLD_KEY).addKey(NEW_KEY).region("eu-west").nodeId("eu-west-1").build();

    private static String token(TokenKey key, TokenRole role, long expiry) {
        return new TokenIssuer(key).issue(TokenClaims.builder(STREAM, role, expiry).build());
    }

    private TokenStatus verify(String token, TokenRole role) {
        return verifier.verify(token, STREAM, role, NOW).status();
    }

    @Test
    void validToken_isOk_andCarriesAuthenticatedClaims() {
        TokenClaims claims = TokenClaims.builder(STREAM, TokenRole.PUBLISH, NOW + 60)
            .region("eu-west").nodeId("eu-west-1").build();
        String token = new TokenIssuer(NEW_KEY).issue(claims);

        TokenVerification v = verifier.verify(token, STREAM, TokenRole.PUBLISH, NOW);

        assertEquals(TokenStatus.OK, v.status());
        assertEquals(claims, v.claims());
        assertEquals("2026-11", v.keyId());
        assertTrue(token.length() <= TokenVerifier.MAX_TOKEN_CHARS);
    }

    @Test
    void missingToken_nullOrEmpty() {
        assertEquals(TokenStatus.MISSING, verify(null, TokenRole.SUBSCRIBE));
        assertEquals(TokenStatus.MISSING, verify("", TokenRole.SUBSCRIBE));
    }

    @Test
    void failure_exposesNoClaims() {
        TokenVerification v = verifier.verify(token(NEW_KEY, TokenRole.PUBLISH, NOW + 60), STREAM,
            TokenRole.SUBSCRIBE, NOW);
        assertEquals(TokenStatus.WRONG_ROLE, v.status());
        assertNull(v.claims());
        assertNull(v.keyId());
    }

    @Test
    void malformed_structureAndEncoding() {
        String good = token(NEW_KEY, TokenRole.SUBSCRIBE, NOW + 60);
        int dot = good.indexOf('.');
        String[] bad = {
            "x", ".", "abc", good.replace('.', '-'), "." + good, good + ".", good + ".AAAA",
            good.substring(0, dot) + ".." + good.substring(dot + 1),
            good + "=", good.substring(0, dot) + "=." + good.substring(dot + 1),
            " " + good, good + "\n", good.replace('-', '+'), good.substring(0, good.length() - 1),
            good.substring(0, dot) + "." + good.substring(dot + 1, dot + 10),
            good.substring(1), // payload no longer starts with the version byte
            "A".repeat(TokenVerifier.MAX_TOKEN_CHARS + 1),
            "é" + good, good.substring(0, dot) + ".\u0000" + good.substring(dot + 2),
        };
        for (String token : bad) {
            assertEquals(TokenStatus.MALFORMED, verify(token, TokenRole.SUBSCRIBE), token);
        }
    }

    @Test
    void malformed_nonCanonicalBase64_isRejectedNotAliased() {
        String good = token(NEW_KEY, TokenRole.SUBSCRIBE, NOW + 60);
        // The 32-byte MAC ends in a character that carries 2 leftover bits; setting one makes a
        // second spelling of the same bytes, which must not be accepted.
        char last = good.charAt(good.length() - 1);
        String alias = good.substring(0, good.length() - 1) + (char) (last + 1);
        assertEquals(TokenStatus.MALFORMED, verify(alias, TokenRole.SUBSCRIBE));
    }

    @Test
    void malformed_tooLongToken_isRejectedBeforeDecoding() {
        String huge = "A".repeat(1_000_000) + "." + "A".repeat(43);
        assertEquals(TokenStatus.MALFORMED, verify(huge, TokenRole.SUBSCRIBE));
    }

    @Test
    void largestLegalToken_fitsTheBound() {
        String key = "k".repeat(32);
        TokenClaims claims = TokenClaims.builder("s".repeat(128), TokenRole.PUBLISH, Long.MAX_VALUE)
            .region("r".repeat(64)).nodeId("n".repeat(64)).build();
        String token = new TokenIssuer(TokenKey.of(key, secret(3))).issue(claims);
        assertEquals(TokenVerifier.MAX_TOKEN_CHARS, token.length());
        TokenVerifier v = TokenVerifier.builder().addKey(TokenKey.of(key, secret(3)))
            .region("r".repeat(64)).nodeId("n".repeat(64)).build();
        assertEquals(TokenStatus.OK, v.verify(token, "s".repeat(128), TokenRole.PUBLISH, NOW).status());
    }

    @Test
    void unknownKey_retiredOrForeign() {
        TokenKey foreign = TokenKey.of("someone-else", secret(9));
        assertEquals(TokenStatus.UNKNOWN_KEY, verify(token(foreign, TokenRole.SUBSCRIBE, NOW + 60), TokenRole.SUBSCRIBE));
    }

    @Test
    void badSignature_flippedMacCharacter() {
        String good = token(NEW_KEY, TokenRole.SUBSCRIBE, NOW + 60);
        int dot = good.indexOf('.');
        char c = good.charAt(dot + 1);
        String forged = good.substring(0, dot + 1) + (c == 'A' ? 'B' : 'A') + good.substring(dot + 2);
        assertEquals(TokenStatus.BAD_SIGNATURE, verify(forged, TokenRole.SUBSCRIBE));
    }

    @Test
    void badSignature_payloadSwappedUnderTheSameMac() {
        String viewer = token(NEW_KEY, TokenRole.SUBSCRIBE, NOW + 60);
        String publisher = token(NEW_KEY, TokenRole.PUBLISH, NOW + 60);
        // Privilege escalation attempt: the publisher payload with the viewer's MAC.
        String forged = publisher.substring(0, publisher.indexOf('.')) + viewer.substring(viewer.indexOf('.'));
        assertEquals(TokenStatus.BAD_SIGNATURE, verify(forged, TokenRole.PUBLISH));
    }

    @Test
    void badSignature_rightKeyIdWrongSecret() {
        TokenKey impostor = TokenKey.of(NEW_KEY.keyId(), secret(77));
        assertEquals(TokenStatus.BAD_SIGNATURE, verify(token(impostor, TokenRole.SUBSCRIBE, NOW + 60), TokenRole.SUBSCRIBE));
    }

    @Test
    void badSignature_winsOverExpiry_becauseUnauthenticatedFieldsAreNotBelieved() {
        TokenKey impostor = TokenKey.of(NEW_KEY.keyId(), secret(77));
        assertEquals(TokenStatus.BAD_SIGNATURE, verify(token(impostor, TokenRole.PUBLISH, NOW - 1), TokenRole.SUBSCRIBE));
    }

    @Test
    void expired_atTheExpirySecond_andSkewExtendsIt() {
        String token = token(NEW_KEY, TokenRole.SUBSCRIBE, NOW);
        assertEquals(TokenStatus.OK, verifier.verify(token, STREAM, TokenRole.SUBSCRIBE, NOW - 1).status());
        assertEquals(TokenStatus.EXPIRED, verifier.verify(token, STREAM, TokenRole.SUBSCRIBE, NOW).status());

        TokenVerifier lenient = TokenVerifier.builder().addKey(NEW_KEY).allowedClockSkewSeconds(30).build();
        assertEquals(TokenStatus.OK, lenient.verify(token, STREAM, TokenRole.SUBSCRIBE, NOW + 29).status());
        assertEquals(TokenStatus.EXPIRED, lenient.verify(token, STREAM, TokenRole.SUBSCRIBE, NOW + 30).status());
        assertEquals(TokenStatus.EXPIRED, lenient.verify(token, STREAM, TokenRole.SUBSCRIBE, Long.MAX_VALUE).status());
    }

    @Test
    void wrongRole_bothDirections() {
        assertEquals(TokenStatus.WRONG_ROLE, verify(token(NEW_KEY, TokenRole.SUBSCRIBE, NOW + 60), TokenRole.PUBLISH));
        assertEquals(TokenStatus.WRONG_ROLE, verify(token(NEW_KEY, TokenRole.PUBLISH, NOW + 60), TokenRole.SUBSCRIBE));
    }

    @Test
    void wrongStream() {
        String token = token(NEW_KEY, TokenRole.SUBSCRIBE, NOW + 60);
        assertEquals(TokenStatus.WRONG_STREAM,
            verifier.verify(token, "concert-43", TokenRole.SUBSCRIBE, NOW).status());
    }

    @Test
    void outOfScope_regionAndNode() {
        TokenIssuer issuer = new TokenIssuer(NEW_KEY);
        String otherRegion = issuer.issue(TokenClaims.builder(STREAM, TokenRole.SUBSCRIBE, NOW + 60).region("us-east").build());
        String otherNode = issuer.issue(TokenClaims.builder(STREAM, TokenRole.SUBSCRIBE, NOW + 60)
            .region("eu-west").nodeId("eu-west-2").build());
        String anyNodeInRegion = issuer.issue(TokenClaims.builder(STREAM, TokenRole.SUBSCRIBE, NOW + 60).region("eu-west").build());

        assertEquals(TokenStatus.OUT_OF_SCOPE, verify(otherRegion, TokenRole.SUBSCRIBE));
        assertEquals(TokenStatus.OUT_OF_SCOPE, verify(otherNode, TokenRole.SUBSCRIBE));
        assertEquals(TokenStatus.OK, verify(anyNodeInRegion, TokenRole.SUBSCRIBE));

        TokenVerifier unscopedNode = TokenVerifier.builder().addKey(NEW_KEY).build();
        assertEquals(TokenStatus.OUT_OF_SCOPE,
            unscopedNode.verify(anyNodeInRegion, STREAM, TokenRole.SUBSCRIBE, NOW).status());
    }

    @Test
    void rotation_bothKeysAcceptedDuringOverlap_oldRejectedAfterRetirement() {
        String signedOld = token(OLD_KEY, TokenRole.SUBSCRIBE, NOW + 60);
        String signedNew = token(NEW_KEY, TokenRole.SUBSCRIBE, NOW + 60);
        assertEquals(TokenStatus.OK, verify(signedOld, TokenRole.SUBSCRIBE));
        assertEquals(TokenStatus.OK, verify(signedNew, TokenRole.SUBSCRIBE));
        assertEquals("2026-10", verifier.verify(signedOld, STREAM, TokenRole.SUBSCRIBE, NOW).keyId());

        TokenVerifier afterRetirement = TokenVerifier.builder().addKey(NEW_KEY).region("eu-west").build();
        assertEquals(TokenStatus.UNKNOWN_KEY, afterRetirement.verify(signedOld, STREAM, TokenRole.SUBSCRIBE, NOW).status());
        assertEquals(TokenStatus.OK, afterRetirement.verify(signedNew, STREAM, TokenRole.SUBSCRIBE, NOW).status());
    }

    @Test
    void authenticPayloadWithUnknownRoleByte_isMalformed() {
        // What a newer issuer with a third role would produce: authentic, but not ours to grant.
        byte[] payload = Base64Url.decode(token(NEW_KEY, TokenRole.SUBSCRIBE, NOW + 60), 0,
            token(NEW_KEY, TokenRole.SUBSCRIBE, NOW + 60).indexOf('.'));
        payload[1] = 9;
        String token = Base64Url.encode(payload) + "." + Base64Url.encode(HmacSha256.mac(NEW_KEY.secret(), payload));
        assertEquals(TokenStatus.MALFORMED, verify(token, TokenRole.SUBSCRIBE));
    }

    @Test
    void unicodeStreamIds_roundTrip() {
        String stream = "コンサート-🎸-42";
        String token = new TokenIssuer(NEW_KEY).issue(TokenClaims.builder(stream, TokenRole.SUBSCRIBE, NOW + 60).build());
        assertEquals(TokenStatus.OK, verifier.verify(token, stream, TokenRole.SUBSCRIBE, NOW).status());
        assertEquals(TokenStatus.WRONG_STREAM, verifier.verify(token, "コンサート-🎸-43", TokenRole.SUBSCRIBE, NOW).status());
    }

    @Test
    void argumentChecks_nameTheArgument() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TokenKey.of("bad id", secret(1)))
            .getMessage().contains("keyId"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TokenKey.of("k", new byte[16]))
            .getMessage().contains("secret"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> TokenClaims.builder("", TokenRole.PUBLISH, 1)).getMessage().contains("streamId"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> TokenClaims.builder("x".repeat(129), TokenRole.PUBLISH, 1)).getMessage().contains("streamId"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> TokenClaims.builder("s", TokenRole.PUBLISH, 0)).getMessage().contains("expiresAtEpochSeconds"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> TokenClaims.builder("s", TokenRole.PUBLISH, 1).region("\uD800")).getMessage().contains("region"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> verifier.verify("t", null, TokenRole.PUBLISH, NOW)).getMessage().contains("streamId"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> TokenVerifier.builder().addKey(NEW_KEY).addKey(TokenKey.of(NEW_KEY.keyId(), secret(5))))
            .getMessage().contains("2026-11"));
        assertThrows(IllegalStateException.class, () -> TokenVerifier.builder().build());
    }

    @Test
    void tokenKey_copiesTheSecret() {
        byte[] s = secret(4);
        TokenKey key = TokenKey.of("copy", s);
        Arrays.fill(s, (byte) 0);
        assertNotEquals(0, key.secret()[1]);
        assertEquals("copy", key.keyId());
        assertTrue(new String(key.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).contains("copy"));
    }
}
