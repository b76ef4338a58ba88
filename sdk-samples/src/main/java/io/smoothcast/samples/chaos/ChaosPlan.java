package io.smoothcast.samples.chaos;

import io.smoothcast.netsim.CapacitySchedule;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded, reproducible list of faults for one chaos run: node kills (with a downtime before the
 * restart), loss bursts (the node's downlink carries nothing for a few tens of ms) and capacity
 * drops (the downlink shrinks for a second or two). Faults never overlap: each one is followed by
 * a settle time before the next, so every recovery can be attributed to one fault.
 *
 * <p>The impairments are turned into {@link CapacitySchedule}s for the emulator in front of each
 * node ({@link #downlinkSchedule}), fixed before the run starts; kills are executed by the run at
 * their planned time.
 *
 * <p>Immutable and thread-safe.
 */
public final class ChaosPlan {

    /** What a fault does. */
    public enum Kind {
        /** The node's process dies (socket closed, no goodbye) and restarts after the duration. */
        KILL,
        /** The emulator in front of the node delivers nothing towards viewers for the duration. */
        LOSS_BURST,
        /** The emulator's downlink capacity drops to {@link Fault#capacityBps()} for the duration. */
        CAPACITY_DROP
    }

    /**
     * One fault.
     *
     * @param kind what happens
     * @param node index of the node (for a kill, a preference: the run kills a node carrying the
     *     stream, see {@link ChaosRun}), or {@link #ALL_NODES} for an impairment of every downlink
     * @param startMs start, ms after the run's start
     * @param durationMs downtime, burst or drop length in ms
     * @param capacityBps downlink capacity during a capacity drop, bits per second (0 otherwise)
     */
    public record Fault(Kind kind, int node, long startMs, long durationMs, long capacityBps) {
        /** @return the end of the fault, ms after the run's start */
        public long endMs() {
            return startMs + durationMs;
        }
    }

    /** {@link Fault#node()} of an impairment that hits every node's downlink at once. */
    public static final int ALL_NODES = -1;

    /** Streaming before the first fault, ms: every viewer is connected and playing. */
    static final long WARMUP_MS = 3000;
    /** Quiet time after the last fault, ms: the last recoveries play out. */
    static final long TAIL_MS = 4000;
    private static final long MIN_SETTLE_MS = 2000;
    private static final long MAX_SETTLE_MS = 3500;

    private final long seed;
    private final long durationMs;
    private final int nodes;
    private final long nominalCapacityBps;
    private final List<Fault> faults;

    private ChaosPlan(long seed, long durationMs, int nodes, long nominalCapacityBps, List<Fault> faults) {
        this.seed = seed;
        this.durationMs = durationMs;
        this.nodes = nodes;
        this.nominalCapacityBps = nominalCapacityBps;
        this.faults = List.copyOf(faults);
    }

    /**
     * Draws a plan.
     *
     * @param seed the random seed; the same seed and arguments give the same plan
     * @param durationMs length of the run in ms, at least 10,000
     * @param nodes number of nodes, 1-16
     * @param nominalCapacityBps each node's downlink capacity outside capacity drops, bits per second
     * @param dropCapacityBps downlink capacity during a capacity drop, bits per second, below the nominal
     * @param impairAllNodes true: loss bursts and capacity drops hit every node's downlink at once
     *     (the viewers' own access network degrades, whichever node they use); false: one node's
     *     downlink each (what redundant paths protect against)
     * @param killsOnly true: every fault is a kill (no loss bursts, no capacity drops)
     * @return the plan; it holds at least one fault, the first a kill
     */
    public static ChaosPlan generate(long seed, long durationMs, int nodes, long nominalCapacityBps,
            long dropCapacityBps, boolean impairAllNodes, boolean killsOnly) {
        if (durationMs < 10_000) {
            throw new IllegalArgumentException("durationMs must be at least 10000: " + durationMs);
        }
        if (nodes < 1 || nodes > 16) {
            throw new IllegalArgumentException("nodes must be 1-16: " + nodes);
        }
        if (dropCapacityBps <= 0 || dropCapacityBps >= nominalCapacityBps) {
            throw new IllegalArgumentException("dropCapacityBps must be in (0, nominalCapacityBps): " + dropCapacityBps);
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<Fault> faults = new ArrayList<>();
        long t = WARMUP_MS;
        while (true) {
            int roll = random.nextInt(10);
            Kind kind = killsOnly || faults.isEmpty() || roll < 4 ? Kind.KILL : roll < 7 ? Kind.LOSS_BURST : Kind.CAPACITY_DROP;
            long length = switch (kind) {
                case KILL -> random.nextLong(800, 2501);
                case LOSS_BURST -> random.nextLong(40, 101);
                case CAPACITY_DROP -> random.nextLong(1000, 2501);
            };
            if (t + length + TAIL_MS > durationMs) {
                break;
            }
            int node = random.nextInt(nodes);
            if (impairAllNodes && kind != Kind.KILL) {
                node = ALL_NODES;
            }
            faults.add(new Fault(kind, node, t, length, kind == Kind.CAPACITY_DROP ? dropCapacityBps : 0));
            t += length + random.nextLong(MIN_SETTLE_MS, MAX_SETTLE_MS + 1);
        }
        return new ChaosPlan(seed, durationMs, nodes, nominalCapacityBps, faults);
    }

    /**
     * The downlink (node towards viewers) capacity of the emulator in front of {@code node}:
     * nominal, zero during its loss bursts (the emulator's queue limit then drops what arrives),
     * the drop capacity during its capacity drops; held after the run's end.
     *
     * @param node the node's index
     * @return the schedule, starting at the run's start
     */
    public CapacitySchedule downlinkSchedule(int node) {
        if (node < 0 || node >= nodes) {
            throw new IllegalArgumentException("node must be 0-" + (nodes - 1) + ": " + node);
        }
        List<long[]> steps = new ArrayList<>();
        steps.add(new long[] {0, nominalCapacityBps});
        for (Fault f : faults) {
            if ((f.node() != node && f.node() != ALL_NODES) || f.kind() == Kind.KILL) {
                continue;
            }
            long capacity = f.kind() == Kind.LOSS_BURST ? 0 : f.capacityBps();
            steps.add(new long[] {f.startMs() * 1_000_000L, capacity});
            steps.add(new long[] {f.endMs() * 1_000_000L, nominalCapacityBps});
        }
        long[] starts = new long[steps.size()];
        long[] rates = new long[steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            starts[i] = steps.get(i)[0];
            rates[i] = steps.get(i)[1];
        }
        return CapacitySchedule.steps(starts, rates, durationMs * 1_000_000L, CapacitySchedule.AfterEnd.HOLD);
    }

    /** @return the faults in time order */
    public List<Fault> faults() {
        return faults;
    }

    /** @return the seed the plan was drawn from */
    public long seed() {
        return seed;
    }

    /** @return the run's length in ms */
    public long durationMs() {
        return durationMs;
    }

    /** @return the number of nodes */
    public int nodes() {
        return nodes;
    }
}
