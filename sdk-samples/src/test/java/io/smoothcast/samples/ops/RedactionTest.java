package io.smoothcast.samples.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void secretKeysAreRedacted_othersKept() {
        Map<String, String> out = Redaction.configuration(Map.of(
                "token.secret", "s3cr3t", "srtp.masterKey", "abcd", "admin-password", "hunter2",
                "bind", "0.0.0.0:5004", "region", "eu-west"));
        assertEquals(Redaction.REDACTED, out.get("token.secret"));
        assertEquals(Redaction.REDACTED, out.get("srtp.masterKey"));
        assertEquals(Redaction.REDACTED, out.get("admin-password"));
        assertEquals("0.0.0.0:5004", out.get("bind"));
        assertEquals("eu-west", out.get("region"));
    }

    @Test
    void secretsInFreeTextAreRedacted() {
        assertEquals("join token=<redacted> stream=a", Redaction.text("join token=abc.def.ghi stream=a"));
        assertEquals("Authorization: <redacted>", Redaction.text("Authorization: Bearer eyJhbGciOi"));
        assertEquals("upstream https://ops:<redacted>@example.org/x",
                Redaction.text("upstream https://ops:pa55@example.org/x"));
        assertEquals("apiKey: <redacted>", Redaction.text("apiKey: \"k-123\""));
        assertEquals("plain line, nothing secret", Redaction.text("plain line, nothing secret"));
        assertFalse(Redaction.text("password=hunter2").contains("hunter2"));
        assertEquals("", Redaction.text(null));
    }
}
