package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class SourceRateLimiterTest {

    private static final long MS = 1_000_000L;
    private static final InetSocketAddress A = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1000);
    private static final InetSocketAddress B = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1001);

    @Test
    void burstThenSustainedRate_inVirtualTime() {
        SourceRateLimiter limiter = new SourceRateLimiter(10, 3, 8); // one per 100 ms, bursts of 3
        long now = 5_000 * MS;
        assertTrue(limiter.allow(A, now));
        assertTrue(limiter.allow(A, now));
        assertTrue(limiter.allow(A, now));
        assertFalse(limiter.allow(A, now), "fourth at once is over the burst");
        assertTrue(limiter.allow(B, now), "another source has its own budget");
        assertFalse(limiter.allow(A, now + 99 * MS));
        assertTrue(limiter.allow(A, now + 100 * MS), "one more after one interval");
        assertFalse(limiter.allow(A, now + 100 * MS));
        assertTrue(limiter.allow(A, now + 10_000 * MS), "an idle source gets its burst back");
        assertTrue(limiter.allow(A, now + 10_000 * MS));
        assertTrue(limiter.allow(A, now + 10_000 * MS));
        assertFalse(limiter.allow(A, now + 10_000 * MS));
    }

    @Test
    void stateIsBoundedByMaxSources_oldestEvicted() {
        SourceRateLimiter limiter = new SourceRateLimiter(1, 1, 16);
        for (int port = 1; port <= 10_000; port++) {
            limiter.allow(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            assertTrue(limiter.trackedSources() <= 16, "tracked " + limiter.trackedSources());
        }
        assertEquals(16, limiter.trackedSources());
        // Port 10,000 is still tracked (and over its budget); port 1 was evicted long ago.
        assertFalse(limiter.allow(new InetSocketAddress(InetAddress.getLoopbackAddress(), 10_000), 0));
        assertTrue(limiter.allow(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1), 0));
    }

    @Test
    void aSourceThatKeepsSending_staysTracked_whileOthersChurn() {
        SourceRateLimiter limiter = new SourceRateLimiter(1, 2, 4);
        assertTrue(limiter.allow(A, 0));
        assertTrue(limiter.allow(A, 0));
        for (int port = 2000; port < 2100; port++) {
            // three strangers between two datagrams of A: A is never the least recently heard
            limiter.allow(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            if (port % 3 == 0) {
                assertFalse(limiter.allow(A, 0), "A is still over its budget at port " + port);
            }
        }
        assertEquals(4, limiter.trackedSources());
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new SourceRateLimiter(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new SourceRateLimiter(1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new SourceRateLimiter(1, 1, 0));
    }
}
