package io.smoothcast.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.security.TokenKey;
import io.smoothcast.security.TokenRole;
import io.smoothcast.security.TokenStatus;
import io.smoothcast.security.TokenVerification;
import io.smoothcast.security.TokenVerifier;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TokenCommandTest {

    private static final String SECRET = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    @Test
    void mintedToken_verifiesForItsStreamRoleAndNode_only() {
        String token = run(0, "token", "--secret", SECRET, "--key-id", "k1", "--stream", "show",
                "--role", "publish", "--ttl", "120", "--node", "node-a").trim();
        TokenVerifier verifier = TokenVerifier.builder()
                .addKey(TokenKey.of("k1", HexFormat.of().parseHex(SECRET))).nodeId("node-a").build();
        long now = System.currentTimeMillis() / 1000;
        TokenVerification ok = verifier.verify(token, "show", TokenRole.PUBLISH, now);
        assertEquals(TokenStatus.OK, ok.status());
        assertTrue(ok.claims().expiresAtEpochSeconds() - now <= 120 && ok.claims().expiresAtEpochSeconds() - now >= 110,
                ok.claims().toString());
        assertEquals(TokenStatus.WRONG_ROLE, verifier.verify(token, "show", TokenRole.SUBSCRIBE, now).status());
        assertEquals(TokenStatus.EXPIRED, verifier.verify(token, "show", TokenRole.PUBLISH, now + 200).status());
    }

    @Test
    void badArguments_areUsageErrors_namingTheOption() {
        assertTrue(run(2, "token", "--secret", "abcd", "--key-id", "k1", "--stream", "s", "--role", "publish")
                .contains("--secret"));
        assertTrue(run(2, "token", "--secret", "zz" + SECRET.substring(2), "--key-id", "k1", "--stream", "s",
                "--role", "publish").contains("--secret"));
        assertTrue(run(2, "token", "--secret", SECRET, "--key-id", "k1", "--stream", "s", "--role", "admin")
                .contains("--role"));
        assertTrue(run(2, "token", "--secret", SECRET, "--key-id", "k1", "--stream", "s", "--role", "publish",
                "--ttl", "0").contains("--ttl"));
        assertTrue(run(2, "token", "--secret", SECRET, "--key-id", "bad key", "--stream", "s", "--role", "publish")
                .contains("keyId"));
    }

    @Test
    void tokenOptionsOfRelayBroadcastAndView_rejectBadValues_beforeAnythingStarts() {
        assertTrue(run(2, "relay", "--port", "0", "--token-key", "no-equals-sign").contains("--token-key"));
        String shortKey = run(2, "relay", "--port", "0", "--token-key", "k1=abcd");
        assertTrue(shortKey.startsWith("Invalid value for option '--token-key': the secret must be 32-64 bytes"), shortKey);
        // With --node: without it the missing --node is the error (this used to pass only because the
        // whole usage, which names --token, was printed after it).
        assertTrue(run(2, "broadcast", "--node", "127.0.0.1:7000", "--token", "has space")
                .startsWith("Invalid value for option '--token'"));
        assertTrue(run(2, "view", "--node", "127.0.0.1:7000", "--token", "has space")
                .startsWith("Invalid value for option '--token'"));
    }

    /** Runs the CLI and returns stdout on success or stderr otherwise. */
    private static String run(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SmoothcastCli.newCommandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertEquals(expectedExit, cli.execute(args), () -> out + " / " + err);
        return expectedExit == 0 ? out.toString() : err.toString();
    }
}
