package io.smoothcast.jitter.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smoothcast.jitter.JitterBufferStats;
import io.smoothcast.jitter.SpscJitterBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

/**
 * A third thread reads the statistics while the producer offers a one-packet frame, then a
 * two-packet frame (the first packet without the marker, published only with the second).
 * Result: (packetsReceived, bytesReceived) of the snapshot; they must belong to the same
 * publication, and the frame's first packet is never published on its own.
 */
@JCStressTest
@Description("Jitter buffer statistics published per frame: snapshots are never torn nor inside a frame")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "read before the first frame")
@Outcome(id = "1, 16", expect = ACCEPTABLE, desc = "read after the first frame, before the second's end")
@Outcome(id = "3, 48", expect = ACCEPTABLE, desc = "read after both frames")
@Outcome(expect = FORBIDDEN, desc = "torn snapshot, or one published inside a frame")
@State
public class FrameStatsSnapshotStress {

    private final SpscJitterBuffer buffer = StressPackets.newBuffer(16);
    private final byte[][] payloads = StressPackets.payloads(3);
    private final JitterBufferStats snapshot = new JitterBufferStats();

    @Actor
    public void producer() {
        StressPackets.offer(buffer, payloads, 0);
        StressPackets.offerInFrame(buffer, payloads, 1, 10, false);
        StressPackets.offerInFrame(buffer, payloads, 2, 10, true);
    }

    @Actor
    public void reader(JJ_Result r) {
        buffer.readStats(snapshot);
        r.r1 = snapshot.packetsReceived();
        r.r2 = snapshot.bytesReceived();
    }
}
