package io.smoothcast.srtp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smoothcast.srtp.Hex;

import org.junit.jupiter.api.Test;

/** RFC 3711 appendix B.3: key derivation with the AES-CM PRF. */
class AesCmKeyDerivationTest {

    private static final byte[] MASTER_KEY = Hex.decode("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static final byte[] MASTER_SALT = Hex.decode("0EC675AD498AFEEBB6960B3AABE6");

    @Test
    void rfc3711_b3_cipherKey() {
        assertArrayEquals(Hex.decode("C61E7A93744F39EE10734AFE3FF7A087"),
            AesCmKeyDerivation.derive(MASTER_KEY, MASTER_SALT, AesCmKeyDerivation.SRTP_ENCRYPTION, 16));
    }

    @Test
    void rfc3711_b3_cipherSalt() {
        assertArrayEquals(Hex.decode("30CBBC08863D8C85D49DB34A9AE1"),
            AesCmKeyDerivation.derive(MASTER_KEY, MASTER_SALT, AesCmKeyDerivation.SRTP_SALT, 14));
    }

    @Test
    void rfc3711_b3_authenticationKey_spansSeveralBlocks() {
        assertArrayEquals(Hex.decode("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"),
            AesCmKeyDerivation.derive(MASTER_KEY, MASTER_SALT, AesCmKeyDerivation.SRTP_AUTHENTICATION, 20));
    }

    @Test
    void twelveByteSalt_isTheFourteenByteSaltWithTwoZeroBytes() {
        byte[] salt12 = Hex.decode("0EC675AD498AFEEBB6960B3A");
        byte[] salt14 = Hex.decode("0EC675AD498AFEEBB6960B3A0000");
        assertArrayEquals(AesCmKeyDerivation.derive(MASTER_KEY, salt14, AesCmKeyDerivation.SRTCP_ENCRYPTION, 16),
            AesCmKeyDerivation.derive(MASTER_KEY, salt12, AesCmKeyDerivation.SRTCP_ENCRYPTION, 16));
    }

    @Test
    void rejectsOddLengths() {
        assertThrows(IllegalArgumentException.class,
            () -> AesCmKeyDerivation.derive(new byte[15], MASTER_SALT, 0, 16));
        assertThrows(IllegalArgumentException.class,
            () -> AesCmKeyDerivation.derive(MASTER_KEY, new byte[13], 0, 16));
    }
}
