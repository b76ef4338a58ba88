package io.smoothcast.transport;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A listener for failover tests: records every state change with its reason and opens a latch per
 * state (on its first occurrence after {@link #expect}); frames go to a {@link FrameCollector}.
 */
final class StateLog implements ViewerListener, BroadcasterListener {

    final FrameCollector frames;
    private final List<String> changes = new ArrayList<>();
    private final List<String> switches = new ArrayList<>();
    private final List<Long> switchTimesNs = new ArrayList<>();
    private final CountDownLatch switched = new CountDownLatch(1);
    private final Map<ConnectionState, CountDownLatch> latches = new EnumMap<>(ConnectionState.class);

    StateLog(FrameCollector frames) {
        this.frames = frames;
        for (ConnectionState s : ConnectionState.values()) {
            latches.put(s, new CountDownLatch(1));
        }
    }

    /** A fresh latch for {@code state}: opens on its next occurrence. */
    synchronized CountDownLatch expect(ConnectionState state) {
        CountDownLatch latch = new CountDownLatch(1);
        latches.put(state, latch);
        return latch;
    }

    synchronized CountDownLatch latch(ConnectionState state) {
        return latches.get(state);
    }

    @Override
    public void onStateChanged(ConnectionState state, String reason) {
        CountDownLatch latch;
        synchronized (this) {
            changes.add(state + ": " + reason);
            latch = latches.get(state);
        }
        latch.countDown();
        if (frames != null) {
            frames.onStateChanged(state, reason);
        }
    }

    @Override
    public void onNodeSwitched(java.net.InetSocketAddress from, java.net.InetSocketAddress to,
            NodeSwitchReason reason, String detail) {
        synchronized (this) {
            switches.add(reason + " " + from + " -> " + to + ": " + detail);
            switchTimesNs.add(System.nanoTime());
            changes.add("SWITCHED: " + reason + " " + from + " -> " + to + ": " + detail);
        }
        switched.countDown();
    }

    /** Opens on the first node switch. */
    CountDownLatch switched() {
        return switched;
    }

    /** Every node switch: reason, from, to and the detail. */
    synchronized List<String> switches() {
        return List.copyOf(switches);
    }

    /** When each of {@link #switches()} was reported, on {@link System#nanoTime()}. */
    synchronized List<Long> switchTimesNs() {
        return List.copyOf(switchTimesNs);
    }

    @Override
    public void onFrame(ReceivedFrame frame) {
        frames.onFrame(frame);
    }

    synchronized List<String> changes() {
        return List.copyOf(changes);
    }
}
