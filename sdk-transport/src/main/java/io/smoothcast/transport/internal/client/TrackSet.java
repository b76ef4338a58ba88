package io.smoothcast.transport.internal.client;

import io.smoothcast.jitter.JitterBufferStats;
import io.smoothcast.transport.MediaKind;

/**
 * The tracks a viewer receives now, published together with what the buffers of the tracks gone
 * before them counted. A reader gets both from one volatile read of the engine's field, so that
 * the viewer's totals (the current buffers' counts plus those retired) never go backwards when
 * the track set changes: a set is built, retired counts included, before it is published, and a
 * buffer's counts are in exactly one of the two places in every published set.
 *
 * <p>Immutable (the tracks' array is never modified after construction); any thread.
 */
public final class TrackSet {

    private static final int PACKETS_LOST = 0;
    private static final int FRAMES_DROPPED = 1;
    private static final int FREEZES = 2;
    private static final int FREEZES_NS = 3;
    private static final int BYTES = 4;
    /** W3C jitterBufferDelay in µs and jitterBufferEmittedCount, per kind: video's, then audio's. */
    private static final int VIDEO_DELAY_US = 5;
    private static final int VIDEO_EMITTED = 6;
    private static final int AUDIO_DELAY_US = 7;
    private static final int AUDIO_EMITTED = 8;
    private static final int SIZE_OF_RETIRED = 9;

    /** No tracks, nothing retired. */
    public static final TrackSet EMPTY = new TrackSet(new ReceiveTrack[0], new long[SIZE_OF_RETIRED]);

    private final ReceiveTrack[] tracks;
    private final long[] retired;

    private TrackSet(ReceiveTrack[] tracks, long[] retired) {
        this.tracks = tracks;
        this.retired = retired;
    }

    /**
     * The set that follows this one: {@code next}'s tracks, and the counts of this set's buffers
     * that {@code next} does not keep added to those retired.
     *
     * @param next the tracks now received (kept ones are the same {@link ReceiveTrack} objects);
     *     not modified afterwards
     * @param scratch reused to read the retired buffers' statistics
     * @return the new set, to be published
     */
    TrackSet followedBy(ReceiveTrack[] next, JitterBufferStats scratch) {
        long[] sums = retired.clone();
        for (ReceiveTrack old : tracks) {
            boolean kept = false;
            for (ReceiveTrack t : next) {
                kept |= t == old;
            }
            if (!kept) {
                old.buffer().readStats(scratch);
                MediaKind kind = old.track().kind();
                sums[PACKETS_LOST] += scratch.packetsLost();
                sums[FRAMES_DROPPED] += scratch.framesDropped();
                sums[BYTES] += scratch.bytesReceived();
                if (ViewerMediaTotals.countsFreezes(kind)) {
                    sums[FREEZES] += scratch.freezeCount();
                    sums[FREEZES_NS] += scratch.totalFreezesDurationNs();
                }
                int delay = kind == MediaKind.VIDEO ? VIDEO_DELAY_US : kind == MediaKind.AUDIO ? AUDIO_DELAY_US : -1;
                if (delay >= 0) {
                    sums[delay] += delayUs(scratch);
                    sums[delay + 1] += scratch.jitterBufferEmittedCount();
                }
            }
        }
        return new TrackSet(next, sums);
    }

    /** @return a buffer's W3C {@code jitterBufferDelay}, rounded to microseconds */
    static long delayUs(JitterBufferStats stats) {
        return Math.round(stats.jitterBufferDelaySeconds() * 1e6);
    }

    /** @return the tracks (the array must not be modified) */
    public ReceiveTrack[] tracks() {
        return tracks;
    }

    /** @return packets lost in the buffers of tracks gone */
    public long retiredPacketsLost() {
        return retired[PACKETS_LOST];
    }

    /** @return frames dropped in the buffers of tracks gone */
    public long retiredFramesDropped() {
        return retired[FRAMES_DROPPED];
    }

    /** @return freezes of video tracks gone (see {@link ViewerMediaTotals}) */
    public long retiredFreezes() {
        return retired[FREEZES];
    }

    /** @return the summed length of {@link #retiredFreezes()}, ns */
    public long retiredFreezesNs() {
        return retired[FREEZES_NS];
    }

    /** @return payload bytes received by the tracks gone */
    public long retiredBytes() {
        return retired[BYTES];
    }

    /**
     * @param kind a kind, or null
     * @return the W3C {@code jitterBufferDelay} of the gone tracks of that kind, µs; 0 for other kinds
     */
    public long retiredDelayUs(MediaKind kind) {
        return kind == MediaKind.VIDEO ? retired[VIDEO_DELAY_US] : kind == MediaKind.AUDIO ? retired[AUDIO_DELAY_US] : 0;
    }

    /**
     * @param kind a kind, or null
     * @return the W3C {@code jitterBufferEmittedCount} of the gone tracks of that kind; 0 for other kinds
     */
    public long retiredEmitted(MediaKind kind) {
        return kind == MediaKind.VIDEO ? retired[VIDEO_EMITTED] : kind == MediaKind.AUDIO ? retired[AUDIO_EMITTED] : 0;
    }
}
