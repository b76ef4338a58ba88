package io.smoothcast.transport.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CaptureAnchorTest {

    private static final long CAPTURE_UNIX_NS = 1_700_000_000_000_000_000L;

    @Test
    void captureTimes_acrossTheRtpTimestampWrap_followTheTicks() {
        CaptureAnchor anchor = new CaptureAnchor(90_000);
        anchor.update(0xFFFF_FF00, CAPTURE_UNIX_NS); // 256 ticks before the wrap
        int afterWrap = 0x0000_0100; // 512 ticks after the anchor
        long expected = CAPTURE_UNIX_NS + 512 * 1_000_000_000L / 90_000;
        assertEquals(expected, anchor.captureUnixNs(afterWrap));
        assertEquals(expected, anchor.latestCaptureUnixNs(afterWrap));
        // and an anchor just after the wrap, a frame just before it
        anchor.update(afterWrap, CAPTURE_UNIX_NS);
        assertEquals(CAPTURE_UNIX_NS - 512 * 1_000_000_000L / 90_000, anchor.captureUnixNs(0xFFFF_FF00));
    }
}
