package io.smoothcast.samples;

import io.smoothcast.netsim.LinkModel;
import io.smoothcast.transport.Broadcaster;
import io.smoothcast.transport.ConnectionState;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.NetworkEmulator;
import io.smoothcast.transport.NodeInfo;
import io.smoothcast.transport.NodeProbe;
import io.smoothcast.transport.NodeSwitchReason;
import io.smoothcast.transport.ProbeReport;
import io.smoothcast.transport.ReceivedFrame;
import io.smoothcast.transport.RelayNode;
import io.smoothcast.transport.RelayStats;
import io.smoothcast.transport.Viewer;
import io.smoothcast.transport.ViewerListener;
import io.smoothcast.transport.internal.LoopbackNodePorts;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code failover-bench}: a stream through three relay nodes on 127.0.0.1 while the node carrying
 * the viewer is killed abruptly (socket closed, no goodbye) and restarted, again and again; then
 * the same in redundant mode; then a probe of five nodes; then a broadcaster on a 15 % lossy
 * path to its node, which should move its stream to a clean node once while two viewers keep
 * playing. Writes the resume times (node death to the first frame sent after the death reaching
 * the viewer application), the frames lost, the probe time and the ingest move's figures as JSON.
 */
@Command(name = "failover-bench", mixinStandardHelpOptions = true,
        description = {"Kill and restart relay nodes under a live stream; measure resume time and frames lost.",
            "Runs the kills in failover mode, then in redundant mode; then times a probe of five nodes; then"
                + " puts a broadcaster on a 15 %% lossy path to its node and measures how soon it moves its"
                + " stream to a clean node. --json writes every figure."},
        footer = {"", "Examples:",
            "  smoothcast failover-bench",
            "  smoothcast failover-bench --kills 50 --json failover.json",
            "", "Exit codes: 0 the bench ran (read its figures), 1 could not run, 2 bad arguments."})
public final class FailoverBenchCommand implements Callable<Integer> {

    @Option(names = "--kills", defaultValue = "20", description = "Node kills per mode, 1-1000 (default ${DEFAULT-VALUE}).")
    int kills;

    @Option(names = "--json", description = "Write the results to this JSON file.")
    Path json;

    @Option(names = "--frame-interval-ms", defaultValue = "10",
            description = "Time between video frames in ms, 1-200 (default ${DEFAULT-VALUE}).")
    int frameIntervalMs;

    @Option(names = "--settle-ms", defaultValue = "800",
            description = "Steady streaming before each kill, in ms, 0-60000 (default ${DEFAULT-VALUE}).")
    int settleMs;

