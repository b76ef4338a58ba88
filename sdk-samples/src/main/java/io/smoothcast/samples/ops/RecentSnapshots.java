package io.smoothcast.samples.ops;

import io.smoothcast.transport.OpsSnapshot;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Keeps the last few monitor snapshots for a diagnostics bundle. Register it as the monitor's
 * snapshot listener.
 *
 * <p>Thread-safe (synchronized; one short call per sample).
 */
public final class RecentSnapshots implements Consumer<OpsSnapshot> {

    /** Default number of snapshots kept: 2 minutes at one per second. */
    public static final int DEFAULT_CAPACITY = 120;

    private final int capacity;
    private final ArrayDeque<OpsSnapshot> snapshots = new ArrayDeque<>();

    /**
     * @param capacity snapshots kept, >= 1
     */
    public RecentSnapshots(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public synchronized void accept(OpsSnapshot snapshot) {
        snapshots.addLast(snapshot);
        while (snapshots.size() > capacity) {
            snapshots.removeFirst();
        }
    }

    /** @return the kept snapshots, oldest first */
    public synchronized List<OpsSnapshot> list() {
        return List.copyOf(snapshots);
    }
}
