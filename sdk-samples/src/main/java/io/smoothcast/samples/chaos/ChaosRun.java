package io.smoothcast.samples.chaos;

import io.smoothcast.netsim.LinkModel;
import io.smoothcast.samples.internal.FramePacer;
import io.smoothcast.samples.internal.SyntheticFrames;
import io.smoothcast.samples.internal.WallClock;
import io.smoothcast.transport.Broadcaster;
import io.smoothcast.transport.BroadcasterListener;
import io.smoothcast.transport.ConnectionState;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.NetworkEmulator;
import io.smoothcast.transport.NetworkEmulatorStats;
import io.smoothcast.transport.NodeSwitchReason;
import io.smoothcast.transport.RelayNode;
import io.smoothcast.transport.SharedIoThreads;
import io.smoothcast.transport.Viewer;
import io.smoothcast.transport.ViewerStats;
import io.smoothcast.transport.internal.LoopbackNodePorts;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One chaos run on loopback: {@code plan.nodes()} relay nodes, each behind a
 * {@link NetworkEmulator} whose downlink follows the plan's loss bursts and capacity drops; one
 * {@link Broadcaster} publishing {@link SyntheticFrames} straight to the nodes; N {@link Viewer}s
 * watching through the emulators, each checked by a {@link FrameAudit}. Kills close the node
 * abruptly and start a new one on the same port after the planned downtime. The victim of a kill
 * is drawn (seeded) among the nodes that carry the stream at that moment, so every kill hurts.
 *
 * <p>Not thread-safe: one run, one caller.
 */
public final class ChaosRun {

    /** Longest wait for a viewer to get a frame sent after a fault began, ms. */
    static final long RECOVERY_GIVE_UP_MS = 10_000;
    private static final long CONNECT_TIMEOUT_MS = 15_000;
    private static final long PLAYOUT_DRAIN_MS = 1500;
    /** Missing frames listed per viewer in the summary. */
    private static final int MISSING_LISTED = 10;
    private static final long EMULATOR_QUEUE_LIMIT_NS = 50_000_000L;
    private static final long UPLINK_CAPACITY_BPS = 1_000_000_000L;
    private static final String STREAM = "chaos";
    /** Send times kept for the summary's diagnosis of missing frames (an hour at 60 fps: 1.7 MB). */
    private static final int SEND_TIMES_KEPT = 216_000;

    private final ChaosPlan plan;
    private final boolean redundant;
    private final int viewerCount;
    private final int framesPerSecond;
    private final long bitrateBps;
    private final PrintWriter log;

    /**
     * @param plan the faults
     * @param redundant whether clients use redundant mode ({@link FailoverPolicy.Builder#redundant})
     * @param viewerCount number of viewers, 1-200
     * @param framesPerSecond video frame rate, 1-60
     * @param bitrateBps video bitrate, bits per second, 16,000-10,000,000
     * @param log where progress goes (one line per fault)
     */
    public ChaosRun(ChaosPlan plan, boolean redundant, int viewerCount, int framesPerSecond, long bitrateBps,
            PrintWriter log) {
        if (viewerCount < 1 || viewerCount > 200) {
            throw new IllegalArgumentException("viewerCount must be 1-200: " + viewerCount);
        }
        if (framesPerSecond < 1 || framesPerSecond > 60) {
            throw new IllegalArgumentException("framesPerSecond must be 1-60: " + framesPerSecond);
        }
        if (bitrateBps < 16_000 || bitrateBps > 10_000_000) {
            throw new IllegalArgumentException("bitrateBps must be 16000-10000000: " + bitrateBps);
        }
        this.plan = plan;
        this.redundant = redundant;
        this.viewerCount = viewerCount;
        this.framesPerSecond = framesPerSecond;
        this.bitrateBps = bitrateBps;
        this.log = log;
    }