    @Option(names = "--verbose", description = "Print every connection state change.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final String STREAM = "failover-bench";
    private static final int FRAME_BYTES = 3000;
    private static final long RESUME_GIVE_UP_NS = TimeUnit.SECONDS.toNanos(10);

    /** One run's figures. */
    record ModeResult(long framesSent, long framesLost, double[] resumeMs, int unresumed) {
    }

    /** Loss on the broadcaster's path to its first node in the ingest-switch run. */
    static final double INGEST_LOSS = 0.15;
    /** Capacity of the emulated ingest path, both ways: far above the stream, so loss is the only fault. */
    private static final long INGEST_CAPACITY_BPS = 200_000_000;
    /** One-way delay of the emulated ingest path, in ns. */
    private static final long INGEST_DELAY_NS = 2_000_000;
    /** Streaming time of the ingest-switch run, in ms: the switch is due about 4 s in. */
    private static final int INGEST_STREAM_MS = 10_000;

    /**
     * The ingest-switch run's figures.
     *
     * @param switchMs from the first frame to the broadcaster's move, in ms; -1 if it did not move
     * @param switches the broadcaster's moves (1 expected: once, never back)
     * @param viewerGapMsMax the longest time between two frames delivered to either viewer, in ms
     * @param viewerGapAfterSwitchMsMax the same for the gaps that ended at or after the switch
     *     (the move's own cost, without the lossy phase before it), in ms; -1 without a switch
     * @param framesLost frames sent but not delivered, both viewers together
     * @param startedOnLossyNode whether the broadcaster's stream was on A when streaming began
     *     (if its join there failed it starts on B, and there is nothing to move)
     * @param failovers times the broadcaster lost its node (a silence, not a proactive move)
     */
    record IngestResult(double switchMs, int switches, double viewerGapMsMax, double viewerGapAfterSwitchMsMax,
            long framesLost,
            boolean startedOnLossyNode, long failovers) {
    }

    @Override
    public Integer call() throws Exception {
        Arguments.requireRange(spec, "--kills", kills, 1, 1000);
        Arguments.requireRange(spec, "--frame-interval-ms", frameIntervalMs, 1, 200);
        Arguments.requireRange(spec, "--settle-ms", settleMs, 0, 60_000);
        PrintWriter out = spec.commandLine().getOut();
        ModeResult failover = run(FailoverPolicy.defaults(), out, "failover");
        ModeResult redundant = run(FailoverPolicy.builder().redundant(true).build(), out, "redundant");
        long probeMs = probeFiveNodes();
        IngestResult ingest = ingestSwitch(out);
        double[] sorted = failover.resumeMs().clone();
        Arrays.sort(sorted);
        String result = String.format(Locale.ROOT, "{%n"
                + "  \"date\": \"%s\",%n"
                + "  \"kills\": %d,%n"
                + "  \"frameIntervalMs\": %d,%n"
                + "  \"resumeMsP50\": %.1f,%n"
                + "  \"resumeMsP95\": %.1f,%n"
                + "  \"resumeMsMax\": %.1f,%n"
                + "  \"unresumedKills\": %d,%n"
                + "  \"framesSent\": %d,%n"
                + "  \"framesLost\": %d,%n"
                + "  \"redundantKills\": %d,%n"
                + "  \"redundantFramesSent\": %d,%n"
                + "  \"redundantFramesLost\": %d,%n"
                + "  \"redundantUnresumedKills\": %d,%n"
                + "  \"probeNodes\": 5,%n"
                + "  \"probeMs\": %d,%n"
                + "  \"ingestLossPercent\": %.0f,%n"
                + "  \"ingestStartedOnLossyNode\": %b,%n"
                + "  \"ingestSwitchMs\": %.1f,%n"
                + "  \"ingestSwitches\": %d,%n"
                + "  \"ingestFailovers\": %d,%n"
                + "  \"ingestViewerGapMsMax\": %.1f,%n"
                + "  \"ingestViewerGapAfterSwitchMsMax\": %.1f,%n"
                + "  \"ingestFramesLost\": %d%n"
                + "}%n", Instant.now(), kills, frameIntervalMs, percentile(sorted, 50), percentile(sorted, 95),
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1], failover.unresumed(),
                failover.framesSent(), failover.framesLost(), kills, redundant.framesSent(), redundant.framesLost(),
                redundant.unresumed(), probeMs, 100 * INGEST_LOSS, ingest.startedOnLossyNode(), ingest.switchMs(),
                ingest.switches(), ingest.failovers(),
                ingest.viewerGapMsMax(), ingest.viewerGapAfterSwitchMsMax(), ingest.framesLost());
        out.print(result);
        out.flush();
        if (json != null) {
            Files.writeString(json, result, StandardCharsets.UTF_8);
        }
        return 0;
    }

