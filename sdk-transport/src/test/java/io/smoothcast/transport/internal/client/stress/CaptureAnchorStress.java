package io.smoothcast.transport.internal.client.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smoothcast.transport.internal.client.CaptureAnchor;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.J_Result;

/**
 * The I/O thread renews the anchor twice while the playout thread asks for the capture time of
 * RTP timestamp 3,000 (clock rate 1 kHz, so a tick is 1 ms). The two anchors, (0, 0 s) and
 * (1,000, 5 s), give 3 s and 7 s; a reader that combined the timestamp of one update with the
 * time of another would get 2 s (1,000 with 0 s) or 8 s (0 with 5 s).
 */
@JCStressTest
@Description("CaptureAnchor: the playout thread never pairs one update's RTP timestamp with another's capture time")
@Outcome(id = "-9223372036854775808", expect = ACCEPTABLE, desc = "read before the first update: UNKNOWN")
@Outcome(id = "3000000000", expect = ACCEPTABLE, desc = "read the first anchor")
@Outcome(id = "7000000000", expect = ACCEPTABLE, desc = "read the second anchor")
@Outcome(expect = FORBIDDEN, desc = "torn anchor: timestamp and capture time from different updates")
@State
public class CaptureAnchorStress {

    private final CaptureAnchor anchor = new CaptureAnchor(1000);

    @Actor
    public void ioThread() {
        anchor.update(0, 0L);
        anchor.update(1000, 5_000_000_000L);
    }

    @Actor
    public void playoutThread(J_Result r) {
        r.r1 = anchor.captureUnixNs(3000);
    }
}
