package io.smoothcast.benchmarks.jitter;

import io.smoothcast.benchmarks.jitter.baseline.LockedJitterBuffer;
import io.smoothcast.benchmarks.jitter.baseline.SkipListJitterBuffer;
import io.smoothcast.benchmarks.jitter.floor.HandOffQueue;
import io.smoothcast.benchmarks.jitter.floor.MinimalRingBuffer;
import io.smoothcast.benchmarks.jitter.floor.PassThroughBuffer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The SDK's lock-free jitter buffer against two baselines with the same semantics: a
 * {@code ConcurrentSkipListMap} buffer and a {@code synchronized TreeMap} buffer.
 *
 * <p>Workload: 1200-byte payloads (parameter {@code payloadBytes}), four packets per frame (marker on the fourth), one packet per
 * microsecond with a 1 MHz RTP clock so media time tracks arrival time, fixed playout delay 0
 * (frames leave as soon as they are complete), 1024 slots. Parameter {@code payload}:
 * {@code borrowed} (every implementation keeps a reference to the caller's payload array and
 * hands it back once consumed: the SDK's {@code offerBorrowed}) or {@code copied} (the SDK's
 * {@code offer} copies into its pooled memory, the baselines into a new array per packet).
 * <ul>
 *   <li>{@code singleThreadInOrder} / {@code singleThreadReordered}: one thread offers one packet
 *       and polls; the score is time per packet. In the reordered case 5% of packets are swapped
 *       with their successor.</li>
 *   <li>{@code spsc} group: a producer thread offers while a consumer thread polls; the producer
 *       waits (without offering, yielding the CPU) while 512 packets are in flight, and the
 *       consumer yields when nothing was ready, identically for every implementation. The
 *       producer keeps the consumed count it last read and reads the consumer's count again only
 *       when that says 512 are in flight, so the harness itself moves a cache line between the
 *       threads only about once per 512 packets instead of on every offer (session 4: before,
 *       that per-offer read capped the fastest implementation). The {@code packets} counter is
 *       delivered packets per second. Every implementation keeps its consumer-side counts
 *       (checksum, delivered, handed back) in a padded {@link ConsumerTally} (session 5: the SDK's
 *       adapter stored its per-poll count into the cache line holding the fields the producer
 *       reads on every offer, a miss per poll the baselines did not pay).</li>
 * </ul>
 */
@State(Scope.Benchmark)
public class JitterBufferBenchmark {

    static final int CAPACITY = 1024;
    static final int MAX_PAYLOAD_BYTES = 1500;
    static final int CLOCK_RATE_HZ = 1_000_000;
    static final int PACKETS_PER_FRAME = 4;
    static final long PACKET_INTERVAL_NS = 1_000;
    static final int IN_FLIGHT_LIMIT = 512;
    /** Later than every playout time, for the consumer thread of the group. */
    static final long FAR_FUTURE_NS = Long.MAX_VALUE / 4;

    @Param({"lockfree", "skiplist", "locked"})
    public String impl;

    /** Payload size of every packet, in bytes. */
    @Param({"1200"})
    public int payloadBytes;

    /** {@code borrowed}: payloads kept in place and handed back; {@code copied}: copied on offer. */
    @Param({"borrowed", "copied"})
    public String payload;

    static BenchmarkJitterBuffer create(String impl, String payload) {
        boolean borrow;
        switch (payload) {
            case "borrowed": borrow = true; break;
            case "copied": borrow = false; break;
            default: throw new IllegalArgumentException("payload must be borrowed or copied: " + payload);
        }
        switch (impl) {
            case "lockfree": return new LockFreeBenchmarkBuffer(CAPACITY, MAX_PAYLOAD_BYTES, CLOCK_RATE_HZ, 0, borrow);
            case "skiplist": return new SkipListJitterBuffer(CAPACITY, CLOCK_RATE_HZ, 0, borrow);
            case "locked": return new LockedJitterBuffer(CAPACITY, CLOCK_RATE_HZ, 0, borrow);
            case "passthrough":
            case "minimalring":
            case "handoff":
                break;
            default: throw new IllegalArgumentException(
                    "impl must be lockfree, skiplist, locked, passthrough, minimalring or handoff: " + impl);
        }
        if (!borrow) {
            throw new IllegalArgumentException("the floor references take borrowed payloads only: " + impl);
        }
        switch (impl) {
            // The floor studies' references (borrowed only): see their Javadoc.
            case "passthrough": return new PassThroughBuffer();
            case "minimalring": return new MinimalRingBuffer(CAPACITY, CLOCK_RATE_HZ);
            // The two-thread floor (spsc group and JitterBufferSpscWindows).
            default: return new HandOffQueue(CAPACITY);
        }
    }

