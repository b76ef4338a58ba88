package io.smoothcast.transport.internal.client;

import io.smoothcast.jitter.JitterBufferStats;
import io.smoothcast.transport.MediaKind;

/**
 * The tracks a viewer receives now, published together with the buffers of the tracks gone
 * before them and what those counted. A reader gets all of it from one volatile read of the
 * engine's field, so that the viewer's totals (every buffer's counts, those gone included) never
 * go backwards when the track set changes: a buffer's counts are in exactly one place in every
 * published set.
 *
 * <p>A track's buffer is retired in two steps, because the playout thread owns its playout-side
 * counts (frames emitted, their delay, drops) and may still be polling it, in the pass
 * it began with the set before, when the I/O thread publishes the set without it. The I/O thread
 * moves it to the {@linkplain #followedBy pending} buffers, whose counts readers still read live;
 * its final counts are {@linkplain #settled folded} into the retired sums once nothing can change
 * them any more: by the playout thread at the start of its next pass, or at once by the I/O
 * thread, after publishing, for every pending buffer the playout thread's pass under way does not
 * poll ({@linkplain #foldedExcept}). So the pending buffers are at most the tracks of the set
 * that pass polls, however long an application's frame callback holds it and however often the
 * tracks change meanwhile; and an engine no playout thread drives keeps none.
 *
 * <p>W3C {@code jitterBufferDelay} and {@code jitterBufferEmittedCount} follow the stream's
 * judged kind ({@link ViewerMediaTotals#judgedKind}), which changes when an audio-only stream
 * gains video (or loses it). Cumulative counters must not go down, so they follow a counted
 * kind: the counted kind's totals plus an offset. When the playout thread, between two passes
 * (the kinds' totals cannot change then), sees the judged kind differ from the counted one, the
 * offset takes the old kind's total at that instant minus the new kind's: the counters go on
 * from the old kind's value with the new kind's growth only. Until then a set counts the kind
 * the set before it counted (or judged, if it had no counted kind yet: the playout thread's pass
 * may have polled that set's buffers without settling it), so that a reader between the
 * publication and the playout thread's next pass reads the same kind as before it.
 *
 * <p>Immutable (the arrays are never modified after construction); any thread.
 */
public final class TrackSet {

    /** Index of packets lost in the array {@link #sum} fills. */
    public static final int PACKETS_LOST = 0;
    /** Index of frames dropped. */
    public static final int FRAMES_DROPPED = 1;
    /** Index of payload bytes received. */
    public static final int BYTES = 2;
    /** Index of the video's W3C jitterBufferDelay, µs; jitterBufferEmittedCount follows. */
    public static final int VIDEO_DELAY_US = 3;
    /** Index of the audio's W3C jitterBufferDelay, µs; jitterBufferEmittedCount follows. */
    public static final int AUDIO_DELAY_US = 5;
    /** Length of the array {@link #sum} fills. */
    public static final int SIZE = 7;

    private static final ReceiveTrack[] NONE = new ReceiveTrack[0];

    /** No tracks, nothing retired. */
    public static final TrackSet EMPTY = new TrackSet(NONE, NONE, new long[SIZE], null, 0, 0);

    private final ReceiveTrack[] tracks;
    /** Buffers of tracks gone that the playout thread may still have been polling: read live. */
    private final ReceiveTrack[] pending;
    /** The final counts of the buffers of tracks gone before. */
    private final long[] retired;
    /** The kind W3C jitterBufferDelay and jitterBufferEmittedCount follow; null: the judged kind. */
    private final MediaKind countedKind;
    private final long delayOffsetUs;
    private final long emittedOffset;

    private TrackSet(ReceiveTrack[] tracks, ReceiveTrack[] pending, long[] retired, MediaKind countedKind,
            long delayOffsetUs, long emittedOffset) {
        this.tracks = tracks;
        this.pending = pending;
        this.retired = retired;
        this.countedKind = countedKind;
        this.delayOffsetUs = delayOffsetUs;
        this.emittedOffset = emittedOffset;
    }

    /**
     * The set that follows this one: {@code next}'s tracks, and this set's buffers that
     * {@code next} does not keep among those pending. Reads no buffer: the I/O thread builds it.
     *
     * @param next the tracks now received (kept ones are the same {@link ReceiveTrack} objects);
     *     not modified afterwards
     * @return the new set, to be published
     */
    TrackSet followedBy(ReceiveTrack[] next) {
        int gone = 0;
        for (ReceiveTrack old : tracks) {
            gone += kept(old, next) ? 0 : 1;
        }
        ReceiveTrack[] nextPending = pending;
        if (gone > 0) {
            nextPending = new ReceiveTrack[pending.length + gone];
            System.arraycopy(pending, 0, nextPending, 0, pending.length);
            int n = pending.length;
            for (ReceiveTrack old : tracks) {
                if (!kept(old, next)) {
                    nextPending[n++] = old;
                }
            }
        }
        // Readers of this set read the kind it counts, or the one it judges if it counts none yet:
        // the next set goes on counting that kind until the playout thread settles it.
        MediaKind counted = countedKind != null ? countedKind : ViewerMediaTotals.judgedKind(tracks);
        return new TrackSet(next, nextPending, retired, counted, delayOffsetUs, emittedOffset);
    }

