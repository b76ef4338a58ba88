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
import org.openjdk.jcstress.infra.results.IIIIII_Result;

/**
 * The producer offers 24 packets into 16 slots while the consumer polls, so slots and payload
 * memory are reused concurrently and the overflow policy runs. Reused memory must never deliver
 * torn or stale bytes, and every packet must end up in exactly one count.
 *
 * <p>Result, so that a failure says which count is off: (r1) packets accounted for minus packets
 * offered (0; negative: some vanished, positive: some counted twice), then the counts it sums:
 * (r2) packetsEmitted, (r3) packetsDiscardedOverflow, (r4) packetsDroppedIncomplete; (r5)
 * packets the handler received minus packetsEmitted (0); (r6) the checker's error bits
 * ({@link StressPackets#ERROR_ORDER}, {@link StressPackets#ERROR_TORN}; 0). r2-r4 vary with the
 * interleaving.
 */
@JCStressTest
@Description("SPSC jitter buffer under overflow and slot reuse: every packet delivered or counted, none torn")
@Outcome(id = "0, \\d+, \\d+, \\d+, 0, 0", expect = ACCEPTABLE,
        desc = "every packet counted once (emitted, overflow, dropped incomplete), frames intact and in order")
@Outcome(id = "-\\d+, .*", expect = FORBIDDEN, desc = "packets vanished: in no count (r2-r4 show which is low)")
@Outcome(id = "[1-9]\\d*, .*", expect = FORBIDDEN, desc = "packets counted twice (r2-r4 show which is high)")
@Outcome(id = "0, \\d+, \\d+, \\d+, -?[1-9]\\d*, \\d+", expect = FORBIDDEN,
        desc = "the handler received a different number of packets than packetsEmitted says")
@Outcome(expect = FORBIDDEN, desc = "a frame was reordered, duplicated or torn (r6: 1 order, 2 torn)")
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
    public void collect(IIIIII_Result r) {
        buffer.poll(StressPackets.NOW_NS, checker);
        // A packet right after a rejected one has no known frame start and waits for a later
        // frame; two more frames settle every packet before them (the last one's start is known).
        StressPackets.offer(buffer, payloads, PACKETS);
        StressPackets.offer(buffer, payloads, PACKETS + 1);
        buffer.poll(StressPackets.NOW_NS, checker);
        JitterBufferStats s = buffer.readStats(new JitterBufferStats());
        long accounted = s.packetsEmitted() + s.packetsDiscardedOverflow() + s.packetsDroppedIncomplete();
        r.r1 = (int) (accounted - (PACKETS + 2));
        r.r2 = (int) s.packetsEmitted();
        r.r3 = (int) s.packetsDiscardedOverflow();
        r.r4 = (int) s.packetsDroppedIncomplete();
        r.r5 = (int) (checker.delivered - s.packetsEmitted());
        r.r6 = checker.errors;
    }
}
