package io.smoothcast.samples.chaos;

import io.smoothcast.samples.internal.SyntheticFrames;
import io.smoothcast.transport.ConnectionState;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.NodeSwitchReason;
import io.smoothcast.transport.ReceivedFrame;
import io.smoothcast.transport.ViewerListener;
import java.util.ArrayList;
import java.net.InetSocketAddress;
import java.util.BitSet;
import java.util.List;

/**
 * One viewer's record of what it was given: every video frame's checksum is verified
 * ({@link SyntheticFrames}), its sequence number checked against the ones before (a number seen
 * before is a duplicate, a lower one never seen is out of order), and the longest gap between
 * two deliveries kept. A fault registers a {@linkplain #watch watch}: the viewer has recovered
 * from it when a frame sent after the fault started arrives.
 *
 * <p>Thread-safe: frames arrive on the viewer's playout thread, the run reads from its own.
 */
public final class FrameAudit implements ViewerListener {

    private final SyntheticFrames frames = new SyntheticFrames();
    private final BitSet seen = new BitSet();
    private final List<Watch> watches = new ArrayList<>();
    private byte[] buffer = new byte[4096];
    private long delivered;
    private long corrupted;
    private long duplicated;
    private long outOfOrder;
    private long firstSequence = -1;
    private long highestSequence = -1;
    private long lastDeliveryNs;
    private long worstGapNs;
    private long stateChanges;
    private final long[] switches = new long[NodeSwitchReason.values().length];
    /** Connection events (state changes, node switches) with their times, the first {@link #EVENTS_KEPT}. */
    private final List<String> events = new ArrayList<>();
    private final List<Long> eventTimesNs = new ArrayList<>();

    /** Connection events kept per viewer, for the summary of a viewer that lost frames. */
    static final int EVENTS_KEPT = 64;

    /** A fault's start, and when this viewer first got a frame sent after it (or -1). */
    private static final class Watch {
        final long sequenceAtStart;
        final long startNs;
        long recoveredNs = -1;

        Watch(long sequenceAtStart, long startNs) {
            this.sequenceAtStart = sequenceAtStart;
            this.startNs = startNs;
        }
    }

    @Override
    public void onFrame(ReceivedFrame frame) {
        if (frame.kind() != MediaKind.VIDEO) {
            return;
        }
        record(frame, System.nanoTime());
    }

    synchronized void record(ReceivedFrame frame, long nowNs) {
        if (frame.length() > buffer.length) {
            buffer = new byte[Math.max(frame.length(), 2 * buffer.length)];
        }
        int length = frame.copyTo(buffer, 0);
        record(buffer, length, nowNs);
    }

    /**
     * Checks one delivered frame.
     *
     * @param bytes the frame
     * @param length its length
     * @param nowNs delivery time, {@link System#nanoTime()} scale
     */
    synchronized void record(byte[] bytes, int length, long nowNs) {
        if (delivered > 0) {
            worstGapNs = Math.max(worstGapNs, nowNs - lastDeliveryNs);
        }
        delivered++;
        lastDeliveryNs = nowNs;
        SyntheticFrames.Header header = frames.verify(bytes, length);
        if (header == null || header.sequence() < 0 || header.sequence() > Integer.MAX_VALUE) {
            corrupted++;
            return;
        }
        int sequence = (int) header.sequence();
        if (seen.get(sequence)) {
            duplicated++;
            return;
        }
        if (sequence < highestSequence) {
            outOfOrder++;
        }
        seen.set(sequence);
        if (firstSequence < 0) {
            firstSequence = sequence;
        }
        highestSequence = Math.max(highestSequence, sequence);
        for (Watch w : watches) {
            if (w.recoveredNs < 0 && sequence > w.sequenceAtStart) {
                w.recoveredNs = nowNs;
            }
        }
    }

    @Override
    public void onStateChanged(ConnectionState state, String reason) {
        synchronized (this) {
            stateChanges++;
            event(state + ": " + reason);
        }
    }

