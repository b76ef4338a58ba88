package io.smoothcast.samples.internal;

import io.smoothcast.netsim.LinkModel;
import io.smoothcast.transport.NetworkEmulator;
import io.smoothcast.transport.SharedIoThreads;
import io.smoothcast.transport.Viewer;
import io.smoothcast.transport.ViewerStats;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One viewer of the demo: a {@link Viewer} behind its own {@link NetworkEmulator} (its access
 * network), watching through the first node of its list. When its media stops for
 * {@link #STALL_NS} it moves to the next node of the list through a fresh emulator with the same
 * link settings, and counts a failover. (This is the application-level fallback the demo uses;
 * the SDK's own failover replaces it when it lands.)
 *
 * <p>Not thread-safe: the demo calls {@link #check} and {@link #row} from its status thread.
 */
public final class DemoViewer implements AutoCloseable {

    /** Silence after which the viewer gives up its node. */
    public static final long STALL_NS = TimeUnit.MILLISECONDS.toNanos(1500);

    private final String name;
    private final String path;
    private final String streamId;
    private final List<Node> nodes;
    private final Supplier<LinkModel.Builder> toNode;
    private final Supplier<LinkModel.Builder> fromNode;
    private final SharedIoThreads io;
    private final ViewerMeter meter = new ViewerMeter();
    private int nodeIndex;
    private NetworkEmulator emulator;
    private Viewer viewer;
    private long retiredFreezes;
    private long retiredLost;
    private long retiredRtx;
    private int failovers;
    private long lastPackets = -1;
    private long lastProgressNs;
    private long startNs;

    /**
     * A relay the viewer may watch through.
     *
     * @param region the node's region name
     * @param address the node's UDP address
     */
    public record Node(String region, InetSocketAddress address) {
    }

    /**
     * @param name the viewer's name in the table
     * @param path its access network, in words
     * @param streamId the stream to watch
     * @param nodes nodes in order of preference
     * @param toNode link settings from the viewer to its node (a fresh builder each call)
     * @param fromNode link settings from the node to the viewer (a fresh builder each call)
     * @param io the I/O threads to share
     */
    public DemoViewer(String name, String path, String streamId, List<Node> nodes, Supplier<LinkModel.Builder> toNode,
            Supplier<LinkModel.Builder> fromNode, SharedIoThreads io) {
        this.name = name;
        this.path = path;
        this.streamId = streamId;
        this.nodes = List.copyOf(nodes);
        this.toNode = toNode;
        this.fromNode = fromNode;
        this.io = io;
    }

    /**
     * Starts watching through the first node.
     *
     * @param nowNs the current {@link System#nanoTime()}
     */
    public void start(long nowNs) {
        startNs = nowNs;
        connect(nowNs);
    }

    private void connect(long nowNs) {
        emulator = NetworkEmulator.builder().target(nodes.get(nodeIndex).address())
                .toTarget(toNode.get()).fromTarget(fromNode.get()).build().start();
        viewer = Viewer.builder().node(emulator.localAddress()).streamId(streamId).listener(meter)
                .sharedIoThreads(io).build().start();
        lastPackets = -1;
        lastProgressNs = nowNs;
    }

    /**
     * Moves to the next node if media has stopped.
     *
     * @param nowNs the current {@link System#nanoTime()}
     */
    public void check(long nowNs) {
        long packets = viewer.stats().packetsReceived();
        if (packets != lastPackets) {
            lastPackets = packets;
            lastProgressNs = nowNs;
            return;
        }
        if (nowNs - lastProgressNs >= STALL_NS && nodeIndex + 1 < nodes.size()) {
            retire();
            nodeIndex++;
            failovers++;
            connect(nowNs);
        }
    }

    private void retire() {
        ViewerStats s = viewer.stats();
        retiredFreezes += s.freezeCount();
        retiredLost += s.packetsLost();
        retiredRtx += s.retransmissionsReceived();
        viewer.close();
        emulator.close();
    }

    /** @return the viewer in use now (a new one after each failover; the old one is closed) */
    public Viewer viewer() {
        return viewer;
    }

    /** @return the current node's region */
    public String region() {
        return nodes.get(nodeIndex).region();
    }

    /** @return the viewer's name */
    public String name() {
        return name;
    }

    /** @return its access network, in words */
    public String path() {
        return path;
    }

    /** @return the meter shared by all of this viewer's connections */
    public ViewerMeter meter() {
        return meter;
    }

    /** @return freezes so far, over all connections */
    public long freezes() {
        return retiredFreezes + viewer.stats().freezeCount();
    }

    /** @return packets given up as lost so far, over all connections */
    public long packetsLost() {
        return retiredLost + viewer.stats().packetsLost();
    }

    /** @return retransmissions received so far, over all connections */
    public long retransmissions() {
        return retiredRtx + viewer.stats().retransmissionsReceived();
    }

    /** @return how many times the viewer moved to another node */
    public int failovers() {
        return failovers;
    }

    /**
     * @param nowNs the current {@link System#nanoTime()}
     * @return mean bitrate played since start, bits per second
     */
    public long meanBitrateBps(long nowNs) {
        long elapsed = nowNs - startNs;
        return elapsed <= 0 ? 0 : meter.bytes() * 8L * 1_000_000_000L / elapsed;
    }

    @Override
    public void close() {
        if (viewer != null) {
            viewer.close();
            emulator.close();
        }
    }
}