    /**
     * This set with the final counts of the pending buffers not in {@code polled} folded into
     * the retired sums; this set itself if there are none. On the I/O thread, after it published
     * this set (the order matters): {@code polled} is what the playout thread's pass under way
     * polls, read after the publication. A pending buffer not in it is polled by no pass: not by
     * the one under way, and not by any later one, which reads this set or a later one, none of
     * which has the buffer among its tracks; the I/O thread left it when it published this set.
     *
     * @param polled the tracks the playout thread's pass under way polls, read after publishing
     * @param scratch reused to read the buffers' statistics (the I/O thread's)
     * @return the set to publish in place of this one, or this one
     */
    TrackSet foldedExcept(ReceiveTrack[] polled, JitterBufferStats scratch) {
        int keep = 0;
        for (ReceiveTrack gone : pending) {
            keep += kept(gone, polled) ? 1 : 0;
        }
        if (keep == pending.length) {
            return this;
        }
        long[] sums = retired.clone();
        ReceiveTrack[] stillPending = keep == 0 ? NONE : new ReceiveTrack[keep];
        int n = 0;
        for (ReceiveTrack gone : pending) {
            if (kept(gone, polled)) {
                stillPending[n++] = gone;
            } else {
                add(gone, sums, scratch);
            }
        }
        return new TrackSet(tracks, stillPending, sums, countedKind, delayOffsetUs, emittedOffset);
    }

    /** @return how many buffers of tracks gone are still read live (not yet folded) */
    int pendingCount() {
        return pending.length;
    }

    private static boolean kept(ReceiveTrack old, ReceiveTrack[] next) {
        for (ReceiveTrack t : next) {
            if (t == old) {
                return true;
            }
        }
        return false;
    }

    /**
     * This set with the pending buffers' counts folded into the retired sums and the counted kind
     * brought to the judged kind; this set itself if there is nothing to do. Only on the playout
     * thread, between two passes: the pending buffers can no longer change (the I/O thread left
     * them when it published a set without them, the playout thread polls only the tracks of a
     * set it read since), nor can the playout-side counts of the current ones.
     *
     * @param scratch reused to read the buffers' statistics
     * @return the set to publish in place of this one, or this one
     */
    TrackSet settled(JitterBufferStats scratch) {
        MediaKind judged = ViewerMediaTotals.judgedKind(tracks);
        // A stream left with messages only keeps counting its last media kind (its buffers gone, frozen).
        boolean kindChanges = judged != null && judged != countedKind;
        if (pending.length == 0 && !kindChanges) {
            return this;
        }
        long[] sums = retired.clone();
        for (ReceiveTrack gone : pending) {
            add(gone, sums, scratch);
        }
        if (!kindChanges) {
            return new TrackSet(tracks, NONE, sums, countedKind, delayOffsetUs, emittedOffset);
        }
        long[] now = sums.clone();
        for (ReceiveTrack t : tracks) {
            add(t, now, scratch);
        }
        // Before the first media track the counters were the judged kind's: no offset to keep.
        int from = delayIndex(countedKind != null ? countedKind : judged);
        int to = delayIndex(judged);
        return new TrackSet(tracks, NONE, sums, judged, delayOffsetUs + now[from] - now[to],
                emittedOffset + now[from + 1] - now[to + 1]);
    }

    /**
     * Sums the counts of every buffer of this set: the retired ones', the pending ones' and the
     * current tracks'.
     *
     * @param into receives the sums, at the indexes above; at least {@link #SIZE} long
     * @param scratch reused to read the buffers' statistics
     */
    public void sum(long[] into, JitterBufferStats scratch) {
        System.arraycopy(retired, 0, into, 0, SIZE);
        for (ReceiveTrack gone : pending) {
            add(gone, into, scratch);
        }
        for (ReceiveTrack t : tracks) {
            add(t, into, scratch);
        }
    }

    /** Adds a track's buffer's counts to {@code sums}; leaves its statistics in {@code scratch}. */
    private static void add(ReceiveTrack track, long[] sums, JitterBufferStats scratch) {
        track.buffer().readStats(scratch);
        MediaKind kind = track.track().kind();
        sums[PACKETS_LOST] += scratch.packetsLost();
        sums[FRAMES_DROPPED] += scratch.framesDropped();
        sums[BYTES] += scratch.bytesReceived();
        int delay = delayIndex(kind);
        if (delay >= 0) {
            sums[delay] += delayUs(scratch);
            sums[delay + 1] += scratch.jitterBufferEmittedCount();
        }
    }

    /** @return the index of a kind's W3C jitterBufferDelay in the sums, -1 for a kind without */
    private static int delayIndex(MediaKind kind) {
        return kind == MediaKind.VIDEO ? VIDEO_DELAY_US : kind == MediaKind.AUDIO ? AUDIO_DELAY_US : -1;
    }

    /**
     * The stream's W3C {@code jitterBufferDelay} (see the class description).
     *
     * @param sums this set's {@link #sum}
     * @return µs; 0 in a stream that never had audio or video
     */
    public long jitterBufferDelayUs(long[] sums) {
        MediaKind kind = countedKind != null ? countedKind : ViewerMediaTotals.judgedKind(tracks);
        return kind == null ? 0 : delayOffsetUs + sums[delayIndex(kind)];
    }

    /**
     * The stream's W3C {@code jitterBufferEmittedCount} (see the class description).
     *
     * @param sums this set's {@link #sum}
     * @return frames; 0 in a stream that never had audio or video
     */
    public long jitterBufferEmittedCount(long[] sums) {
        MediaKind kind = countedKind != null ? countedKind : ViewerMediaTotals.judgedKind(tracks);
        return kind == null ? 0 : emittedOffset + sums[delayIndex(kind) + 1];
    }

    /** @return a buffer's W3C {@code jitterBufferDelay}, rounded to microseconds */
    static long delayUs(JitterBufferStats stats) {
        return Math.round(stats.jitterBufferDelaySeconds() * 1e6);
    }

    /** @return the tracks (the array must not be modified) */
    public ReceiveTrack[] tracks() {
        return tracks;
    }
}