    @Override
    public void onNodeSwitched(InetSocketAddress from, InetSocketAddress to, NodeSwitchReason reason, String detail) {
        synchronized (this) {
            switches[reason.ordinal()]++;
            event("switched " + from + " -> " + to + " (" + reason + "): " + detail);
        }
    }

    private void event(String text) {
        if (events.size() < EVENTS_KEPT) {
            events.add(text);
            eventTimesNs.add(System.nanoTime());
        }
    }

    /**
     * The connection events this viewer heard (state changes, node switches), each prefixed
     * with its time in ms after {@code originNs}.
     *
     * @param originNs the run's time origin, {@link System#nanoTime()} scale
     * @return the events, oldest first (at most {@value #EVENTS_KEPT})
     */
    public synchronized List<String> events(long originNs) {
        List<String> out = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            out.add((eventTimesNs.get(i) - originNs) / 1_000_000 + " ms: " + events.get(i));
        }
        return out;
    }

    /**
     * Starts watching for recovery from a fault.
     *
     * @param sequenceAtStart the last sequence number the source had sent when the fault began
     * @param startNs when the fault began, {@link System#nanoTime()} scale
     * @return the watch's index, for {@link #recoveryNs}
     */
    public synchronized int watch(long sequenceAtStart, long startNs) {
        watches.add(new Watch(sequenceAtStart, startNs));
        return watches.size() - 1;
    }

    /**
     * @param watch an index from {@link #watch}
     * @return ns from the fault's start to the first frame sent after it, or -1 if none came
     */
    public synchronized long recoveryNs(int watch) {
        Watch w = watches.get(watch);
        return w.recoveredNs < 0 ? -1 : w.recoveredNs - w.startNs;
    }

    /**
     * Frames of the source's sequence range from this viewer's first frame to {@code lastSent}
     * that never arrived.
     *
     * @param lastSent the last sequence number the source sent
     * @return the count (0 if the viewer never got a frame)
     */
    public synchronized long lost(long lastSent) {
        if (firstSequence < 0 || lastSent < firstSequence) {
            return 0;
        }
        long expected = lastSent - firstSequence + 1;
        long got = seen.get((int) firstSequence, (int) Math.min(Integer.MAX_VALUE, lastSent + 1)).cardinality();
        return expected - got;
    }

    /**
     * The first frames of the source's range from this viewer's first frame to {@code lastSent}
     * that never arrived.
     *
     * @param lastSent the last sequence number the source sent
     * @param max at most this many, 0-1000
     * @return their sequence numbers, ascending
     */
    public synchronized List<Long> missing(long lastSent, int max) {
        List<Long> missing = new ArrayList<>();
        if (firstSequence < 0) {
            return missing;
        }
        int end = (int) Math.min(Integer.MAX_VALUE, lastSent + 1);
        for (int s = seen.nextClearBit((int) firstSequence); s < end && missing.size() < max;
                s = seen.nextClearBit(s + 1)) {
            missing.add((long) s);
        }
        return missing;
    }

    /** @return the frames delivered, good or bad */
    public synchronized long delivered() {
        return delivered;
    }

    /** @return frames whose checksum or header did not verify */
    public synchronized long corrupted() {
        return corrupted;
    }

    /** @return frames whose sequence number had been delivered before */
    public synchronized long duplicated() {
        return duplicated;
    }

    /** @return frames delivered after a frame with a higher sequence number */
    public synchronized long outOfOrder() {
        return outOfOrder;
    }

    /** @return the longest time between two deliveries, ns */
    public synchronized long worstGapNs() {
        return worstGapNs;
    }

    /** @return the highest sequence number delivered, or -1 */
    public synchronized long highestSequence() {
        return highestSequence;
    }

    /**
     * @param reason why the viewer moved
     * @return how many times the viewer moved to another node while its node still answered, for that reason
     */
    public synchronized long switches(NodeSwitchReason reason) {
        return switches[reason.ordinal()];
    }

    /** @return how many connection state changes the viewer reported */
    public synchronized long stateChanges() {
        return stateChanges;
    }
}
