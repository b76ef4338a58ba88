package io.smoothcast.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** Random and mutated strings only ever produce a status; only the untouched token is accepted. */
class HostileTokenTest {

    private static final long SEED = 0x5EC0_17E5L;
    private static final String ALPHABET =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \n\u0000é\uD800\uDFFF🎸";

    private final TokenKey key = TokenKey.of("k1", TokenVerifierTest.secret(1));
    private final TokenVerifier verifier = TokenVerifier.builder().addKey(key).build();
    private final String good = new TokenIssuer(key).issue(
        TokenClaims.builder("stream", TokenRole.SUBSCRIBE, TokenVerifierTest.NOW + 60).build());

    @Test
    void randomStrings_neverThrow_neverPass() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(TokenVerifier.MAX_TOKEN_CHARS + 20);
            for (int j = 0; j < length; j++) {
                s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            TokenVerification v = verifier.verify(s.toString(), "stream", TokenRole.SUBSCRIBE, TokenVerifierTest.NOW);
            assertNotNull(v.status());
            assertNotEquals(TokenStatus.OK, v.status(), "seed " + SEED + " iteration " + i + ": " + s);
        }
    }

    @Test
    void mutatedTokens_onlyTheOriginalPasses() {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder(good);
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits && s.length() > 0; e++) {
                int at = random.nextInt(s.length());
                char c = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
                switch (random.nextInt(4)) {
                    case 0 -> s.setCharAt(at, c);
                    case 1 -> s.insert(at, c);
                    case 2 -> s.deleteCharAt(at);
                    default -> s.setLength(at);
                }
            }
            String mutated = s.toString();
            TokenStatus status = verifier.verify(mutated, "stream", TokenRole.SUBSCRIBE, TokenVerifierTest.NOW).status();
            if (mutated.equals(good)) {
                assertEquals(TokenStatus.OK, status);
            } else {
                assertNotEquals(TokenStatus.OK, status, "seed " + (SEED + 1) + " iteration " + i + ": " + mutated);
            }
        }
    }
}
