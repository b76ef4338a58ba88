package io.smoothcast.transport.internal.client;

import io.smoothcast.jitter.FrameHandler;
import io.smoothcast.jitter.JitterFrame;
import io.smoothcast.jitter.SpscJitterBuffer;
import io.smoothcast.transport.MediaKind;
import java.util.Arrays;

/**
 * Plays the video tracks of one source, its simulcast layers, as one video: on one timeline,
 * one layer at a time, in capture order.
 *
 * <p>Each layer has its own jitter buffer, and each buffer its own playout delay; left alone,
 * at a switch to a layer with a shorter delay the new layer's keyframe would fall due before
 * the old layer's last frames, which then could only be skipped (4-5 frames for a 150 ms
 * difference). So with two or more video layers every buffer is polled shifted onto the
 * {@link SharedPlayoutTimeline}: for each layer, the shift is the shared playout time of an
 * instant minus the time its own buffer would play it ({@link SpscJitterBuffer#playoutTimeNs}),
 * with capture times from the layer's {@link CaptureAnchor}. A layer whose shift is not known
 * (no capture time yet, nothing held, or a shift beyond {@link #MAX_SHIFT_NS}) plays on its own
 * timeline, as with one layer.
 *
 * <p>Frames of the same instant on two layers (at an up-switch the node forwards the old
 * layer's frame and the new layer's keyframe of one instant) fall due together: layers other
 * than the one played are polled first and {@link #LEAD_NS} ahead, so the new keyframe is
 * played and the old frame of its instant skipped, instead of the reverse that would leave the
 * new layer without its keyframe. With two or more layers, time is walked in steps of
 * {@link #STEP_NS} from the last poll, so that after a late wake-up frames of different layers
 * still come out in capture order (the buffers then see each frame's step as its playout time,
 * so their freeze counts miss a stall of the playout thread itself). With one layer its buffer
 * is polled at the wake-up time and on its own timeline, as before. The {@link LayerGate} then
 * decides what is played, and {@link PlayedFreezes} counts the freezes of what was played.
 *
 * <p>Not thread-safe: the playout thread only. Allocates nothing while the track list is
 * unchanged.
 */
public final class LayerPlayout implements FrameHandler {

    /** Receives the video frames played. */
    @FunctionalInterface
    public interface Sink {
        /**
         * A frame to hand to the app; valid only during the call.
         *
         * @param track its track
         * @param frame the frame
         */
        void onFrame(ReceiveTrack track, JitterFrame frame);
    }

    /** Time steps, in ns, walked between two polls (shorter than any frame interval). */
    public static final long STEP_NS = 1_000_000L;

    /** A layer's shift beyond this, in ns, is not trusted: that layer plays on its own timeline. */
    public static final long MAX_SHIFT_NS = 2_000_000_000L;

    /** How far ahead, in ns, layers other than the one played are polled. */
    public static final long LEAD_NS = LayerGate.SAME_INSTANT_NS;

    /** Most steps walked after a late wake-up; time before them is polled in one step. */
    private static final int MAX_STEPS = 1000;

    private static final ReceiveTrack[] NONE = new ReceiveTrack[0];

    private final SharedPlayoutTimeline timeline;
    private final WallClockMapping wallClock;
    private final LayerGate gate;
    private final PlayedFreezes freezes;
    /** The track list the video tracks below were taken from (compared by identity). */
    private ReceiveTrack[] source = NONE;
    private ReceiveTrack[] video = NONE;
    /** Per video track: the shift its buffer is polled with, ns (later = positive). */
    private long[] shiftNs = new long[0];
    private boolean polled;
    private long lastPollNs;
    private long nowNs;
    private ReceiveTrack current;
    /** The instant the frames of the current poll are played at, ns (the shared timeline's with layers). */
    private long playedNs;
    private Sink sink;

    /**
     * @param timeline the source's timeline, fed by the I/O thread
     * @param wallClock maps the playout clock to wall-clock time (capture times are wall-clock)
     * @param gate decides which frames are played
     * @param freezes counts the freezes of the frames played
     */
    public LayerPlayout(SharedPlayoutTimeline timeline, WallClockMapping wallClock, LayerGate gate,
            PlayedFreezes freezes) {
        this.timeline = timeline;
        this.wallClock = wallClock;
        this.gate = gate;
        this.freezes = freezes;
    }

