package io.smoothcast.samples.chaos;

import io.smoothcast.transport.Viewer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Which nodes carry each viewer over the run: a background thread reads every viewer's
 * {@link Viewer#carryingNodes()} every {@value #POLL_MS} ms and keeps each change with its time,
 * so the summary of a viewer that lost a frame shows what its paths were doing at that moment
 * (two legs up, one re-joining, none). Nodes are written as their indices ("1+2", "none").
 *
 * <p>Thread-safe: the polling thread writes, the run reads after {@link #close()}.
 */
final class PathTimeline implements AutoCloseable {

    static final int POLL_MS = 5;
    /** Changes kept per viewer. */
    static final int CHANGES_KEPT = 128;

    private final List<Viewer> viewers;
    private final List<InetSocketAddress> nodes;
    private final long originNs;
    private final List<List<String>> changes = new ArrayList<>();
    private final String[] current;
    private final SamplingThread thread;

    /**
     * Starts polling.
     *
     * @param viewers the viewers, all started
     * @param nodes the node addresses the viewers were given, in node index order
     * @param originNs the run's time origin, {@link System#nanoTime()} scale
     */
    PathTimeline(List<Viewer> viewers, List<InetSocketAddress> nodes, long originNs) {
        this.viewers = List.copyOf(viewers);
        this.nodes = List.copyOf(nodes);
        this.originNs = originNs;
        this.current = new String[viewers.size()];
        for (int v = 0; v < viewers.size(); v++) {
            changes.add(new ArrayList<>());
        }
        thread = new SamplingThread("chaos-path-timeline", this::poll);
    }

    private void poll(BooleanSupplier running) {
        while (running.getAsBoolean()) {
            long nowMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - originNs);
            synchronized (this) {
                for (int v = 0; v < viewers.size(); v++) {
                    String legs = legs(viewers.get(v));
                    if (!legs.equals(current[v]) && changes.get(v).size() < CHANGES_KEPT) {
                        current[v] = legs;
                        changes.get(v).add(nowMs + " ms: " + legs);
                    }
                }
            }
            try {
                Thread.sleep(POLL_MS); // a sampling period, not a wait for an event
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private String legs(Viewer viewer) {
        StringBuilder b = new StringBuilder();
        for (InetSocketAddress node : viewer.carryingNodes()) {
            b.append(b.length() == 0 ? "" : "+").append(nodes.indexOf(node));
        }
        return b.length() == 0 ? "none" : b.toString();
    }

    /**
     * @param viewer the viewer's index
     * @return its carrying nodes at the start and at each change, "time ms: nodes"
     */
    synchronized List<String> changes(int viewer) {
        return List.copyOf(changes.get(viewer));
    }

    @Override
    public void close() {
        thread.close();
    }
}
