package io.smoothcast.transport.internal.client;

import io.smoothcast.jitter.JitterBufferStats;
import io.smoothcast.transport.MediaKind;

/**
 * What a viewer's jitter buffers say about its media, read by one rule for both readers (the
 * viewer's stats snapshots and the ops monitor's samples), so that they never disagree:
 * <ul>
 *   <li>The stream's figures (playout delay, buffer delay, jitter, end-to-end latency) come from
 *       its {@linkplain #judgedKind judged kind}: video when it has video, audio in an audio-only
 *       stream. A stream with neither (messages only) has no such figures: the playout delay is
 *       0 (as before any track is known), the buffer delay and jitter are not measured. Its
 *       messages' buffer is no media: chat does not arrive at a frame rate.</li>
 *   <li>Freezes (W3C {@code freezeCount} and {@code totalFreezesDuration}, both defined on the
 *       video's inbound-rtp) are those of the video frames played ({@link PlayedFreezes}): of
 *       every video track, those gone included, but with simulcast layers the gaps of what was
 *       played, not each layer's (a layer the node paused while another played froze nothing).
 *       The count and the duration describe the same gaps. Without video they stay 0: an audio gap
 *       is concealment in W3C's terms, and its buffer cannot tell a loss from an encoder's
 *       discontinuous transmission; a message track's gaps are its senders' pauses.</li>
 *   <li>Loss, frames dropped and bytes received are summed over every track, those gone
 *       included; the jitter-buffer delay and the frames it emitted over every track of the
 *       judged kind, those gone included. So none of them goes backwards when the publisher's
 *       tracks change (a restart, new tracks, another set of simulcast layers). When the judged
 *       kind itself changes (an audio-only stream gains video, or loses it), the last two go on
 *       from the old kind's totals with the new kind's growth only, from the playout thread's
 *       next pass on ({@link TrackSet}); a stream left with messages only keeps them.</li>
 * </ul>
 *
 * <p>Reads only what the buffers and the engine publish for other threads. Not thread-safe: one
 * instance per reading thread, reused by each {@link #read}.
 */
public final class ViewerMediaTotals {

    private final JitterBufferStats scratch = new JitterBufferStats();
    private final long[] sums = new long[TrackSet.SIZE];
    private final long[] freezes = new long[PlayedFreezes.SIZE];
    private MediaKind judged;
    private long packetsLost;
    private long framesDropped;
    private long freezeCount;
    private long totalFreezesDurationNs;
    private long playoutDelayNs;
    private long bytesReceived;
    private double jitterSeconds;
    private long jitterBufferDelayUs;
    private long emittedFrames;

    /**
     * The kind of track a stream's figures come from.
     *
     * @param tracks the stream's tracks
     * @return video if there is a video track, else audio if there is an audio track, else null
     *     (a stream of messages only, or no tracks known yet)
     */
    public static MediaKind judgedKind(ReceiveTrack[] tracks) {
        MediaKind judged = null;
        for (ReceiveTrack t : tracks) {
            MediaKind kind = t.track().kind();
            if (kind == MediaKind.VIDEO || kind == MediaKind.AUDIO && judged == null) {
                judged = kind;
            }
        }
        return judged;
    }

    /**
     * Whether a frame delivered from a track counts in W3C {@code framesDecoded} (defined on
     * video): if the track is of the judged kind when the frame is delivered. That is the video's
     * frames in a stream with video, the audio's while it has none, none in a stream of messages
     * only. Counted frame by frame as they are delivered, the count never goes back, also when the
     * judged kind changes: an audio-only stream that gains video goes on from its audio frames'
     * count with the video's (a count taken from one kind's total would drop to the video's).
     *
     * @param track the track a frame was delivered from
     * @return whether the frame counts as decoded
     */
    public static boolean countsAsDecoded(ReceiveTrack track) {
        // The engine marks the judged kind's tracks with each track set (for the latency too).
        return track.captureAnchor().latencyCounted();
    }

    /**
     * Reads the engine's tracks and the counts of those gone, published together ({@link TrackSet}).
     *
     * @param engine the viewer's engine; not null
     */
    public void read(ViewerEngine engine) {
        TrackSet set = engine.trackSet(); // the tracks and those gone, from one read: never a mix
        set.sum(sums, scratch);
        packetsLost = sums[TrackSet.PACKETS_LOST];
        framesDropped = sums[TrackSet.FRAMES_DROPPED];
        engine.videoFreezes().read(freezes);
        freezeCount = freezes[PlayedFreezes.COUNT];
        totalFreezesDurationNs = freezes[PlayedFreezes.DURATION_NS];
        bytesReceived = sums[TrackSet.BYTES];
        jitterBufferDelayUs = set.jitterBufferDelayUs(sums);
        emittedFrames = set.jitterBufferEmittedCount(sums);
        ReceiveTrack[] tracks = set.tracks();
        judged = judgedKind(tracks);
        playoutDelayNs = 0;
        jitterSeconds = Double.NaN;
        int videoTracks = 0;
        for (ReceiveTrack t : tracks) {
            MediaKind kind = t.track().kind();
            if (kind == MediaKind.VIDEO) {
                videoTracks++;
            }
            if (kind == judged) {
                t.buffer().readStats(scratch);
                playoutDelayNs = scratch.playoutDelayNs();
                jitterSeconds = scratch.jitterSeconds();
            }
        }
        if (videoTracks > 1) {
            playoutDelayNs = engine.timeline().playoutDelayNs(); // the layers play on their shared timeline
        }
    }

    /** @return the kind the figures came from; null in a stream without audio or video */
    public MediaKind judged() {
        return judged;
    }

    /** @return packets given up as lost, every track's */
    public long packetsLost() {
        return packetsLost;
    }

    /** @return frames the buffers could not complete in time, every track's */
    public long framesDropped() {
        return framesDropped;
    }

    /** @return video freezes (W3C {@code freezeCount}); 0 without video */
    public long freezeCount() {
        return freezeCount;
    }

    /** @return the video freezes' summed length (W3C {@code totalFreezesDuration}), ns; 0 without video */
    public long totalFreezesDurationNs() {
        return totalFreezesDurationNs;
    }

    /**
     * @return the judged kind's playout delay above the path's base delay, ns (with simulcast
     *     layers their shared timeline's); 0 in a stream without audio or video
     */
    public long playoutDelayNs() {
        return playoutDelayNs;
    }

    /** @return payload bytes received, every track's */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** @return the judged kind's RFC 3550 interarrival jitter, seconds; NaN without audio or video */
    public double jitterSeconds() {
        return jitterSeconds;
    }

    /**
     * @return W3C {@code jitterBufferDelay}, microseconds: the judged kind's, monotonic across a
     *     change of that kind (see the class description); 0 in a stream that never had audio or video
     */
    public long jitterBufferDelayUs() {
        return jitterBufferDelayUs;
    }

    /**
     * @return W3C {@code jitterBufferEmittedCount}: the judged kind's, monotonic across a change of
     *     that kind (see the class description); 0 in a stream that never had audio or video
     */
    public long emittedFrames() {
        return emittedFrames;
    }
}