    /**
     * Runs the plan to its end and closes everything it started.
     *
     * @return the summary
     * @throws InterruptedException if interrupted
     * @throws IllegalStateException if the clients never connect
     */
    public ChaosSummary run() throws InterruptedException {
        int n = plan.nodes();
        RelayNode[] nodes = new RelayNode[n];
        InetSocketAddress[] nodeAddresses = new InetSocketAddress[n];
        NetworkEmulator[] emulators = new NetworkEmulator[n];
        List<Viewer> viewers = new ArrayList<>();
        List<FrameAudit> audits = new ArrayList<>();
        FailoverPolicy policy = FailoverPolicy.builder().redundant(redundant).build();
        SplittableRandom victims = new SplittableRandom(plan.seed() ^ 0x5DEECE66DL);
        try (SharedIoThreads io = SharedIoThreads.create(2)) {
            List<InetSocketAddress> emulatorAddresses = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // Below the ephemeral range: a killed node is restarted on its port.
                nodes[i] = LoopbackNodePorts.startBelowEphemeralRange(RelayNode.builder());
                nodeAddresses[i] = nodes[i].localAddress();
            }
            for (int i = 0; i < n; i++) {
                emulators[i] = NetworkEmulator.builder().target(nodeAddresses[i])
                        .toTarget(LinkModel.builder().constantCapacityBps(UPLINK_CAPACITY_BPS))
                        .fromTarget(LinkModel.builder().capacity(plan.downlinkSchedule(i))
                                .queueLimitNs(EMULATOR_QUEUE_LIMIT_NS))
                        .maxClients(4 * viewerCount)
                        .build().start();
                emulatorAddresses.add(emulators[i].localAddress());
            }
            long originNs = System.nanoTime(); // the emulators' schedules started just now
            Publisher publisher = new Publisher();
            try (SchedulingStalls stalls = new SchedulingStalls(originNs);
                    Broadcaster broadcaster = Broadcaster.builder().nodes(List.of(nodeAddresses)).failover(policy)
                    .streamId(STREAM).listener(publisher).bitrateLimits(bitrateBps, 2 * bitrateBps, 4 * bitrateBps)
                    .build().start()) {
                for (int v = 0; v < viewerCount; v++) {
                    FrameAudit audit = new FrameAudit();
                    audits.add(audit);
                    viewers.add(Viewer.builder().nodes(emulatorAddresses).failover(policy).streamId(STREAM)
                            .listener(audit).sharedIoThreads(io).build().start());
                }
                publisher.start(broadcaster);
                awaitPlaying(audits, originNs);
                List<Map<String, Object>> faultLog = new ArrayList<>();
                List<int[]> watchIndices = new ArrayList<>();
                try (PathTimeline paths = new PathTimeline(viewers, emulatorAddresses, originNs)) {
                    for (ChaosPlan.Fault fault : plan.faults()) {
                        sleepUntil(originNs + TimeUnit.MILLISECONDS.toNanos(fault.startMs()));
                        long startNs = System.nanoTime();
                        long sequenceAtStart = publisher.lastSent();
                        int[] watches = new int[audits.size()];
                        for (int v = 0; v < audits.size(); v++) {
                            watches[v] = audits.get(v).watch(sequenceAtStart, startNs);
                        }
                        watchIndices.add(watches);
                        Map<String, Object> entry = new LinkedHashMap<>();
                        entry.put("kind", fault.kind().name());
                        entry.put("atMs", TimeUnit.NANOSECONDS.toMillis(startNs - originNs));
                        entry.put("durationMs", fault.durationMs());
                        entry.put("publishersPerNode", publishersPerNode(nodes));
                        if (fault.kind() == ChaosPlan.Kind.KILL) {
                            int victim = pickVictim(nodes, fault.node(), victims);
                            entry.put("node", victim);
                            nodes[victim].close();
                            sleepUntil(startNs + TimeUnit.MILLISECONDS.toNanos(fault.durationMs()));
                            nodes[victim] = LoopbackNodePorts.restart(nodeAddresses[victim]);
                        } else {
                            entry.put("node", fault.node() == ChaosPlan.ALL_NODES ? "all" : fault.node());
                            long droppedBefore = downlinkDropped(emulators, fault.node());
                            sleepUntil(startNs + TimeUnit.MILLISECONDS.toNanos(fault.durationMs() + 100));
                            entry.put("downlinkDropped", downlinkDropped(emulators, fault.node()) - droppedBefore);
                            if (fault.kind() == ChaosPlan.Kind.CAPACITY_DROP) {
                                entry.put("capacityBps", fault.capacityBps());
                            }
                        }
                        faultLog.add(entry);
                        log.printf("%s fault %s at %d ms on node %s (%d ms)%n", redundant ? "redundant" : "failover",
                                fault.kind(), entry.get("atMs"), entry.get("node"), fault.durationMs());
                        log.flush();
                    }
                    sleepUntil(originNs + TimeUnit.MILLISECONDS.toNanos(plan.durationMs()));
                    publisher.stop();
                    long lastSent = publisher.lastSent();
                    awaitDrained(audits, lastSent);
                    List<Map<String, Object>> nodesAtEnd = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        Map<String, Object> entry = new LinkedHashMap<>();
                        entry.put("node", i);
                        entry.put("publishers", nodes[i].stats().publishers());
                        entry.put("subscribers", nodes[i].stats().subscribers());
                        nodesAtEnd.add(entry);
                    }
                    return summarize(audits, faultLog, watchIndices, lastSent, viewers, nodesAtEnd, paths, publisher,
                            stalls, originNs);
                }
            } finally {
                publisher.stop();
                for (Viewer viewer : viewers) {
                    viewer.close();
                }
            }
        } finally {
            for (NetworkEmulator emulator : emulators) {
                if (emulator != null) {
                    emulator.close();
                }
            }
            for (RelayNode node : nodes) {
                if (node != null) {
                    node.close();
                }
            }
        }
    }

    private static List<Integer> publishersPerNode(RelayNode[] nodes) {
        List<Integer> out = new ArrayList<>(nodes.length);
        for (RelayNode node : nodes) {
            out.add((int) node.stats().publishers());
        }
        return out;
    }

    private ChaosSummary summarize(List<FrameAudit> audits, List<Map<String, Object>> faultLog,
            List<int[]> watchIndices, long lastSent, List<Viewer> viewers, List<Map<String, Object>> nodesAtEnd,
            PathTimeline paths, Publisher publisher, SchedulingStalls stalls, long originNs) {
        long recoveries = 0;
        long unrecovered = 0;
        long worstRecoveryNs = 0;
        for (int f = 0; f < faultLog.size(); f++) {
            long faultWorstNs = 0;
            long faultUnrecovered = 0;
            for (int v = 0; v < audits.size(); v++) {
                long ns = audits.get(v).recoveryNs(watchIndices.get(f)[v]);
                if (ns < 0 || ns > TimeUnit.MILLISECONDS.toNanos(RECOVERY_GIVE_UP_MS)) {
                    faultUnrecovered++;
                } else {
                    recoveries++;
                    faultWorstNs = Math.max(faultWorstNs, ns);
                }
            }
            unrecovered += faultUnrecovered;
            worstRecoveryNs = Math.max(worstRecoveryNs, faultWorstNs);
            faultLog.get(f).put("worstRecoveryMs", TimeUnit.NANOSECONDS.toMillis(faultWorstNs));
            faultLog.get(f).put("viewersUnrecovered", faultUnrecovered);
        }
        long lost = 0;
        long corrupted = 0;
        long duplicated = 0;
        long outOfOrder = 0;
        long worstGapNs = 0;
        long silentViewers = 0;
        for (FrameAudit audit : audits) {
            lost += audit.lost(lastSent);
            corrupted += audit.corrupted();
            duplicated += audit.duplicated();
            outOfOrder += audit.outOfOrder();
            worstGapNs = Math.max(worstGapNs, audit.worstGapNs());
            if (audit.delivered() == 0) {
                silentViewers++;
            }
        }
        long failovers = 0;
        Map<String, Long> switches = new LinkedHashMap<>();
        for (NodeSwitchReason reason : NodeSwitchReason.values()) {
            long count = 0;
            for (FrameAudit audit : audits) {
                count += audit.switches(reason);
            }
            switches.put(reason.name(), count);
        }
        List<Map<String, Object>> stuck = new ArrayList<>();
        List<Map<String, Object>> losing = new ArrayList<>();
        for (int v = 0; v < viewers.size(); v++) {
            Viewer viewer = viewers.get(v);
            failovers += viewer.failoverCount();
            FrameAudit audit = audits.get(v);
            long viewerLost = audit.lost(lastSent);
            if (viewerLost > 0) {
                ViewerStats stats = viewer.stats();
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("viewer", v);
                entry.put("lost", viewerLost);
                List<Long> missing = audit.missing(lastSent, MISSING_LISTED);
                entry.put("firstMissing", missing);
                List<Long> sentAtMs = new ArrayList<>();
                for (long sequence : missing) {
                    sentAtMs.add(publisher.sentAtMs(sequence, originNs));
                }
                entry.put("firstMissingSentAtMs", sentAtMs);
                entry.put("packetsLost", stats.packetsLost());
                entry.put("framesDropped", stats.framesDropped());
                entry.put("keyframeRequestsSent", stats.keyframeRequestsSent());
                entry.put("failovers", viewer.failoverCount());
                entry.put("nacksSent", stats.nacksSent());
                entry.put("retransmissionsReceived", stats.retransmissionsReceived());
                entry.put("carryingNodes", paths.changes(v));
                entry.put("events", audit.events(originNs));
                losing.add(entry);
            }
            if (audit.highestSequence() < lastSent) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("viewer", v);
                entry.put("state", viewer.state().name());
                entry.put("failovers", viewer.failoverCount());
                entry.put("highestSequence", audit.highestSequence());
                entry.put("stateChanges", audit.stateChanges());
                stuck.add(entry);
            }
        }
        return new ChaosSummary(redundant ? "redundant" : "failover", plan.seed(), plan.durationMs(), viewerCount,
                plan.nodes(), lastSent + 1, faultLog.size(), recoveries, unrecovered, lost, corrupted, duplicated,
                outOfOrder, silentViewers, TimeUnit.NANOSECONDS.toMillis(worstGapNs),
                TimeUnit.NANOSECONDS.toMillis(worstRecoveryNs), failovers, Collections.unmodifiableMap(switches), List.copyOf(faultLog), List.copyOf(stuck), List.copyOf(losing),
                List.copyOf(nodesAtEnd), Map.of("count", stalls.count(), "longestMs", stalls.longestMs(),
                        "listed", stalls.listed()));
    }

    /** Datagrams towards viewers dropped so far by the emulator of {@code node}, or of all. */
    private static long downlinkDropped(NetworkEmulator[] emulators, int node) {
        long dropped = 0;
        for (int i = 0; i < emulators.length; i++) {
            if (node == ChaosPlan.ALL_NODES || node == i) {
                NetworkEmulatorStats s = emulators[i].stats();
                dropped += s.fromTargetLost() + s.fromTargetQueueDropped();
            }
        }
        return dropped;
    }

    /** A node carrying the stream (drawn with the seeded generator), else the planned one. */
    private static int pickVictim(RelayNode[] nodes, int planned, SplittableRandom random) {
        List<Integer> carrying = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i].stats().publishers() > 0) {
                carrying.add(i);
            }
        }
        return carrying.isEmpty() ? planned : carrying.get(random.nextInt(carrying.size()));
    }

    /** Waits until every viewer played a frame: faults before that would test joining, not recovery. */
    private void awaitPlaying(List<FrameAudit> audits, long originNs) throws InterruptedException {
        long deadlineNs = originNs + TimeUnit.MILLISECONDS.toNanos(CONNECT_TIMEOUT_MS);
        for (int v = 0; v < audits.size(); v++) {
            while (audits.get(v).delivered() == 0) {
                if (System.nanoTime() - deadlineNs > 0) {
                    throw new IllegalStateException("viewer " + v + " got no frame within " + CONNECT_TIMEOUT_MS + " ms");
                }
                Thread.sleep(20); // the audit has no blocking wait
            }
        }
    }

    /** Waits until every viewer played the last frame sent, or the drain time passed. */
    private static void awaitDrained(List<FrameAudit> audits, long lastSent) throws InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PLAYOUT_DRAIN_MS);
        for (FrameAudit audit : audits) {
            while (audit.highestSequence() < lastSent && System.nanoTime() - deadlineNs < 0) {
                Thread.sleep(10); // the audit has no blocking wait
            }
        }
    }

    private static void sleepUntil(long deadlineNs) throws InterruptedException {
        long leftNs;
        while ((leftNs = deadlineNs - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(leftNs);
        }
    }

    /**
     * Sends synthetic frames at a fixed rate while the broadcaster is connected; a sequence
     * number is used only by a frame the broadcaster accepted, so the viewers' gaps are network
     * losses, not frames never sent. A keyframe every second and whenever one is asked for.
     */
    private final class Publisher implements BroadcasterListener {
        private final FramePacer pacer = new FramePacer("chaos-publisher", framesPerSecond, this::produceFrame);
        // Used only on the pacer's thread.
        private final SyntheticFrames frames = new SyntheticFrames();
        private final int size = SyntheticFrames.frameBytes(bitrateBps, framesPerSecond);
        private final byte[] buffer = new byte[2 * size];
        private long sequence;
        private Broadcaster broadcaster;
        private volatile boolean keyframeRequested = true;
        private volatile long lastSent = -1;
        /** Capture time of each accepted frame, ns; the first {@link #SEND_TIMES_KEPT} frames of the run. */
        private final long[] sentAtNs = new long[SEND_TIMES_KEPT];

        void start(Broadcaster broadcaster) {
            this.broadcaster = broadcaster; // published to the pacer's thread by its start
            pacer.start();
        }

        private void produceFrame() {
            if (broadcaster.state() != ConnectionState.CONNECTED) {
                keyframeRequested = true;
                return;
            }
            boolean keyframe = keyframeRequested || sequence % framesPerSecond == 0;
            int length = keyframe ? 2 * size : size;
            frames.write(buffer, sequence, WallClock.epochNs(), length);
            long captureNs = System.nanoTime();
            if (broadcaster.sendVideo(buffer, 0, length, captureNs, keyframe)) {
                keyframeRequested = keyframeRequested && !keyframe;
                if (sequence < SEND_TIMES_KEPT) {
                    sentAtNs[(int) sequence] = captureNs;
                }
                lastSent = sequence;
                sequence++;
            }
        }

        long lastSent() {
            return lastSent;
        }

        /** When frame {@code sequence} was accepted, ms after {@code originNs}; -1 if not recorded. */
        long sentAtMs(long sequence, long originNs) {
            // read after stop(): the join orders the producer's writes before this read
            return sequence >= 0 && sequence < SEND_TIMES_KEPT && sequence <= lastSent
                    ? TimeUnit.NANOSECONDS.toMillis(sentAtNs[(int) sequence] - originNs) : -1;
        }

        void stop() {
            pacer.close();
        }

        @Override
        public void onKeyframeRequested() {
            keyframeRequested = true;
        }
    }
}