    static double percentile(double[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private ModeResult run(FailoverPolicy policy, PrintWriter log, String mode) throws Exception {
        RelayNode[] nodes = new RelayNode[3];
        InetSocketAddress[] addresses = new InetSocketAddress[3];
        for (int i = 0; i < nodes.length; i++) {
            // Below the ephemeral range: a killed node is restarted on its port.
            nodes[i] = LoopbackNodePorts.startBelowEphemeralRange(RelayNode.builder());
            addresses[i] = nodes[i].localAddress();
        }
        List<InetSocketAddress> list = List.of(addresses);
        DeliveryLog deliveries = new DeliveryLog(verbose ? log : null, mode + " viewer");
        AtomicInteger nextIndex = new AtomicInteger();
        ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
        double[] resumeMs = new double[kills];
        int resumed = 0;
        int unresumed = 0;
        try (Viewer viewer = Viewer.builder().nodes(list).failover(policy).streamId(STREAM).listener(deliveries)
                .build().start();
                Broadcaster broadcaster = Broadcaster.builder().nodes(list).failover(policy).streamId(STREAM)
                        .listener(new io.smoothcast.transport.BroadcasterListener() {
                            @Override
                            public void onStateChanged(ConnectionState state, String reason) {
                                deliveries.print(mode + " broadcaster", state, reason);
                            }
                        }).build().start()) {
            awaitConnected(viewer::state, broadcaster::state);
            byte[] frame = new byte[FRAME_BYTES];
            sender.scheduleAtFixedRate(() -> {
                int index = nextIndex.getAndIncrement();
                ByteBuffer.wrap(frame).putInt(index);
                broadcaster.sendVideo(frame, 0, frame.length, System.nanoTime(), index % 50 == 0);
            }, 0, frameIntervalMs, TimeUnit.MILLISECONDS);
            for (int k = 0; k < kills; k++) {
                Thread.sleep(settleMs); // steady streaming before the next death
                int victim = victim(nodes, policy.redundant());
                if (victim < 0) {
                    log.printf("%s kill %d: no node carries the stream; skipped%n", mode, k + 1);
                    unresumed++;
                    continue;
                }
                if (verbose) {
                    for (int i = 0; i < nodes.length; i++) {
                        RelayStats st = nodes[i].stats();
                        log.printf("  node %d: publishers %d subscribers %d forwarded %d%n", i, st.publishers(),
                                st.subscribers(), st.packetsForwarded());
                    }
                }
                int lastSentBefore = nextIndex.get() - 1;
                long killNs = System.nanoTime();
                nodes[victim].close();
                long resumedNs = deliveries.awaitIndexAbove(lastSentBefore, killNs + RESUME_GIVE_UP_NS);
                if (resumedNs < 0) {
                    unresumed++;
                    log.printf("%s kill %d (node %d): no frame within 10 s%n", mode, k + 1, victim);
                } else {
                    resumeMs[resumed++] = (resumedNs - killNs) / 1e6;
                    log.printf(Locale.ROOT, "%s kill %d (node %d): resumed after %.1f ms%n", mode, k + 1, victim,
                            resumeMs[resumed - 1]);
                }
                log.flush();
                nodes[victim] = LoopbackNodePorts.restart(addresses[victim]);
            }
            Thread.sleep(settleMs);
            sender.shutdown();
            sender.awaitTermination(5, TimeUnit.SECONDS);
            Thread.sleep(500); // the last frames play out
            long sent = nextIndex.get();
            long lost = sent - deliveries.distinctDelivered(sent);
            if (verbose) {
                log.printf("  %s viewer %s; lost frames %s%n", mode, viewer.stats(), deliveries.missing(sent));
                log.printf("  %s broadcaster %s%n", mode, broadcaster.stats());
            }
            return new ModeResult(sent, lost, Arrays.copyOf(resumeMs, resumed), unresumed);
        } finally {
            sender.shutdownNow();
            for (RelayNode node : nodes) {
                node.close();
            }
        }
    }

    /** Waits up to 5 s until both clients are connected: frames sent before count for nothing. */
    private static void awaitConnected(java.util.function.Supplier<ConnectionState> viewer,
            java.util.function.Supplier<ConnectionState> broadcaster) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (viewer.get() != ConnectionState.CONNECTED || broadcaster.get() != ConnectionState.CONNECTED) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("clients did not connect: viewer " + viewer.get() + ", broadcaster "
                        + broadcaster.get());
            }
            Thread.sleep(10); // client states have no blocking wait
        }
    }

    /**
     * The node to kill: one that carries both the broadcaster and the viewer. In redundant mode,
     * one of two such nodes when there are two (killing the only shared node would test nothing
     * about redundancy); waits up to 2 s for the clients to settle.
     */
    private static int victim(RelayNode[] nodes, boolean redundant) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        int fallback = -1;
        do {
            List<Integer> shared = new ArrayList<>();
            for (int i = 0; i < nodes.length; i++) {
                RelayStats s = nodes[i].stats();
                if (s.publishers() == 1 && s.subscribers() == 1) {
                    shared.add(i);
                }
            }
            if (!shared.isEmpty()) {
                fallback = shared.get(0);
                if (!redundant || shared.size() >= 2) {
                    return fallback;
                }
            }
            Thread.sleep(20); // relay counters have no event to wait on
        } while (System.nanoTime() - deadline < 0);
        return fallback;
    }

    /**
     * A broadcaster whose path to its first node (A) loses {@value #INGEST_LOSS} of its packets
     * (a {@link NetworkEmulator} in front of A), with B, which cascades from A, as its second
     * node; one viewer on A, one on B. The broadcaster is expected to move to B once (publishing
     * there before leaving A) and the viewer on A to follow it there.
     */
    private IngestResult ingestSwitch(PrintWriter log) throws Exception {
        String mode = "ingest";
        AtomicLong switchedNs = new AtomicLong(-1);
        AtomicInteger switches = new AtomicInteger();
        AtomicInteger nextIndex = new AtomicInteger();
        ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
        DeliveryLog onA = new DeliveryLog(verbose ? log : null, mode + " viewer on A");
        DeliveryLog onB = new DeliveryLog(verbose ? log : null, mode + " viewer on B");
        try (RelayNode a = RelayNode.builder().build().start();
                RelayNode b = RelayNode.builder().upstream(a.localAddress()).build().start();
                NetworkEmulator lossy = NetworkEmulator.builder().target(a.localAddress())
                        .toTarget(LinkModel.builder().propagationDelayNs(INGEST_DELAY_NS).randomLoss(INGEST_LOSS)
                                .constantCapacityBps(INGEST_CAPACITY_BPS))
                        .fromTarget(LinkModel.builder().propagationDelayNs(INGEST_DELAY_NS)
                                .constantCapacityBps(INGEST_CAPACITY_BPS))
                        .build().start();
                Viewer viewerA = Viewer.builder().nodes(List.of(a.localAddress(), b.localAddress()))
                        .streamId(STREAM).listener(onA).build().start();
                Viewer viewerB = Viewer.builder().nodes(List.of(b.localAddress(), a.localAddress()))
                        .streamId(STREAM).listener(onB).build().start();
                Broadcaster broadcaster = Broadcaster.builder().nodes(List.of(lossy.localAddress(), b.localAddress()))
                        .streamId(STREAM).listener(new io.smoothcast.transport.BroadcasterListener() {
                            @Override
                            public void onStateChanged(ConnectionState state, String reason) {
                                onA.print(mode + " broadcaster", state, reason);
                            }

                            @Override
                            public void onNodeSwitched(InetSocketAddress from, InetSocketAddress to,
                                    NodeSwitchReason reason, String detail) {
                                switchedNs.compareAndSet(-1, System.nanoTime());
                                switches.incrementAndGet();
                                onA.print(mode + " broadcaster", ConnectionState.CONNECTED,
                                        "switched " + from + " -> " + to + ": " + reason + ", " + detail);
                            }
                        }).build().start()) {
            awaitConnected(viewerA::state, broadcaster::state);
            awaitConnected(viewerB::state, broadcaster::state);
            boolean startedOnA = a.stats().publishers() == 1;
            byte[] frame = new byte[FRAME_BYTES];
            long startNs = System.nanoTime();
            sender.scheduleAtFixedRate(() -> {
                int index = nextIndex.getAndIncrement();
                ByteBuffer.wrap(frame).putInt(index);
                broadcaster.sendVideo(frame, 0, frame.length, System.nanoTime(), index % 50 == 0);
            }, 0, frameIntervalMs, TimeUnit.MILLISECONDS);
            Thread.sleep(INGEST_STREAM_MS);
            sender.shutdown();
            sender.awaitTermination(5, TimeUnit.SECONDS);
            Thread.sleep(500); // the last frames play out
            long sent = nextIndex.get();
            long lost = 2 * sent - onA.distinctDelivered(sent) - onB.distinctDelivered(sent);
            double gapMs = Math.max(onA.longestGapNs(startNs), onB.longestGapNs(startNs)) / 1e6;
            long switchNs = switchedNs.get();
            double gapAfterSwitchMs = switchNs < 0 ? -1
                    : Math.max(onA.longestGapNs(switchNs), onB.longestGapNs(switchNs)) / 1e6;
            double switchMs = switchedNs.get() < 0 ? -1 : (switchedNs.get() - startNs) / 1e6;
            log.printf(Locale.ROOT, "%s: started on the lossy node: %b; broadcaster moved %d time(s), %.1f ms after"
                    + " the first frame, and failed over %d time(s); longest gap at a viewer %.1f ms (%.1f ms from"
                    + " the switch on); %d of %d frames lost (both viewers)%n", mode, startedOnA, switches.get(),
                    switchMs, broadcaster.failoverCount(), gapMs, gapAfterSwitchMs, lost, 2 * sent);
            log.flush();
            return new IngestResult(switchMs, switches.get(), gapMs, gapAfterSwitchMs, lost, startedOnA,
                    broadcaster.failoverCount());
        } finally {
            sender.shutdownNow();
        }
    }

    private static long probeFiveNodes() throws InterruptedException {
        List<RelayNode> relays = new ArrayList<>();
        try {
            List<NodeInfo> nodes = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                RelayNode relay = RelayNode.builder().build().start();
                relays.add(relay);
                nodes.add(new NodeInfo(relay.localAddress(), "region-" + i));
            }
            ProbeReport report = NodeProbe.builder().build().probe(nodes);
            return report.durationMs();
        } finally {
            relays.forEach(RelayNode::close);
        }
    }

    /** Delivery time of every frame index, recorded on the viewer's playout thread. */
    static final class DeliveryLog implements ViewerListener {
        private final ConcurrentHashMap<Integer, Long> deliveredNs = new ConcurrentHashMap<>();
        private final AtomicLong highestIndex = new AtomicLong(-1);
        private final Object signal = new Object();
        private final PrintWriter verbose;
        private final String name;

        DeliveryLog(PrintWriter verbose, String name) {
            this.verbose = verbose;
            this.name = name;
        }

        void print(String who, ConnectionState state, String reason) {
            if (verbose != null) {
                synchronized (verbose) {
                    verbose.printf("  %s %s: %s%n", who, state, reason);
                    verbose.flush();
                }
            }
        }

        @Override
        public void onFrame(ReceivedFrame frame) {
            if (frame.kind() != MediaKind.VIDEO || frame.length() < 4) {
                return;
            }
            int index = ByteBuffer.wrap(frame.toByteArray()).getInt();
            deliveredNs.putIfAbsent(index, System.nanoTime());
            highestIndex.accumulateAndGet(index, Math::max);
            synchronized (signal) {
                signal.notifyAll();
            }
        }

        @Override
        public void onStateChanged(ConnectionState state, String reason) {
            print(name, state, reason);
        }

        @Override
        public void onNodeSwitched(InetSocketAddress from, InetSocketAddress to, NodeSwitchReason reason,
                String detail) {
            if (verbose != null) {
                synchronized (verbose) {
                    verbose.printf("  %s switched %s -> %s: %s, %s%n", name, from, to, reason, detail);
                    verbose.flush();
                }
            }
        }

        /** Waits for a frame with an index above {@code index}; its delivery time, or -1. */
        long awaitIndexAbove(int index, long deadlineNs) throws InterruptedException {
            synchronized (signal) {
                while (highestIndex.get() <= index) {
                    long leftNs = deadlineNs - System.nanoTime();
                    if (leftNs <= 0) {
                        return -1;
                    }
                    TimeUnit.NANOSECONDS.timedWait(signal, leftNs);
                }
            }
            long first = Long.MAX_VALUE;
            for (var e : deliveredNs.entrySet()) {
                if (e.getKey() > index && e.getValue() < first) {
                    first = e.getValue();
                }
            }
            return first;
        }

        /** The missing indices below {@code below}, as ranges. */
        String missing(long below) {
            StringBuilder sb = new StringBuilder();
            long start = -1;
            for (int i = 0; i <= below; i++) {
                boolean gap = i < below && !deliveredNs.containsKey(i);
                if (gap && start < 0) {
                    start = i;
                } else if (!gap && start >= 0) {
                    sb.append(start).append('-').append(i - 1).append(' ');
                    start = -1;
                }
            }
            return sb.toString().trim();
        }

        /**
         * The longest time between two consecutive deliveries (in delivery order) that ended at
         * or after {@code fromNs}, in ns.
         */
        long longestGapNs(long fromNs) {
            long[] times = deliveredNs.values().stream().mapToLong(Long::longValue).sorted().toArray();
            long longest = 0;
            for (int i = 1; i < times.length; i++) {
                if (times[i] - fromNs >= 0) {
                    longest = Math.max(longest, times[i] - times[i - 1]);
                }
            }
            return longest;
        }

        long distinctDelivered(long below) {
            return deliveredNs.keySet().stream().filter(i -> i >= 0 && i < below).count();
        }
    }
}
