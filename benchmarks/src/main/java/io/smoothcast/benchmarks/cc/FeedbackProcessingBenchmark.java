package io.smoothcast.benchmarks.cc;

import io.smoothcast.cc.CongestionController;
import io.smoothcast.cc.TransportFeedback;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost per packet of the congestion controller's feedback path: 100 packets are recorded as sent
 * and one transport-wide feedback covering them (2 % lost, delay variation of a few ms, 5 ms
 * send spacing) is processed. {@code sentOnly} records the same 100 packets without feedback, so
 * {@code sendAndFeedback - sentOnly} is the feedback processing itself. Both should allocate
 * nothing ({@code gc.alloc.rate.norm} = 0 with {@code -prof gc}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FeedbackProcessingBenchmark {

    private static final int PACKETS = 100;
    private static final int PATTERNS = 64;
    private static final long SPACING_NS = 5_000_000L;

    private CongestionController controller;
    private TransportFeedback feedback;
    private final long[][] delayNs = new long[PATTERNS][PACKETS];
    private final boolean[][] lost = new boolean[PATTERNS][PACKETS];
    private long nextSequence;
    private long clockNs;
    private int pattern;

    @Setup
    public void setUp() {
        controller = CongestionController.builder().startBitrateBps(2_000_000).initialProbing(false).build();
        feedback = new TransportFeedback(PACKETS);
        SplittableRandom random = new SplittableRandom(42);
        for (int p = 0; p < PATTERNS; p++) {
            for (int i = 0; i < PACKETS; i++) {
                delayNs[p][i] = 40_000_000L + random.nextLong(3_000_000L);
                lost[p][i] = random.nextInt(50) == 0;
            }
        }
    }

    private long sendBatch() {
        long firstSequence = nextSequence;
        for (int i = 0; i < PACKETS; i++) {
            controller.onPacketSent(nextSequence++, 1200, clockNs + i * SPACING_NS, -1);
        }
        return firstSequence;
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long sendAndFeedback() {
        long firstSequence = sendBatch();
        long[] delays = delayNs[pattern];
        boolean[] drops = lost[pattern];
        pattern = (pattern + 1) & (PATTERNS - 1);
        feedback.clear();
        for (int i = 0; i < PACKETS; i++) {
            if (drops[i]) {
                feedback.addLost(firstSequence + i);
            } else {
                feedback.addReceived(firstSequence + i, clockNs + i * SPACING_NS + delays[i]);
            }
        }
        clockNs += PACKETS * SPACING_NS;
        controller.onFeedback(feedback, clockNs + 100_000_000L);
        return controller.targetBitrateBps();
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long sentOnly() {
        sendBatch();
        clockNs += PACKETS * SPACING_NS;
        return nextSequence;
    }
}
