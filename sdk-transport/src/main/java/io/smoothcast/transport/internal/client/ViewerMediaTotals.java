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
 *       video's inbound-rtp) come from the video tracks only, those gone included, so that the
 *       count and the duration describe the same gaps. Without video they stay 0: an audio gap
 *       is concealment in W3C's terms, and its buffer cannot tell a loss from an encoder's
 *       discontinuous transmission; a message track's gaps are its senders' pauses.</li>
 *   <li>Loss and frames dropped are summed over every track, those gone included.</li>
 * </ul>
 *
 * <p>Reads only what the buffers and the engine publish for other threads. Not thread-safe: one
 * instance per reading thread, reused by each {@link #read}.
 */
public final class ViewerMediaTotals {

    private final JitterBufferStats scratch = new JitterBufferStats();
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
     * W3C {@code framesDecoded} (defined on video) by the judged kind: the video frames delivered,
     * the audio frames in a stream without video, none in a stream of messages only. Once video
     * frames were delivered they are the count, also after the tracks ended (then no kind is
     * judged), so that it never goes back.
     *
     * @param judged the judged kind ({@link #judged()}), or null
     * @param videoFrames video frames delivered to the listener
     * @param audioFrames audio frames delivered to the listener
     * @return the frames decoded
     */
    public static long framesDecoded(MediaKind judged, long videoFrames, long audioFrames) {
        return judged == MediaKind.VIDEO || videoFrames > 0 ? videoFrames : audioFrames;
    }

    /**
     * Reads the engine's tracks and the counters of those gone.
     *
     * @param engine the viewer's engine; not null
     */
    public void read(ViewerEngine engine) {
        ReceiveTrack[] tracks = engine.tracks();
        judged = judgedKind(tracks);
        var counters = engine.counters();
        packetsLost = counters.get(ViewerEngine.RETIRED_PACKETS_LOST);
        framesDropped = counters.get(ViewerEngine.RETIRED_FRAMES_DROPPED);
        freezeCount = counters.get(ViewerEngine.RETIRED_FREEZES);
        totalFreezesDurationNs = counters.get(ViewerEngine.RETIRED_FREEZES_NS);
        playoutDelayNs = 0;
        bytesReceived = 0;
        jitterSeconds = Double.NaN;
        jitterBufferDelayUs = 0;
        emittedFrames = 0;
        int videoTracks = 0;
        for (ReceiveTrack t : tracks) {
            t.buffer().readStats(scratch);
            MediaKind kind = t.track().kind();
            packetsLost += scratch.packetsLost();
            framesDropped += scratch.framesDropped();
            bytesReceived += scratch.bytesReceived();
            if (kind == MediaKind.VIDEO) {
                videoTracks++;
            }
            if (countsFreezes(kind)) {
                freezeCount += scratch.freezeCount();
                totalFreezesDurationNs += scratch.totalFreezesDurationNs();
            }
            if (kind == judged) {
                playoutDelayNs = scratch.playoutDelayNs();
                jitterSeconds = scratch.jitterSeconds();
                jitterBufferDelayUs += Math.round(scratch.jitterBufferDelaySeconds() * 1e6);
                emittedFrames += scratch.jitterBufferEmittedCount();
            }
        }
        if (videoTracks > 1) {
            playoutDelayNs = engine.timeline().playoutDelayNs(); // the layers play on their shared timeline
        }
    }

    /**
     * Whether the freezes of a track are counted: video's only (see the class description).
     *
     * @param kind the track's kind
     * @return whether its buffer's freezes count
     */
    static boolean countsFreezes(MediaKind kind) {
        return kind == MediaKind.VIDEO;
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

    /** @return the judged kind's W3C {@code jitterBufferDelay}, microseconds; 0 without audio or video */
    public long jitterBufferDelayUs() {
        return jitterBufferDelayUs;
    }

    /** @return the judged kind's W3C {@code jitterBufferEmittedCount}; 0 without audio or video */
    public long emittedFrames() {
        return emittedFrames;
    }
}
