package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The bounded memory of token-checked role requests (counted once however many copies). */
class RelaySessionTokenChecksTest {

    private static final long SECOND = 1_000_000_000L;

    private final RelaySession session = new RelaySession(new InetSocketAddress("127.0.0.1", 6000), 1, 0);

    @Test
    void everyRequestOfTheLastTenSeconds_isRemembered_upToTheBound() {
        for (int id = 1; id <= RelaySession.TOKEN_CHECKS_MAX; id++) {
            assertTrue(session.firstTokenCheck(id, id * SECOND / 10));
        }
        for (int id = 1; id <= RelaySession.TOKEN_CHECKS_MAX; id++) {
            assertFalse(session.firstTokenCheck(id, 7 * SECOND), "copy of " + id);
        }
        // One more within the ten seconds: the oldest is forgotten (the documented limit).
        assertTrue(session.firstTokenCheck(1000, 7 * SECOND));
        assertTrue(session.firstTokenCheck(1, 7 * SECOND));
    }

    @Test
    void requestsOlderThanTenSeconds_makeRoomWithoutGrowing() {
        for (int id = 1; id <= 8; id++) {
            assertTrue(session.firstTokenCheck(id, 0));
        }
        // Eleven seconds on, each new request takes the place of the oldest: the 9th that of
        // request 1, then request 1 again (forgotten) that of request 2; 3-9 are still known.
        assertTrue(session.firstTokenCheck(9, 11 * SECOND));
        assertTrue(session.firstTokenCheck(1, 11 * SECOND), "forgotten: older than ten seconds, and no room kept");
        for (int id = 3; id <= 9; id++) {
            assertFalse(session.firstTokenCheck(id, 11 * SECOND), "copy of " + id);
        }
    }
}
