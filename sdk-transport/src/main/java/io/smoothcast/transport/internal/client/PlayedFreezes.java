package io.smoothcast.transport.internal.client;

import io.smoothcast.jitter.internal.FreezeDetector;
import io.smoothcast.jitter.internal.SeqLockedCounters;

/**
 * The video freezes a viewer showed (W3C {@code freezeCount} and {@code totalFreezesDuration}):
 * gaps between the video frames handed to the app, whatever simulcast layer each came from, by
 * W3C's rule ({@link FreezeDetector}). Counted on what was played, not per layer: a layer the
 * node switched this viewer away from pauses and resumes later, a gap in that layer's buffer
 * that the viewer never saw (the other layer played meanwhile). The gap across a change of the
 * video tracks (a publisher restart, another set of layers) is not counted, as when each track's
 * buffer counted its own.
 *
 * <p>Thread-safety: {@link #onFrame} and {@link #restart} belong to the playout thread;
 * {@link #read} may be called from any thread and sees the count with its duration. Allocates
 * nothing but a detector per {@link #restart}.
 */
public final class PlayedFreezes {

    /** Index in a read copy: freezes. */
    public static final int COUNT = 0;
    /** Index in a read copy: their summed length, ns. */
    public static final int DURATION_NS = 1;
    /** Length of a read copy. */
    public static final int SIZE = 2;

    private final SeqLockedCounters counters = new SeqLockedCounters(SIZE);
    private FreezeDetector detector = new FreezeDetector();
    /** The freezes of the detectors before the current one. */
    private long countBefore;
    private long durationBeforeNs;

    /**
     * A video frame was handed to the app. Playout thread only.
     *
     * @param playedNs when, on the playout clock, ns
     */
    public void onFrame(long playedNs) {
        if (detector.onFrame(playedNs)) {
            long token = counters.beginWrite();
            counters.put(COUNT, countBefore + detector.freezeCount());
            counters.put(DURATION_NS, durationBeforeNs + detector.totalFreezesDurationNs());
            counters.endWrite(token);
        }
    }

    /** The video tracks changed: the next frame starts afresh (no gap before it). Playout thread only. */
    public void restart() {
        countBefore += detector.freezeCount();
        durationBeforeNs += detector.totalFreezesDurationNs();
        detector = new FreezeDetector();
    }

    /** @param into receives {@link #COUNT} and {@link #DURATION_NS} */
    public void read(long[] into) {
        counters.read(into);
    }
}
