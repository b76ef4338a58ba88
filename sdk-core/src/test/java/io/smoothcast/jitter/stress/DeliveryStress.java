package io.smoothcast.jitter.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smoothcast.jitter.SpscJitterBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The producer offers four frames, two of them twice (a redundant second path), while the
 * consumer polls. Result: (frames the consumer took while racing, frames taken in all after both
 * finished, error bits). Every frame must arrive exactly once, in order, with intact bytes.
 */
@JCStressTest
@Description("SPSC jitter buffer: no frame lost, duplicated, reordered or torn")
@Outcome(id = "0, 4, 0", expect = ACCEPTABLE, desc = "consumer ran before any frame was published")
@Outcome(id = {"1, 4, 0", "2, 4, 0", "3, 4, 0"}, expect = ACCEPTABLE_INTERESTING, desc = "consumer raced the producer")
@Outcome(id = "4, 4, 0", expect = ACCEPTABLE, desc = "consumer ran after the producer")
@Outcome(expect = FORBIDDEN, desc = "a frame was lost (total < 4), duplicated (total > 4), reordered or torn (errors != 0)")
@State
public class DeliveryStress {

    private final SpscJitterBuffer buffer = StressPackets.newBuffer(16);
    private final byte[][] payloads = StressPackets.payloads(4);
    private final StressPackets.Checker checker = new StressPackets.Checker();
    private int racing;

    @Actor
    public void producer() {
        StressPackets.offer(buffer, payloads, 0);
        StressPackets.offer(buffer, payloads, 1);
        StressPackets.offer(buffer, payloads, 1);
        StressPackets.offer(buffer, payloads, 2);
        StressPackets.offer(buffer, payloads, 3);
        StressPackets.offer(buffer, payloads, 3);
    }

    @Actor
    public void consumer() {
        buffer.poll(StressPackets.NOW_NS, checker);
        buffer.poll(StressPackets.NOW_NS, checker);
        racing = checker.delivered;
    }

    @Arbiter
    public void collect(III_Result r) {
        buffer.poll(StressPackets.NOW_NS, checker);
        r.r1 = racing;
        r.r2 = checker.delivered;
        r.r3 = checker.errors;
    }
}
