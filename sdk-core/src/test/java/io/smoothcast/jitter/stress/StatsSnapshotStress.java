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
 * A third thread reads the statistics while the producer offers two packets of 16 bytes.
 * Result: (packetsReceived, bytesReceived) of the snapshot; they must belong to the same moment.
 */
@JCStressTest
@Description("Jitter buffer statistics: snapshots read from another thread are never torn")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "read before the first packet")
@Outcome(id = "1, 16", expect = ACCEPTABLE, desc = "read between the packets")
@Outcome(id = "2, 32", expect = ACCEPTABLE, desc = "read after both packets")
@Outcome(expect = FORBIDDEN, desc = "torn snapshot: counters from different moments")
@State
public class StatsSnapshotStress {

    private final SpscJitterBuffer buffer = StressPackets.newBuffer(16);
    private final byte[][] payloads = StressPackets.payloads(2);
    private final JitterBufferStats snapshot = new JitterBufferStats();

    @Actor
    public void producer() {
        StressPackets.offer(buffer, payloads, 0);
        StressPackets.offer(buffer, payloads, 1);
    }

    @Actor
    public void reader(JJ_Result r) {
        buffer.readStats(snapshot);
        r.r1 = snapshot.packetsReceived();
        r.r2 = snapshot.bytesReceived();
    }
}
