package io.smoothcast.jitter.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.smoothcast.jitter.OfferResult;
import io.smoothcast.jitter.SpscJitterBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * {@link DeliveryStress} with borrowed payloads: the producer offers four frames from arrays of
 * its own (two of them again from a second array, as a redundant path would), the consumer
 * polls. Result: (frames taken while racing, frames taken in all, error bits, payloads handed
 * back). Every frame must arrive once, in order, reading intact bytes from the producer's array;
 * each accepted array must be handed back exactly once, and a rejected duplicate never.
 */
@JCStressTest
@Description("SPSC jitter buffer, borrowed payloads: no frame lost, duplicated, reordered or torn; each handed back once")
@Outcome(id = {"0, 4, 0, 4", "4, 4, 0, 4"}, expect = ACCEPTABLE, desc = "consumer ran before or after the producer")
@Outcome(id = {"1, 4, 0, 4", "2, 4, 0, 4", "3, 4, 0, 4"}, expect = ACCEPTABLE_INTERESTING, desc = "consumer raced the producer")
@Outcome(expect = FORBIDDEN, desc = "a frame lost, duplicated, reordered or torn, or a payload handed back wrongly (bit 4: twice or never accepted)")
@State
public class BorrowedDeliveryStress {

    /** Error bit: a payload was handed back twice, or handed back although the buffer rejected it. */
    static final int ERROR_RELEASE = 4;

    private final byte[][] first = StressPackets.payloads(4);
    private final byte[][] second = StressPackets.payloads(4);
    /** Per sequence number: which array the buffer accepted (producer), and hand-backs seen (consumer). */
    private final byte[][] accepted = new byte[4][];
    private final int[] handedBack = new int[4];
    /** Error bits found by the consumer's releaser, and by the producer; each written by one thread. */
    private int releaseErrors;
    private int producerErrors;
    private final SpscJitterBuffer buffer = StressPackets.newBorrowingBuffer(16, this::release);
    private final StressPackets.Checker checker = new StressPackets.Checker();
    private int racing;

    private void release(Object owner) {
        for (int seq = 0; seq < 4; seq++) {
            if (owner == first[seq] || owner == second[seq]) {
                // The producer's write of accepted[seq] happened before the offer published the slot.
                if (owner != accepted[seq] || ++handedBack[seq] > 1) {
                    releaseErrors |= ERROR_RELEASE;
                }
                return;
            }
        }
        releaseErrors |= ERROR_RELEASE;
    }

    private void offer(byte[][] arrays, int seq) {
        // Recorded before the offer: the consumer may hand the array back as soon as it is published.
        byte[] previous = accepted[seq];
        if (previous == null) {
            accepted[seq] = arrays[seq];
        }
        int result = StressPackets.offerBorrowed(buffer, arrays[seq], seq);
        if (previous != null && result == OfferResult.ACCEPTED) {
            producerErrors |= ERROR_RELEASE; // a duplicate must not be accepted
        }
    }

    @Actor
    public void producer() {
        offer(first, 0);
        offer(first, 1);
        offer(second, 1);
        offer(first, 2);
        offer(first, 3);
        offer(second, 3);
    }

    @Actor
    public void consumer() {
        buffer.poll(StressPackets.NOW_NS, checker);
        buffer.poll(StressPackets.NOW_NS, checker);
        racing = checker.delivered;
    }

    @Arbiter
    public void collect(IIII_Result r) {
        buffer.poll(StressPackets.NOW_NS, checker);
        int handedBackTotal = 0;
        for (int n : handedBack) {
            handedBackTotal += n;
        }
        r.r1 = racing;
        r.r2 = checker.delivered;
        r.r3 = checker.errors | releaseErrors | producerErrors;
        r.r4 = handedBackTotal;
    }
}
