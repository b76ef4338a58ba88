package io.smoothcast.transport;

import io.smoothcast.alert.Subject;
import io.smoothcast.stats.Direction;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The last {@value #CAPACITY} moves of one client between nodes, written on its I/O thread and
 * read by {@link OpsMonitor}'s sampling thread, so that the monitor logs them without the
 * application wiring a listener. Moves are rare (the switch dwell keeps them seconds apart), so a
 * small ring is plenty; a reader that falls more than {@value #CAPACITY} moves behind misses the
 * overwritten ones (the per-reason counters still count them).
 *
 * <p>One writer, one reader (each reader keeps its own position); lock-free.
 */
final class NodeSwitchLog {

    static final int CAPACITY = 32;

    /** One move; {@code seq} tells a reader whether the slot still holds the move it wants. */
    private record Entry(long seq, String from, String to, NodeSwitchReason reason, String detail) {
    }

    private final AtomicReferenceArray<Entry> ring = new AtomicReferenceArray<>(CAPACITY);
    /** Moves appended so far; written by the I/O thread only, after the slot. */
    private volatile long written;

    /** Appends a move; on the client's I/O thread. */
    void append(InetSocketAddress from, InetSocketAddress to, NodeSwitchReason reason, String detail) {
        long seq = written;
        ring.set((int) (seq % CAPACITY), new Entry(seq, address(from), address(to), reason, detail));
        written = seq + 1;
    }

    /**
     * @return the sequence number the next move will get: where a reader that starts now begins,
     *     so that it does not take earlier moves for new ones
     */
    long end() {
        return written;
    }

    /**
     * Hands the moves appended since {@code next} to {@code sink} as events, oldest first.
     *
     * @param next the sequence number of the first move not read yet ({@link #end()} when the reader began)
     * @param nowNs the reader's current instant, the events' time
     * @param direction receive for a viewer, send for a broadcaster
     * @param subject the client as watched
     * @param sink gets each move
     * @return the sequence number to pass next time
     */
    long readFrom(long next, long nowNs, Direction direction, Subject subject, Consumer<NodeSwitchEvent> sink) {
        long end = written;
        for (long seq = Math.max(next, end - CAPACITY); seq < end; seq++) {
            Entry e = ring.get((int) (seq % CAPACITY));
            if (e.seq() == seq) { // not yet overwritten by a later move
                sink.accept(new NodeSwitchEvent(nowNs, direction, subject.streamId(), subject.endpointId(), e.from(),
                        e.to(), e.reason(), e.detail()));
            }
        }
        return end;
    }

    private static String address(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }
}