    /**
     * Plays every video frame due by {@code nowNs}. Playout thread only.
     *
     * @param tracks the tracks now received (only the video ones are polled)
     * @param nowNs the playout clock, ns
     * @param sink receives the frames played
     */
    public void poll(ReceiveTrack[] tracks, long nowNs, Sink sink) {
        if (tracks != source) {
            useTracks(tracks);
        }
        if (video.length == 0) {
            return;
        }
        this.nowNs = nowNs;
        this.sink = sink;
        boolean shared = video.length > 1;
        for (int i = 0; i < video.length; i++) {
            shiftNs[i] = shared ? shiftOf(video[i], shiftNs[i]) : 0;
        }
        // One layer has nothing to interleave with: its buffer sees the wake-up time as before.
        long stepNs = polled && shared ? Math.max(lastPollNs, nowNs - MAX_STEPS * STEP_NS) + STEP_NS : nowNs;
        for (; stepNs - nowNs < 0; stepNs += STEP_NS) {
            pollAt(stepNs, shared);
        }
        pollAt(nowNs, shared);
        polled = true;
        lastPollNs = nowNs;
        this.sink = null;
    }

    /** Polls the other layers first, ahead by the lead, then the layer played. */
    private void pollAt(long timeNs, boolean shared) {
        int played = gate.layer();
        long leadNs = shared ? LEAD_NS : 0;
        for (int i = 0; i < video.length; i++) {
            if (video[i].track().simulcastLayer() != played) {
                pollTrack(i, timeNs + leadNs);
            }
        }
        for (int i = 0; i < video.length; i++) {
            if (video[i].track().simulcastLayer() == played) {
                pollTrack(i, timeNs);
            }
        }
    }

    private void pollTrack(int i, long timeNs) {
        current = video[i];
        playedNs = timeNs;
        current.buffer().poll(timeNs - shiftNs[i], this);
    }

    @Override
    public void onFrame(JitterFrame frame) {
        if (gate.admit(current, frame, nowNs)) {
            freezes.onFrame(playedNs);
            sink.onFrame(current, frame);
        }
    }

    /**
     * The shift that puts a layer's buffer on the shared timeline; {@code previousNs} while its
     * buffer holds nothing (it has nothing to play anyway), 0 when it cannot be known.
     */
    private long shiftOf(ReceiveTrack track, long previousNs) {
        CaptureAnchor anchor = track.captureAnchor();
        int rtpTimestamp = anchor.anchorRtpTimestamp();
        long captureUnixNs = anchor.captureUnixNs(rtpTimestamp);
        if (captureUnixNs == CaptureAnchor.UNKNOWN) {
            return 0;
        }
        long sharedNs = timeline.playoutTimeNs(captureUnixNs - wallClock.unixNs(0));
        if (sharedNs == SharedPlayoutTimeline.NOT_STARTED) {
            return 0;
        }
        long ownNs = track.buffer().playoutTimeNs(rtpTimestamp);
        if (ownNs == SpscJitterBuffer.NO_PLAYOUT_TIME) {
            return previousNs;
        }
        long shift = sharedNs - ownNs;
        return shift > MAX_SHIFT_NS || shift < -MAX_SHIFT_NS ? 0 : shift;
    }

    private void useTracks(ReceiveTrack[] tracks) {
        int count = 0;
        for (ReceiveTrack t : tracks) {
            if (t.track().kind() == MediaKind.VIDEO) {
                count++;
            }
        }
        ReceiveTrack[] nextVideo = new ReceiveTrack[count];
        long[] nextShift = new long[count];
        int n = 0;
        for (ReceiveTrack t : tracks) {
            if (t.track().kind() == MediaKind.VIDEO) {
                // a track that stays keeps its shift
                for (int i = 0; i < video.length; i++) {
                    if (video[i] == t) {
                        nextShift[n] = shiftNs[i];
                    }
                }
                nextVideo[n++] = t;
            }
        }
        if (!Arrays.equals(video, nextVideo)) {
            freezes.restart();
        }
        source = tracks;
        video = nextVideo;
        shiftNs = nextShift;
    }
}
