package io.smoothcast.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes {@link TokenVerifier#verify} with arbitrary strings. Oracle: a status for everything
 * (no exception), claims only with {@code OK}, and an {@code OK} only for what a key holder
 * issued (the fuzzer cannot forge a MAC, so OK must mean the token re-issues to itself).
 */
class TokenVerifierFuzzTest {

    private static final TokenKey KEY = TokenKey.of("fuzz", new byte[32]);
    private static final TokenVerifier VERIFIER = TokenVerifier.builder().addKey(KEY)
        .region("eu").nodeId("eu-1").allowedClockSkewSeconds(5).build();

    @FuzzTest(maxDuration = "30s")
    void verify(FuzzedDataProvider input) {
        boolean publish = input.consumeBoolean();
        long now = input.consumeLong();
        String stream = input.consumeString(200);
        String token = input.consumeRemainingAsString();
        TokenRole role = publish ? TokenRole.PUBLISH : TokenRole.SUBSCRIBE;
        TokenVerification v = VERIFIER.verify(token, stream, role, now);
        assertNotNull(v.status());
        if (!v.isOk()) {
            assertNull(v.claims());
            return;
        }
        assertEquals(stream, v.claims().streamId());
        assertEquals(role, v.claims().role());
        assertEquals(token, new TokenIssuer(KEY).issue(v.claims()));
    }
}
