package io.smoothcast.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import io.smoothcast.time.NanoClock;
import io.smoothcast.transport.internal.netty.DatagramHandler;
import io.smoothcast.transport.internal.netty.UdpTransport;
import io.smoothcast.transport.internal.probe.ProbeEngine;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The last-mile probe: measures every candidate node at once and ranks them. Per node it sends a
 * short train of MTU-sized probes back to back (bottleneck bandwidth from the spread of the
 * replies), {@link Builder#pings} small pings (round-trip time, jitter, loss) and a load request;
 * a {@link NodeScorer} turns that into a ranking, a recommended node and a starting bitrate. With
 * the defaults a probe of any number of nodes takes about half a second (pings over 180 ms, then
 * at most {@link Builder#replyWaitMs} for late replies; it ends early when everything came back).
 *
 * <p>It also fetches the cluster's member list from any live node ({@link #fetchMembers}), so a
 * client configured with one address finds the others.
 *
 * <pre>{@code
 * NodeProbe probe = NodeProbe.builder().build();
 * ProbeReport report = probe.probe(probe.fetchMembers(List.of(seedAddress)));
 * Viewer viewer = Viewer.builder().nodes(report.rankedAddresses())...
 * }</pre>
 *
 * <p>Thread-safe: each call binds its own socket and I/O thread, blocks until done and releases
 * both; there is nothing to close.
 */
public final class NodeProbe {

    /** Bandwidth above this cannot be told apart on loopback-like paths; reported as this, in bps. */
    public static final long MAX_MEASURABLE_BANDWIDTH_BPS = 1_000_000_000L;

    private final NodeScorer scorer;
    private final int pings;
    private final int pingIntervalMs;
    private final int trainPackets;
    private final int trainPacketBytes;
    private final int replyWaitMs;
    private final NanoClock clock;
    private final UdpTransport transport;

    private NodeProbe(Builder b) {
        this.scorer = b.scorer;
        this.pings = b.pings;
        this.pingIntervalMs = b.pingIntervalMs;
        this.trainPackets = b.trainPackets;
        this.trainPacketBytes = b.trainPacketBytes;
        this.replyWaitMs = b.replyWaitMs;
        this.clock = b.clock;
        this.transport = b.forceNio ? UdpTransport.nio() : UdpTransport.best();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Measures the nodes concurrently and ranks them.
     *
     * @param nodes 1-64 distinct nodes
     * @return the ranking (unreachable nodes last)
     * @throws InterruptedException if interrupted while waiting
     */
    public ProbeReport probe(List<NodeInfo> nodes) throws InterruptedException {
        Objects.requireNonNull(nodes, "nodes");
        if (nodes.isEmpty() || nodes.size() > 64) {
            throw new IllegalArgumentException("nodes must hold 1-64 nodes: " + nodes.size());
        }
        List<InetSocketAddress> addresses = NodeLists.requireDistinct(nodes.stream().map(NodeInfo::address).toList(),
                "nodes");
        long startNs = clock.nanoTime();
        ProbeEngine engine = run(addresses, pings, trainPackets, false);
        List<ProbeResult> results = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            results.add(result(nodes.get(i), engine.measurement(i)));
        }
        results.sort(Comparator.comparingDouble(ProbeResult::score));
        ProbeResult best = results.get(0);
        long startBitrateBps = best.reachable() ? scorer.startBitrateBps(best.bandwidthBps(), best.lossFraction())
                : scorer.startBitrateBps(-1, 0);
        long durationMs = TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - startNs);
        return new ProbeReport(results, startBitrateBps, durationMs);
    }

    /**
     * Asks the seed nodes for their cluster's member list (PROTOCOL.md, MEMBERS_REQUEST) and
     * merges the answers, first seed's order first.
     *
     * @param seeds 1-16 node addresses
     * @return the members; empty if no seed answered or none knows its cluster
     * @throws InterruptedException if interrupted while waiting
     */
    public List<NodeInfo> fetchMembers(List<InetSocketAddress> seeds) throws InterruptedException {
        List<InetSocketAddress> addresses = NodeLists.require(seeds, "seeds");
        ProbeEngine engine = run(addresses, 1, 0, true);
        Map<InetSocketAddress, NodeInfo> merged = new LinkedHashMap<>();
        for (int i = 0; i < addresses.size(); i++) {
            List<NodeInfo> members = engine.measurement(i).members;
            if (members != null) {
                for (NodeInfo member : members) {
                    merged.putIfAbsent(member.address(), member);
                }
            }
        }
        return List.copyOf(merged.values());
    }

    private ProbeEngine run(List<InetSocketAddress> addresses, int pingCount, int train, boolean askMembers)
            throws InterruptedException {
        EventLoopGroup group = transport.newGroup(1, "smoothcast-probe");
        try {
            CountDownLatch done = new CountDownLatch(1);
            DatagramHandler handler = new DatagramHandler(sender -> new ProbeEngine(sender, addresses, pingCount,
                    TimeUnit.MILLISECONDS.toNanos(pingIntervalMs), train, trainPacketBytes,
                    TimeUnit.MILLISECONDS.toNanos(replyWaitMs), askMembers), clock);
            ProbeEngine engine = (ProbeEngine) handler.receiver();
            Channel channel = transport.bind(group, new InetSocketAddress(0), handler);
            ScheduledFuture<?>[] ticker = new ScheduledFuture<?>[1];
            channel.eventLoop().execute(() -> {
                engine.start(clock.nanoTime());
                ticker[0] = channel.eventLoop().scheduleAtFixedRate(() -> {
                    engine.onTick(clock.nanoTime());
                    if (engine.isDone()) {
                        ticker[0].cancel(false);
                        done.countDown();
                    }
                }, 1, 1, TimeUnit.MILLISECONDS);
            });
            long limitMs = (long) pingCount * pingIntervalMs + replyWaitMs + 2000;
            boolean finished = done.await(limitMs, TimeUnit.MILLISECONDS);
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            if (!finished) {
                throw new IllegalStateException("probe I/O thread did not finish within " + limitMs + " ms");
            }
            return engine; // its I/O thread has stopped touching it (done, channel closed)
        } finally {
            UdpTransport.shutdown(group);
        }
    }

    private ProbeResult result(NodeInfo node, ProbeEngine.Measurement m) {
        long[] answered = Arrays.stream(m.pingRttNs).filter(r -> r >= 0).toArray();
        double lossFraction = 1.0 - (double) answered.length / m.pingRttNs.length;
        boolean reachable = answered.length > 0 || m.trainReplies > 0 || m.load != null;
        double rttMs = Double.NaN;
        double jitterMs = 0;
        if (answered.length > 0) {
            long[] sorted = answered.clone();
            Arrays.sort(sorted);
            rttMs = sorted[sorted.length / 2] / 1e6;
            for (int i = 1; i < answered.length; i++) {
                jitterMs += Math.abs(answered[i] - answered[i - 1]) / 1e6;
            }
            jitterMs = answered.length > 1 ? jitterMs / (answered.length - 1) : 0;
        }
        long bandwidthBps = -1;
        if (m.trainReplies >= 2) {
            long spreadNs = m.lastTrainReplyNs - m.firstTrainReplyNs;
            double bits = (m.trainReplies - 1) * (double) trainPacketBytes * 8;
            bandwidthBps = spreadNs <= 0 ? MAX_MEASURABLE_BANDWIDTH_BPS
                    : (long) Math.min(MAX_MEASURABLE_BANDWIDTH_BPS, bits * 1e9 / spreadNs);
        }
        int clients = m.load == null ? -1 : m.load.publishers() + m.load.subscribers();
        double score = scorer.score(node, reachable, Double.isNaN(rttMs) ? 0 : rttMs, jitterMs, lossFraction, clients);
        return new ProbeResult(node, reachable, rttMs, jitterMs, lossFraction, bandwidthBps, clients, score);
    }

    /** Builds a {@link NodeProbe}. Not thread-safe. */
    public static final class Builder {
        private NodeScorer scorer = NodeScorer.defaults();
        private int pings = 10;
        private int pingIntervalMs = 20;
        private int trainPackets = 16;
        private int trainPacketBytes = 1200;
        private int replyWaitMs = 300;
        private NanoClock clock = NanoClock.system();
        private boolean forceNio;

        private Builder() {
        }

        /** @param scorer ranks the nodes; default {@link NodeScorer#defaults()} @return this builder */
        public Builder scorer(NodeScorer scorer) {
            this.scorer = Objects.requireNonNull(scorer, "scorer");
            return this;
        }

        /** @param pings pings per node, 2-100; default 10 @return this builder */
        public Builder pings(int pings) {
            this.pings = range(pings, 2, 100, "pings");
            return this;
        }

        /** @param ms time between pings, 1-1000 ms; default 20 @return this builder */
        public Builder pingIntervalMs(int ms) {
            this.pingIntervalMs = range(ms, 1, 1000, "pingIntervalMs");
            return this;
        }

        /**
         * @param packets probes per train, 0 (no bandwidth) or 2-64; default 16
         * @param bytes size of each, 64-1212 bytes; default 1200
         * @return this builder
         */
        public Builder train(int packets, int bytes) {
            if (packets == 1) {
                throw new IllegalArgumentException("packets must be 0 or 2-64: 1");
            }
            this.trainPackets = range(packets, 0, 64, "packets");
            this.trainPacketBytes = range(bytes, 64, 1212, "bytes");
            return this;
        }

        /** @param ms wait for replies after the last ping, 10-5000 ms; default 300 @return this builder */
        public Builder replyWaitMs(int ms) {
            this.replyWaitMs = range(ms, 10, 5000, "replyWaitMs");
            return this;
        }

        /** @param clock the clock; default the system clock @return this builder */
        public Builder clock(NanoClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @param forceNio use NIO even where epoll is available @return this builder */
        public Builder forceNio(boolean forceNio) {
            this.forceNio = forceNio;
            return this;
        }

        /** @return the probe */
        public NodeProbe build() {
            return new NodeProbe(this);
        }

        private static int range(int value, int min, int max, String name) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be " + min + "-" + max + ": " + value);
            }
            return value;
        }
    }
}