    static byte[] payload(int bytes) {
        byte[] payload = new byte[bytes];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        return payload;
    }

    /** Offers packet number {@code index} (sequence, timestamp, marker and arrival derive from it). */
    static boolean offerPacket(BenchmarkJitterBuffer buffer, long index, byte[] payload) {
        long frame = index / PACKETS_PER_FRAME;
        boolean marker = index % PACKETS_PER_FRAME == PACKETS_PER_FRAME - 1;
        return buffer.offer((int) index & 0xFFFF, (int) (frame * PACKETS_PER_FRAME), marker, index * PACKET_INTERVAL_NS,
                payload, 0, payload.length);
    }

    /** One thread's buffer and its arrival order. */
    @State(Scope.Thread)
    public static class SingleThread {
        static final int BLOCK = 4096;
        BenchmarkJitterBuffer buffer;
        byte[] payload;
        /** Position inside a block of packets, in arrival order, with 5% adjacent swaps. */
        int[] reorderedBlock;
        long next;

        @Setup(Level.Trial)
        public void setUp(JitterBufferBenchmark benchmark) {
            buffer = create(benchmark.impl, benchmark.payload);
            payload = payload(benchmark.payloadBytes);
            reorderedBlock = new int[BLOCK];
            for (int i = 0; i < BLOCK; i++) {
                reorderedBlock[i] = i;
            }
            SplittableRandom random = new SplittableRandom(42);
            for (int i = 0; i + 1 < BLOCK; i++) {
                if (random.nextDouble() < 0.05) {
                    reorderedBlock[i] = i + 1;
                    reorderedBlock[i + 1] = i;
                    i++;
                }
            }
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int singleThreadInOrder(SingleThread state) {
        long index = state.next++;
        offerPacket(state.buffer, index, state.payload);
        return state.buffer.poll(index * PACKET_INTERVAL_NS);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public int singleThreadReordered(SingleThread state) {
        long position = state.next++;
        long index = position - position % SingleThread.BLOCK + state.reorderedBlock[(int) (position % SingleThread.BLOCK)];
        offerPacket(state.buffer, index, state.payload);
        return state.buffer.poll(position * PACKET_INTERVAL_NS);
    }

    /** The buffer shared by the producer and consumer of one group. */
    @State(Scope.Group)
    public static class Shared {
        /** Index of the consumed count in {@link #consumedCell}, with 128 bytes of padding on each side. */
        static final int CONSUMED = 16;
        static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);
        BenchmarkJitterBuffer buffer;
        byte[] payload;
        /**
         * Packets delivered so far, at {@link #CONSUMED}: written by the consumer, read by the
         * producer. Padded so that it shares no cache line with anything else either thread uses.
         */
        final long[] consumedCell = new long[2 * CONSUMED + 1];

        @Setup(Level.Trial)
        public void setUp(JitterBufferBenchmark benchmark) {
            buffer = create(benchmark.impl, benchmark.payload);
            payload = payload(benchmark.payloadBytes);
        }

        long consumed() {
            return (long) CELLS.getAcquire(consumedCell, CONSUMED);
        }

        void addConsumed(int n) {
            CELLS.setRelease(consumedCell, CONSUMED, consumedCell[CONSUMED] + n);
        }
    }

    /** The producer thread's own counts (JMH pads thread states, so nothing here is shared). */
    @State(Scope.Thread)
    public static class Producing {
        /** Packets offered so far. */
        long offered;
        /**
         * The consumed count as last read: a lower bound, so the producer re-reads the consumer's
         * cache line only when this says the in-flight limit is reached.
         */
        long consumedSeen;
    }

    /** Delivered packets, reported by JMH as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Delivered {
        public long packets;

        @Setup(Level.Iteration)
        public void reset() {
            packets = 0;
        }
    }

    @Benchmark
    @Group("spsc")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public boolean producer(Shared shared, Producing producing) {
        if (producing.offered - producing.consumedSeen >= IN_FLIGHT_LIMIT) {
            producing.consumedSeen = shared.consumed();
            if (producing.offered - producing.consumedSeen >= IN_FLIGHT_LIMIT) {
                // Let the consumer run if both threads share a core (the machine is shared).
                Thread.yield();
                return false;
            }
        }
        boolean stored = offerPacket(shared.buffer, producing.offered, shared.payload);
        producing.offered++;
        return stored;
    }

    @Benchmark
    @Group("spsc")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public int consumer(Shared shared, Delivered delivered) {
        int n = shared.buffer.poll(FAR_FUTURE_NS);
        if (n > 0) {
            delivered.packets += n;
            shared.addConsumed(n);
        } else {
            // Let the producer run if both threads share a core (the machine is shared).
            Thread.yield();
        }
        return n;
    }
}
