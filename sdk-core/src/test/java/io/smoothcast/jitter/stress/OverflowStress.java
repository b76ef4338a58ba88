package io.smoothcast.jitter.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smoothcast.jitter.JitterBufferStats;
import io.smoothcast.jitter.SpscJitterBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The producer offers 24 frames into 16 slots while the consumer polls, so slots are reused
 * concurrently and the overflow policy runs. Result: (every offered packet delivered or counted
 * as discarded/dropped: 1, error bits). Reused slots must never deliver torn or stale bytes.
 */
@JCStressTest
@Description("SPSC jitter buffer under overflow and slot reuse: every packet delivered or counted, none torn")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "every packet accounted for, frames intact and in order")
@Outcome(expect = FORBIDDEN, desc = "a packet vanished or was counted twice (0), or a frame was reordered, duplicated or torn")
@State
public class OverflowStress {

    private static final int PACKETS = 24;

    private final SpscJitterBuffer buffer = StressPackets.newBuffer(16);
    private final byte[][] payloads = StressPackets.payloads(PACKETS + 2);
    private final StressPackets.Checker checker = new StressPackets.Checker();

    @Actor
    public void producer() {
        for (int seq = 0; seq < PACKETS; seq++) {
            StressPackets.offer(buffer, payloads, seq);
        }
    }

    @Actor
    public void consumer() {
        for (int i = 0; i < 4; i++) {
            buffer.poll(StressPackets.NOW_NS, checker);
        }
    }

    @Arbiter
    public void collect(II_Result r) {
        buffer.poll(StressPackets.NOW_NS, checker);
        // A packet right after a rejected one has no known frame start and waits for a later
        // frame; two more frames settle every packet before them (the last one's start is known).
        StressPackets.offer(buffer, payloads, PACKETS);
        StressPackets.offer(buffer, payloads, PACKETS + 1);
        buffer.poll(StressPackets.NOW_NS, checker);
        JitterBufferStats s = buffer.readStats(new JitterBufferStats());
        long accounted = s.packetsEmitted() + s.packetsDiscardedOverflow() + s.packetsDroppedIncomplete();
        boolean emittedMatches = s.packetsEmitted() == checker.delivered;
        r.r1 = accounted == PACKETS + 2 && emittedMatches ? 1 : 0;
        r.r2 = checker.errors;
    }
}
