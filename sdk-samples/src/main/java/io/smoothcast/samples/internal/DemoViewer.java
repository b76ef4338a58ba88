package io.smoothcast.samples.internal;

import io.smoothcast.netsim.LinkModel;
import io.smoothcast.stats.NodeSwitchCounts;
import io.smoothcast.transport.ConnectionState;
import io.smoothcast.transport.FailoverPolicy;
import io.smoothcast.transport.NetworkEmulator;
import io.smoothcast.transport.ReceivedFrame;
import io.smoothcast.transport.SharedIoThreads;
import io.smoothcast.transport.Viewer;
import io.smoothcast.transport.ViewerListener;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One viewer of the demo: a single {@link Viewer} given every node of its list
 * ({@code nodes(...)}) and a {@link FailoverPolicy}, so the SDK itself moves it to the next node
 * when its node dies. Each node is reached through its own {@link NetworkEmulator} with the same
 * link settings (the viewer's access network; the SDK sees one address per node).
 *
 * <p>Failovers and their resume times come from the SDK's connection events: a
 * {@link ConnectionState#CONNECTED} after {@link ConnectionState#RECONNECTING} (or
 * {@link ConnectionState#FAILED}) is one failover, and the time between the two events is how
 * long the SDK took to resume. Which node carries the viewer is read from the emulators: the one
 * that delivered packets since the last {@link #check}. The events themselves are kept, in words
 * with region names, for the demo to print ({@link #drainEvents}).
 *
 * <p>Thread-safety: connection events arrive on the viewer's I/O thread and are kept in volatile
 * or synchronized fields; {@link #check} and the getters are for the demo's status thread.
 */
public final class DemoViewer implements AutoCloseable {

    private final String name;
    private final String path;
    private final String streamId;
    private final List<Node> nodes;
    private final Supplier<LinkModel.Builder> toNode;
    private final Supplier<LinkModel.Builder> fromNode;
    private final FailoverPolicy failover;
    private final SharedIoThreads io;
    private final ViewerMeter meter = new ViewerMeter();
    private final List<NetworkEmulator> emulators = new ArrayList<>();
    private final long[] lastDelivered;
    private final Events events = new Events();
    private final Queue<String> eventLines = new ConcurrentLinkedQueue<>();
    private Viewer viewer;
    private int nodeIndex;
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
     * @param nodes nodes in order of preference (1-16)
     * @param toNode link settings from the viewer to a node (a fresh builder each call)
     * @param fromNode link settings from a node to the viewer (a fresh builder each call)
     * @param failover how the SDK detects a dead node and moves on
     * @param io the I/O threads to share
     */
    public DemoViewer(String name, String path, String streamId, List<Node> nodes, Supplier<LinkModel.Builder> toNode,
            Supplier<LinkModel.Builder> fromNode, FailoverPolicy failover, SharedIoThreads io) {
        this.name = name;
        this.path = path;
        this.streamId = streamId;
        this.nodes = List.copyOf(nodes);
        this.toNode = toNode;
        this.fromNode = fromNode;
        this.failover = failover;
        this.io = io;
        this.lastDelivered = new long[nodes.size()];
    }

    /**
     * Starts the emulated paths and the viewer, which joins the first node that accepts.
     *
     * @param nowNs the current {@link System#nanoTime()}
     */
    public void start(long nowNs) {
        startNs = nowNs;
        List<InetSocketAddress> fronts = new ArrayList<>();
        for (Node node : nodes) {
            NetworkEmulator emulator = NetworkEmulator.builder().target(node.address())
                    .toTarget(toNode.get()).fromTarget(fromNode.get()).build().start();
            emulators.add(emulator);
            fronts.add(emulator.localAddress());
        }
        viewer = Viewer.builder().nodes(fronts).failover(failover).streamId(streamId).listener(events)
                .sharedIoThreads(io).build().start();
    }

    /**
     * Notes which node carries the viewer now: the one whose path delivered the most packets to
     * the viewer since the last call (unchanged when none did, for example while reconnecting).
     */
    public void check() {
        int busiest = -1;
        long most = 0;
        for (int i = 0; i < emulators.size(); i++) {
            long delivered = emulators.get(i).stats().fromTargetDelivered();
            long delta = delivered - lastDelivered[i];
            lastDelivered[i] = delivered;
            if (delta > most) {
                most = delta;
                busiest = i;
            }
        }
        if (busiest >= 0) {
            nodeIndex = busiest;
        }
    }

    /** @return the viewer (the same one for the whole run: the SDK fails over inside it) */
    public Viewer viewer() {
        return viewer;
    }

    /** @return the region of the node that carries the viewer now, as of the last {@link #check} */
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

    /** @return the meter of what the viewer played */
    public ViewerMeter meter() {
        return meter;
    }

    /** @return freezes counted by the viewer's jitter buffers */
    public long freezes() {
        return viewer.stats().freezeCount();
    }

    /** @return packets given up as lost */
    public long packetsLost() {
        return viewer.stats().packetsLost();
    }

    /** @return retransmissions received */
    public long retransmissions() {
        return viewer.stats().retransmissionsReceived();
    }

    /** @return moves to another node while the node still answered, per reason (not failovers) */
    public NodeSwitchCounts nodeSwitches() {
        return viewer.stats().nodeSwitches();
    }

    /** @return failovers: the SDK's connection events, RECONNECTING (or FAILED) then CONNECTED again */
    public int failovers() {
        return events.failovers;
    }

    /** @return the longest time the SDK took to resume after losing its node, ms; -1 if it never had to */
    public double longestResumeMs() {
        return events.longestResumeNs < 0 ? -1 : events.longestResumeNs / 1e6;
    }

    /**
     * Hands over the connection events since the last call, oldest first, as lines such as
     * {@code "interconti RECONNECTING: node sa-east silent for 612 ms"}.
     *
     * @param sink receives each line
     */
    public void drainEvents(Consumer<String> sink) {
        String line;
        while ((line = eventLines.poll()) != null) {
            sink.accept(line);
        }
    }

    /** The SDK names nodes by address: the demo's readers know them by region. */
    private String withRegions(String reason) {
        String text = reason;
        for (int i = 0; i < emulators.size(); i++) {
            InetSocketAddress front = emulators.get(i).localAddress();
            text = text.replace(front.toString(), nodes.get(i).region())
                    .replace(Format.address(front), nodes.get(i).region());
        }
        return text;
    }

    /** @return the last connection state the SDK reported */
    public ConnectionState state() {
        return meter.state();
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
        }
        emulators.forEach(NetworkEmulator::close);
    }

    /** Frames go to the meter; connection events are counted here (on the viewer's I/O thread). */
    private final class Events implements ViewerListener {
        private volatile int failovers;
        private volatile long longestResumeNs = -1;
        private long lostNodeAtNs = -1;

        @Override
        public void onFrame(ReceivedFrame frame) {
            meter.onFrame(frame);
        }

        @Override
        public void onStateChanged(ConnectionState state, String reason) {
            meter.onStateChanged(state, reason);
            long nowNs = System.nanoTime();
            if ((state == ConnectionState.RECONNECTING || state == ConnectionState.FAILED) && lostNodeAtNs < 0) {
                lostNodeAtNs = nowNs;
            } else if (state == ConnectionState.CONNECTED && lostNodeAtNs >= 0) {
                long resumeNs = nowNs - lostNodeAtNs;
                longestResumeNs = Math.max(longestResumeNs, resumeNs);
                lostNodeAtNs = -1;
                failovers++; // only the I/O thread writes
                eventLines.add(String.format(Locale.ROOT, "%s %s after %.0f ms: %s", name, state, resumeNs / 1e6,
                        withRegions(reason)));
                return;
            }
            eventLines.add(name + " " + state + ": " + withRegions(reason));
        }
    }
}
