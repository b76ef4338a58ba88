package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** What a session remembers of the streams it left: request ids at the LEAVE, bounded. */
class RelaySessionLeftStreamsTest {

    private final RelaySession session = new RelaySession(new InetSocketAddress("127.0.0.1", 6000), 1, 0);

    @Test
    void requestIds_compareAsSerialNumbers_acrossTheWrap() {
        session.requestReceived(Integer.MAX_VALUE - 1);
        session.requestReceived(Integer.MAX_VALUE + 2); // wrapped: numbered above
        session.leftStream("show");
        assertTrue(session.precedesLeaveOf("show", Integer.MAX_VALUE));
        assertTrue(session.precedesLeaveOf("show", Integer.MAX_VALUE + 2));
        assertFalse(session.precedesLeaveOf("show", Integer.MAX_VALUE + 3));
    }

    @Test
    void onlyTheLatestLeftStreamsAreRemembered_theEarliestForgottenFirst() {
        session.requestReceived(10);
        for (int i = 0; i <= RelaySession.LEFT_STREAMS_REMEMBERED; i++) {
            session.leftStream("s" + i);
        }
        assertFalse(session.precedesLeaveOf("s0", 5), "forgotten");
        for (int i = 1; i <= RelaySession.LEFT_STREAMS_REMEMBERED; i++) {
            assertTrue(session.precedesLeaveOf("s" + i, 5), "s" + i);
        }
    }

    @Test
    void aRequestAfterTheLeave_endsTheRuleForThatStream() {
        session.requestReceived(10);
        session.leftStream("show");
        assertFalse(session.precedesLeaveOf("show", 11));
        assertTrue(session.precedesLeaveOf("show", 9), "only checked: its address is not yet");
        session.roleRequestReceived("show", 11);
        assertFalse(session.precedesLeaveOf("show", 9), "the stream was joined again since");
    }

    @Test
    void aStreamLeftLongAgo_isForgotten_beforeItsIdsCouldPassForOlderOnes() {
        int id = 10;
        session.requestReceived(id);
        session.leftStream("show");
        // A cascading node's links share its session, each numbering from a range 2^16 above the
        // last one's: 2^15 of them carry the ids half way round, where serial comparison flips.
        for (int link = 0; link < 1 << 15; link++) {
            id += 1 << 16;
            session.requestReceived(id);
        }
        assertFalse(session.precedesLeaveOf("show", id + (1 << 16)), "a new link's SUBSCRIBE, not a late copy");
    }
}
