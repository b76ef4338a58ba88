package io.smoothcast.security.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Base64;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class Base64UrlTest {

    @Test
    void matchesTheJdkEncoder_andRoundTrips() {
        long seed = 42;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 2_000; i++) {
            byte[] bytes = new byte[random.nextInt(80)];
            random.nextBytes(bytes);
            String text = Base64Url.encode(bytes);
            assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), text, "seed " + seed);
            assertArrayEquals(bytes, Base64Url.decode(text, 0, text.length()), "seed " + seed);
        }
    }

    @Test
    void rejectsPaddingOtherAlphabetsImpossibleLengthsAndLeftoverBits() {
        // "AB" and "AAB" are the bytes of "AA" / "AAA" with a leftover bit set: a second spelling.
        for (String bad : new String[] {"A", "AAAAA", "AA==", "AB+/", "A B", "AB\u00e9", "AB", "AAB"}) {
            assertNull(Base64Url.decode(bad, 0, bad.length()), bad);
        }
        assertArrayEquals(new byte[0], Base64Url.decode("", 0, 0));
        assertArrayEquals(new byte[] {0}, Base64Url.decode("AA", 0, 2));
    }
}
