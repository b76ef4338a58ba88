package io.smoothcast.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.security.FrameKey;
import io.smoothcast.security.SframeCipherSuite;
import org.junit.jupiter.api.Test;

/** The {@code --e2e-key} and {@code --upstream-token-key} options. No sockets are opened. */
class FrameKeyOptionTest {

    private static final String SECRET_HEX = "00112233445566778899aabbccddeeff";

    @Test
    void parsesIdAndHexSecret() {
        FrameKey key = FrameKeyOption.parse("7=" + SECRET_HEX);
        assertEquals(7, key.keyId());
        assertEquals(SframeCipherSuite.AES_128_GCM_SHA256_128, key.suite());
        assertEquals(SECRET_HEX, java.util.HexFormat.of().formatHex(key.baseKey()));
    }

    @Test
    void refusesMalformedKeys_withAReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FrameKeyOption.parse(SECRET_HEX))
                .getMessage().contains("ID=HEX"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FrameKeyOption.parse("x=" + SECRET_HEX))
                .getMessage().contains("key id"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FrameKeyOption.parse("1=zz"))
                .getMessage().contains("hex"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FrameKeyOption.parse("1=0011"))
                .getMessage().contains("16-64 bytes"));
    }

    @Test
    void badOptionValues_areUsageErrorsNamingTheOption() {
        CliRun.assertUsageError("--e2e-key", "broadcast", "--node", "7000", "--e2e-key", "nonsense");
        CliRun.assertUsageError("--e2e-key", "view", "--node", "7000", "--e2e-key", "1=00");
        CliRun.assertUsageError("--upstream-token-key", "relay", "--upstream-token-key", "k=" + SECRET_HEX);
        CliRun.assertUsageError("--upstream-token-key", "relay", "--upstream", "127.0.0.1:7000",
                "--upstream-token-key", "no-equals-sign");
    }
}
