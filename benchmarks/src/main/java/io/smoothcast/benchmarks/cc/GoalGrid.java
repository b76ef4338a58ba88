package io.smoothcast.benchmarks.cc;

import io.smoothcast.netsim.ArrivalFeedbackReceiver;
import io.smoothcast.netsim.CapacitySchedule;
import io.smoothcast.netsim.FlowRecorder;
import io.smoothcast.netsim.LinkModel;
import io.smoothcast.netsim.NetworkSimulator;
import io.smoothcast.netsim.PacedMediaSender;
import io.smoothcast.netsim.RenoTcpReceiver;
import io.smoothcast.netsim.RenoTcpSender;
import java.util.Locale;

/**
 * Measures the congestion-control goals of issue 4 over a grid of bottleneck capacities and
 * RTTs in the deterministic simulator, and prints a Markdown table (the same scenarios as
 * {@code CongestionControlGoalsTest}, on more paths). Runs in virtual time: the output depends
 * only on the code and the seeds, not on the machine.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.smoothcast.benchmarks.cc.GoalGrid</pre>
 */
public final class GoalGrid {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    private static final long QUEUE_LIMIT_NS = 300 * MS;
    private static final int FAIRNESS_SEEDS = 4;

    private GoalGrid() {
    }

    /** A path with a recorder. */
    private static final class Path {
        final FlowRecorder recorder = new FlowRecorder(100 * MS);
        final NetworkSimulator simulator;

        Path(CapacitySchedule capacity, long oneWayDelayNs, long seed) {
            LinkModel forward = LinkModel.builder().capacity(capacity).propagationDelayNs(oneWayDelayNs)
                    .queueLimitNs(QUEUE_LIMIT_NS).seed(seed).build();
            LinkModel reverse = LinkModel.builder().constantCapacityBps(10_000_000).propagationDelayNs(oneWayDelayNs)
                    .seed(seed + 1).build();
            simulator = NetworkSimulator.builder().forwardLink(forward).reverseLink(reverse).observer(recorder)
                    .seed(seed).build();
        }

        void addOurs(PacedMediaSender sender, long startNs) {
            simulator.addFlow("ours", sender, new ArrivalFeedbackReceiver(50 * MS), startNs);
        }
    }

    public static void main(String[] args) {
        long[] capacities = {1_000_000, 2_000_000, 4_000_000, 8_000_000};
        long[] oneWayDelays = {10 * MS, 50 * MS, 100 * MS};
        System.out.println("| capacity | RTT | ramp-up to 75 % (ms) | util | p95 queue (ms) | drop: worst queue"
                + " after 1.5 s (ms) | drop: target at 3 s / new cap | 3 flows min/max (mean of " + FAIRNESS_SEEDS
                + " seeds) | ours / TCP |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (long capacity : capacities) {
            for (long delay : oneWayDelays) {
                double[] steady = utilization(capacity, delay);
                System.out.println(String.format(Locale.ROOT, "| %.1f Mbit/s | %d ms | %d | %.3f | %d | %d | %.2f | %.2f | %.2f |",
                        capacity / 1e6, 2 * delay / MS, rampUpMs(capacity, delay), steady[0], (long) steady[1],
                        dropWorstQueueMs(capacity, delay),
                        dropTargetShare(capacity, delay), fairness(capacity, delay), versusTcp(capacity, delay)));
            }
        }
    }

    private static long rampUpMs(long capacity, long delay) {
        Path path = new Path(CapacitySchedule.constant(capacity), delay, 1);
        PacedMediaSender sender = PacedMediaSender.withDefaults(300_000);
        path.addOurs(sender, 0);
        for (long t = 50 * MS; t <= 20 * S; t += 50 * MS) {
            path.simulator.runUntil(t);
            if (sender.controller().targetBitrateBps() >= 0.75 * capacity) {
                return t / MS;
            }
        }
        return -1;
    }

    private static double[] utilization(long capacity, long delay) {
        Path path = new Path(CapacitySchedule.constant(capacity), delay, 3);
        path.addOurs(PacedMediaSender.withDefaults(300_000), 0);
        path.simulator.runUntil(60 * S);
        return new double[] {path.recorder.throughputBps(0, 10 * S, 60 * S) / capacity,
            path.recorder.queueDelayPercentileNs(10 * S, 60 * S, 95) / (double) MS};
    }

    private static Path dropPath(long capacity, long delay, PacedMediaSender sender) {
        CapacitySchedule schedule = CapacitySchedule.steps(new long[] {0, 20 * S}, new long[] {capacity, capacity / 2},
                40 * S, CapacitySchedule.AfterEnd.HOLD);
        Path path = new Path(schedule, delay, 2);
        path.addOurs(sender, 0);
        return path;
    }

    private static long dropWorstQueueMs(long capacity, long delay) {
        Path path = dropPath(capacity, delay, PacedMediaSender.withDefaults(300_000));
        path.simulator.runUntil(30 * S);
        return path.recorder.queueDelayPercentileNs(21_500 * MS, 30 * S, 100) / MS;
    }

    private static double dropTargetShare(long capacity, long delay) {
        PacedMediaSender sender = PacedMediaSender.withDefaults(300_000);
        Path path = dropPath(capacity, delay, sender);
        path.simulator.runUntil(23 * S);
        return sender.controller().targetBitrateBps() / (capacity / 2.0);
    }

    private static double fairness(long capacity, long delay) {
        double sum = 0;
        for (long seed = 1; seed <= FAIRNESS_SEEDS; seed++) {
            Path path = new Path(CapacitySchedule.constant(capacity), delay, seed);
            for (int i = 0; i < 3; i++) {
                path.addOurs(PacedMediaSender.withDefaults(300_000), i * 10 * S);
            }
            path.simulator.runUntil(120 * S);
            double min = Double.MAX_VALUE;
            double max = 0;
            for (int flow = 0; flow < 3; flow++) {
                double bps = path.recorder.throughputBps(flow, 60 * S, 120 * S);
                min = Math.min(min, bps);
                max = Math.max(max, bps);
            }
            sum += min / max;
        }
        return sum / FAIRNESS_SEEDS;
    }

    private static double versusTcp(long capacity, long delay) {
        Path path = new Path(CapacitySchedule.constant(capacity), delay, 5);
        path.addOurs(PacedMediaSender.withDefaults(300_000), 0);
        path.simulator.addFlow("tcp", new RenoTcpSender(RenoTcpSender.UNLIMITED_BYTES), new RenoTcpReceiver(), 10 * S);
        path.simulator.runUntil(120 * S);
        return path.recorder.throughputBps(0, 30 * S, 120 * S) / path.recorder.throughputBps(1, 30 * S, 120 * S);
    }
}
