package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class ReturnRoutabilityTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 4000);

    @Test
    void cookieIsStable_forOneAddressAndSession_andVerifiesOnlyThere() {
        ReturnRoutability routability = new ReturnRoutability(new SecureRandom());
        long cookie = routability.cookie(CLIENT, 42);
        assertNotEquals(0, cookie);
        assertEquals(cookie, routability.cookie(CLIENT, 42), "stateless: recomputed, not stored");
        assertTrue(routability.verify(CLIENT, 42, cookie));
        assertFalse(routability.verify(CLIENT, 42, 0), "no cookie");
        assertFalse(routability.verify(CLIENT, 42, cookie ^ 1), "one bit off");
        assertFalse(routability.verify(CLIENT, 43, cookie), "another session");
        assertFalse(routability.verify(new InetSocketAddress(InetAddress.getLoopbackAddress(), 4001), 42, cookie),
                "another port");
    }

    @Test
    void anotherNodeSecret_givesAnotherCookie() {
        long first = new ReturnRoutability(new SecureRandom()).cookie(CLIENT, 42);
        long second = new ReturnRoutability(new SecureRandom()).cookie(CLIENT, 42);
        assertNotEquals(first, second, "a restarted node must not accept old cookies (2^-64 to fail by chance)");
    }
}
