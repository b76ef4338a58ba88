package io.smoothcast.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smoothcast.srtp.internal.RolloverCounter;
import io.smoothcast.srtp.internal.StreamState;
import io.smoothcast.srtp.internal.StreamTable;
import org.junit.jupiter.api.Test;

/** The index rule that both the sender (no repeated IV) and the receiver (no replay) apply. */
class SrtpArgumentsTest {

    private static StreamState stream(long roc, int highestSeq) {
        StreamState state = new StreamTable(1, 64).add(1);
        state.roc = roc;
        state.highestSeq = highestSeq;
        state.window.accept((roc << 16) | highestSeq);
        return state;
    }

    @Test
    void knownStreamIndex_followsTheRolloverCounter() {
        StreamState state = stream(3, 0xFFF0);
        assertEquals((4L << 16) | 2, SrtpArguments.knownStreamIndex(state, 2));
        assertEquals((3L << 16) | 0xFFF1, SrtpArguments.knownStreamIndex(state, 0xFFF1));
    }

    @Test
    void knownStreamIndex_refusesRepeatsOldIndicesAndAnExhaustedCounter() {
        StreamState state = stream(3, 0xFFF0);
        assertEquals(SrtpStatus.REPLAYED, SrtpArguments.knownStreamIndex(state, 0xFFF0));
        assertEquals(SrtpStatus.TOO_OLD, SrtpArguments.knownStreamIndex(state, 0xFFF0 - 64));
        assertEquals(SrtpStatus.TOO_OLD, SrtpArguments.knownStreamIndex(stream(0, 10), 0xFFF0));
        assertEquals(SrtpStatus.INDEX_EXHAUSTED,
                SrtpArguments.knownStreamIndex(stream(RolloverCounter.MAX_ROC, 0xFFF0), 2));
    }
}
