package io.smoothcast.transport.internal.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeRosterTest {

    private static final long MS = 1_000_000L;
    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 7001);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 7002);
    private static final InetSocketAddress C = new InetSocketAddress("127.0.0.1", 7003);

    private static final long SECOND = 1000 * MS;

    private final NodeRoster roster = new NodeRoster(List.of(A, B, C), 100 * MS, 800 * MS, 10 * SECOND, 40 * SECOND,
            3200 * MS);

    @Test
    void healthyNodes_inOrderOfPreference_skippingThoseInUse() {
        assertEquals(A, roster.pick(0, List.of()));
        assertEquals(B, roster.pick(0, List.of(A)));
        assertNull(roster.pick(0, List.of(A, B, C)));
    }

    @Test
    void failedNode_isTriedAfterEveryHealthyOne() {
        roster.failed(A, 0);
        assertEquals(B, roster.pick(1000 * MS, List.of()), "backoff over, but B is healthy");
        roster.failed(B, 0);
        roster.failed(C, 0);
        roster.failed(C, 0);
        assertEquals(A, roster.pick(1000 * MS, List.of()), "of the failed, the one that failed least");
    }

    @Test
    void backoffDoubles_upToTheCap_andTrustForgets() {
        roster.failed(A, 0);
        assertNull(roster.pick(99 * MS, List.of(B, C)));
        assertEquals(A, roster.pick(100 * MS, List.of(B, C)));
        roster.failed(A, 100 * MS); // second failure: 200 ms
        assertEquals(300 * MS, roster.nextRetryNs(100 * MS, List.of(B, C)));
        for (int i = 0; i < 10; i++) {
            roster.failed(A, 0);
        }
        assertEquals(800 * MS, roster.nextRetryNs(0, List.of(B, C)), "capped");
        assertEquals(12, roster.failureCount(A));
        roster.trusted(A);
        assertEquals(0, roster.failureCount(A));
        assertEquals(A, roster.pick(0, List.of()));
    }

    @Test
    void holdDown_endsAfterItsTime_thenListOrderAgain_andDoublesWithTheNextFailure() {
        roster.failed(A, 0);
        assertEquals(B, roster.pick(10 * SECOND - 1, List.of()), "A held down");
        assertEquals(A, roster.pick(10 * SECOND, List.of()), "hold-down over: first in the list again");
        roster.failed(A, 10 * SECOND); // second failure, not trusted in between: 20 s
        assertEquals(B, roster.pick(30 * SECOND - 1, List.of()));
        assertEquals(A, roster.pick(30 * SECOND, List.of()));
        for (int i = 0; i < 5; i++) {
            roster.failed(A, 0);
        }
        assertEquals(B, roster.pick(40 * SECOND - 1, List.of()), "capped at 40 s");
        assertEquals(A, roster.pick(40 * SECOND, List.of()));
    }

    @Test
    void acceptance_restartsTheBackoff_butKeepsTheFailuresAndTheHoldDown() {
        roster.failed(A, 0);
        roster.failed(A, 0);
        roster.failed(A, 0); // backoff 400 ms
        roster.accepted(A);
        roster.failed(A, SECOND); // a flap: backoff from the base again, hold-down doubled again
        assertEquals(SECOND + 100 * MS, roster.nextRetryNs(SECOND, List.of(B, C)), "retried promptly");
        assertEquals(4, roster.failureCount(A));
        roster.failed(B, SECOND);
        assertEquals(C, roster.pick(2 * SECOND, List.of()), "C never failed");
        assertEquals(B, roster.pick(2 * SECOND, List.of(C)), "B failed fewer times than A");
    }

    @Test
    void reorder_keepsTheMemoryOfNodesThatStay() {
        roster.failed(B, 0);
        roster.reorder(List.of(C, B));
        assertEquals(C, roster.pick(0, List.of()));
        assertEquals(1, roster.failureCount(B));
        assertEquals(List.of(C, B), roster.nodes());
    }

    @Test
    void tokenRefusal_delaysTheNodeByItsOwnBackoff_butNeitherCountsNorHoldsItDown() {
        roster.refusedToken(A, 0);
        assertEquals(0, roster.failureCount(A));
        assertFalse(roster.isHeldDown(A, 0));
        assertEquals(B, roster.pick(0, List.of()), "A waits for its backoff");
        assertEquals(A, roster.pick(100 * MS, List.of()), "then comes first again: not held down");
        for (int i = 1; i < 8; i++) {
            roster.refusedToken(A, 0);
        }
        assertEquals(3200 * MS, roster.nextRetryNs(0, List.of(B, C)), "capped by the token backoff, past 800 ms");
        assertEquals(8, roster.tokenRefusals(A));
    }

    @Test
    void renewal_leavesTheRankingAsIfTheRefusalsHadNotHappened() {
        roster.failed(A, 0); // a real failure: held down for 10 s, backoff 100 ms
        roster.refusedToken(A, 0);
        roster.refusedToken(A, 100 * MS);
        roster.refusedToken(B, 0);
        assertNull(roster.pick(50 * MS, List.of(C)), "both wait for their token backoff");
        roster.tokenRenewed();
        assertEquals(B, roster.pick(50 * MS, List.of(C)), "B never failed: first again");
        assertNull(roster.pick(50 * MS, List.of(B, C)), "A's own failure backoff still runs");
        assertEquals(A, roster.pick(100 * MS, List.of(B, C)), "and ends at its time, not the token backoff's");
        assertEquals(1, roster.failureCount(A));
        assertTrue(roster.isHeldDown(A, 100 * MS), "its real failure still holds it down");
        assertEquals(0, roster.failureCount(B));
        assertEquals(0, roster.tokenRefusals(A));
    }

    @Test
    void acceptance_endsTheTokenBackoff() {
        roster.refusedToken(A, 0);
        roster.refusedToken(A, 0);
        roster.accepted(A);
        assertEquals(A, roster.pick(0, List.of()));
        assertEquals(0, roster.tokenRefusals(A));
    }

    @Test
    void emptyList_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> new NodeRoster(List.of(), MS, MS, MS, MS, MS));
    }
}
