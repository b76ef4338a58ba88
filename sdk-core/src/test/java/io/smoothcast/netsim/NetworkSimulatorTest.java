package io.smoothcast.netsim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkSimulatorTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    /** Sends one packet of a fixed size every interval and keeps the reports it gets back. */
    private static final class ConstantRateSender implements SimEndpoint {
        final long intervalNs;
        final int sizeBytes;
        final List<ArrivalReport> reports = new ArrayList<>();
        final List<Long> reportArrivalNs = new ArrayList<>();
        FlowContext context;
        long sequence;

        ConstantRateSender(long intervalNs, int sizeBytes) {
            this.intervalNs = intervalNs;
            this.sizeBytes = sizeBytes;
        }

        @Override
        public void onStart(FlowContext context, long nowNs) {
            this.context = context;
            onTimer(nowNs);
        }

        @Override
        public void onTimer(long nowNs) {
            context.send(sequence++, sizeBytes, null);
            context.setTimerNs(nowNs + intervalNs);
        }

        @Override
        public void onPacket(SimPacket packet, long nowNs) {
            reports.add((ArrivalReport) packet.payload());
            reportArrivalNs.add(nowNs);
        }
    }

    private static NetworkSimulator simulator(LinkModel forward, LinkModel reverse, PacketObserver observer) {
        return NetworkSimulator.builder().forwardLink(forward).reverseLink(reverse).observer(observer).seed(5).build();
    }

    @Test
    void feedback_reportsEveryPacketWithItsArrivalAndLosses() {
        LinkModel forward = LinkModel.builder().constantCapacityBps(10_000_000).propagationDelayNs(20 * MS)
                .randomLoss(0.1).seed(1).build();
        LinkModel reverse = LinkModel.builder().constantCapacityBps(10_000_000).propagationDelayNs(20 * MS).seed(2)
                .build();
        List<long[]> delivered = new ArrayList<>();
        PacketObserver observer = new PacketObserver() {
            @Override
            public void onDelivered(int flowId, Direction direction, long sequence, int sizeBytes, long sendTimeNs,
                    long arrivalTimeNs, long queueDelayNs) {
                if (direction == Direction.FORWARD) {
                    delivered.add(new long[] {sequence, arrivalTimeNs});
                }
            }
        };
        NetworkSimulator sim = simulator(forward, reverse, observer);
        ConstantRateSender sender = new ConstantRateSender(10 * MS, 1000);
        sim.addFlow("media", sender, new ArrivalFeedbackReceiver(50 * MS), 0);
        sim.runUntil(2 * S);

        long expectedBase = 0;
        int reportedReceived = 0;
        for (int r = 0; r < sender.reports.size(); r++) {
            ArrivalReport report = sender.reports.get(r);
            assertEquals(expectedBase, report.baseSequence(), "contiguous coverage");
            assertEquals(r, report.feedbackSequence());
            for (int i = 0; i < report.count(); i++) {
                if (report.received(i)) {
                    reportedReceived++;
                }
            }
            expectedBase += report.count();
        }
        // Everything delivered up to the last report's end is reported, at its true arrival time.
        long covered = expectedBase;
        long deliveredCovered = delivered.stream().filter(d -> d[0] < covered).count();
        assertEquals(deliveredCovered, reportedReceived);
        ArrivalReport first = sender.reports.get(0);
        assertTrue(first.received(0));
        assertEquals(20 * MS + 800_000L, first.arrivalTimeNs(0), "propagation + 1000 B at 10 Mbit/s");
        assertTrue(forward.lossDrops() > 0);
    }

    @Test
    void congestedReversePath_delaysFeedback() {
        LinkModel forward = LinkModel.builder().constantCapacityBps(10_000_000).propagationDelayNs(20 * MS).seed(1)
                .build();
        // 20 kbit/s back: each ~60-byte report takes ~24 ms to serialize, and a second flow fills it.
        LinkModel reverse = LinkModel.builder().constantCapacityBps(20_000).propagationDelayNs(20 * MS)
                .queueLimitNs(2 * S).seed(2).build();
        NetworkSimulator sim = simulator(forward, reverse, PacketObserver.NONE);
        ConstantRateSender sender = new ConstantRateSender(10 * MS, 1000);
        sim.addFlow("media", sender, new ArrivalFeedbackReceiver(50 * MS), 0);
        sim.addFlow("tcp", new RenoTcpSender(RenoTcpSender.UNLIMITED_BYTES), new RenoTcpReceiver(), 0);
        sim.runUntil(5 * S);
        ArrivalReport last = sender.reports.get(sender.reports.size() - 1);
        long lastArrival = sender.reportArrivalNs.get(sender.reportArrivalNs.size() - 1);
        long age = lastArrival - last.arrivalTimeNs(last.count() - 1);
        assertTrue(age > 200 * MS, "feedback waited behind acks on the narrow reverse link: " + age / MS + " ms");
    }

    @Test
    void twoRenoFlows_shareTheBottleneckAndFillIt() {
        LinkModel forward = LinkModel.builder().constantCapacityBps(4_000_000).propagationDelayNs(25 * MS)
                .queueLimitNs(100 * MS).seed(1).build();
        LinkModel reverse = LinkModel.builder().constantCapacityBps(100_000_000).propagationDelayNs(25 * MS).seed(2)
                .build();
        NetworkSimulator sim = simulator(forward, reverse, PacketObserver.NONE);
        RenoTcpSender a = new RenoTcpSender(RenoTcpSender.UNLIMITED_BYTES);
        RenoTcpSender b = new RenoTcpSender(RenoTcpSender.UNLIMITED_BYTES);
        sim.addFlow("a", a, new RenoTcpReceiver(), 0);
        sim.addFlow("b", b, new RenoTcpReceiver(), 0);
        sim.runUntil(60 * S);
        double total = (a.ackedBytes() + b.ackedBytes()) * 8.0 / 60 / 4_000_000;
        assertTrue(total > 0.85, "utilization " + total);
        double ratio = a.ackedBytes() / (double) b.ackedBytes();
        assertTrue(ratio > 0.6 && ratio < 1.67, "ratio " + ratio);
    }

    @Test
    void shortFlow_finishesAndRecordsCompletionTime() {
        LinkModel forward = LinkModel.builder().constantCapacityBps(8_000_000).propagationDelayNs(25 * MS).seed(1)
                .build();
        LinkModel reverse = LinkModel.builder().constantCapacityBps(100_000_000).propagationDelayNs(25 * MS).seed(2)
                .build();
        NetworkSimulator sim = simulator(forward, reverse, PacketObserver.NONE);
        RenoTcpSender shortFlow = new RenoTcpSender(120_000);
        sim.addFlow("short", shortFlow, new RenoTcpReceiver(), S);
        sim.runUntil(10 * S);
        assertTrue(shortFlow.completionTimeNs() > S);
        assertTrue(shortFlow.ackedBytes() >= 120_000);
        // 100 segments in slow start from 10: about 4 round trips of 50 ms.
        long fctMs = shortFlow.flowCompletionNs() / MS;
        assertTrue(fctMs >= 150 && fctMs < 400, "flow completion " + fctMs + " ms");
    }

    @Test
    void perFlowExtraDelay_changesThatFlowsRttOnly() {
        LinkModel forward = LinkModel.builder().constantCapacityBps(100_000_000).propagationDelayNs(10 * MS).seed(1)
                .build();
        LinkModel reverse = LinkModel.builder().constantCapacityBps(100_000_000).propagationDelayNs(10 * MS).seed(2)
                .build();
        NetworkSimulator sim = simulator(forward, reverse, PacketObserver.NONE);
        RenoTcpSender near = new RenoTcpSender(RenoTcpSender.UNLIMITED_BYTES, 1200, 4);
        RenoTcpSender far = new RenoTcpSender(RenoTcpSender.UNLIMITED_BYTES, 1200, 4);
        sim.addFlow("near", near, new RenoTcpReceiver(), 0);
        sim.addFlow("far", far, new RenoTcpReceiver(), 0, 40 * MS, 40 * MS);
        sim.runUntil(2 * S);
        assertEquals(20, near.smoothedRttNs() / MS, 1);
        assertEquals(100, far.smoothedRttNs() / MS, 1);
    }

    @Test
    void sameSeeds_identicalRuns() {
        assertEquals(runSummary(9), runSummary(9));
    }

    private static String runSummary(long seed) {
        LinkModel forward = LinkModel.builder().constantCapacityBps(3_000_000).propagationDelayNs(30 * MS)
                .jitterNs(3 * MS).randomLoss(0.01).queueLimitBytes(40_000).seed(seed).build();
        LinkModel reverse = LinkModel.builder().constantCapacityBps(1_000_000).propagationDelayNs(30 * MS)
                .randomLoss(0.01).seed(seed + 1).build();
        StringBuilder trace = new StringBuilder();
        PacketObserver observer = new PacketObserver() {
            @Override
            public void onDelivered(int flowId, Direction direction, long sequence, int sizeBytes, long sendTimeNs,
                    long arrivalTimeNs, long queueDelayNs) {
                trace.append(flowId).append(direction.ordinal()).append(sequence).append('@').append(arrivalTimeNs)
                        .append(';');
            }
        };
        NetworkSimulator sim = NetworkSimulator.builder().forwardLink(forward).reverseLink(reverse).observer(observer)
                .seed(seed).build();
        sim.addFlow("media", new ConstantRateSender(5 * MS, 900), new ArrivalFeedbackReceiver(50 * MS), 0);
        sim.addFlow("tcp", new RenoTcpSender(RenoTcpSender.UNLIMITED_BYTES), new RenoTcpReceiver(), S);
        sim.runUntil(5 * S);
        return trace.toString();
    }
}
