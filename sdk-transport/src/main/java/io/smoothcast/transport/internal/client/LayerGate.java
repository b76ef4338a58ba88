package io.smoothcast.transport.internal.client;

import io.smoothcast.jitter.JitterFrame;

/**
 * Makes the simulcast layers of the stream's video play as one video: one layer at a time, in
 * capture order. Each layer has its own jitter buffer; {@link LayerPlayout} polls them on one
 * timeline, so that around a switch both layers' frames fall due in capture order, and this gate
 * decides which of them are played: the node may forward both layers for an instant, two
 * redundant nodes may forward two layers all along, and a layer whose timeline is not known yet
 * (no capture time) plays on its buffer's own delay, where the old layer's frames can fall due
 * after the new layer's and would go back in time.
 *
 * <p>The rules, for a frame the playout loop has taken from a video track's buffer:
 * <ul>
 *   <li>A frame of the layer now played is delivered (its buffer keeps it in order).</li>
 *   <li>A frame of another layer is delivered, and that layer becomes the one played, only if it
 *       was captured after the last frame delivered and is a keyframe (the node switches layers
 *       at a keyframe of the new layer). A frame that is not a keyframe takes over too if it
 *       was captured after the last frame delivered and nothing was delivered for
 *       {@link #STOPPED_LAYER_NS} of playout time (the source stopped the layer and the node
 *       moved on without waiting for a keyframe). After {@link #CLOCK_RESET_NS} of playout
 *       time with nothing delivered, any frame takes over (a new publisher whose capture clock
 *       is behind the old one's must not freeze the video for good).</li>
 *   <li>Any other frame is skipped and counted: older frames of the old layer, the old layer's
 *       frame of the instant a new layer's keyframe was played at, and frames of a second layer
 *       that flows at the same time (two nodes in redundant mode choosing different layers).</li>
 * </ul>
 * "Captured after" means by more than {@link #SAME_INSTANT_NS}: every layer of a source is
 * captured at the same instants, and a frame's capture time is extrapolated from its own
 * layer's last stamped frame through RTP timestamps rounded to the clock's ticks, so one instant
 * seen through two layers differs by some microseconds either way. Compared exactly, the other
 * layer's copy of the instant just played looked newer about half the time and was played a
 * second time (after a stall of {@link #STOPPED_LAYER_NS}, or as a keyframe).
 *
 * <p>Capture times come from each track's {@link CaptureAnchor}: RTP timestamps of one source map
 * to the same capture clock (abs-capture-time). A frame whose capture time is not known yet is
 * judged by its layer, its keyframe flag and the time since the last delivery alone.
 *
 * <p>Not thread-safe: the playout thread only, except {@link #framesSkipped()}. Allocates nothing.
 */
public final class LayerGate {

    /**
     * Playout time, in ns, after which a layer that has delivered nothing is taken as stopped,
     * so that a newer frame of another layer may take over without being a keyframe.
     */
    public static final long STOPPED_LAYER_NS = 300_000_000L;

    /**
     * Playout time, in ns, with nothing delivered after which any frame of another layer takes
     * over, whatever its capture time.
     */
    public static final long CLOCK_RESET_NS = 2_000_000_000L;

    /**
     * Capture times closer than this, in ns, are one instant (the rounding of capture times
     * extrapolated through RTP timestamps is some microseconds; frames are milliseconds apart).
     */
    public static final long SAME_INSTANT_NS = 1_000_000L;

    /** {@link #layer()} before any frame was delivered. */
    public static final int NONE = -1;

    private int layer = NONE;
    private long lastCaptureUnixNs = CaptureAnchor.UNKNOWN;
    private long lastDeliveryNs;
    /** Written by the playout thread only; readable from any thread. */
    private volatile long framesSkipped;

    /**
     * Decides whether a video frame is handed to the app, and notes it if so.
     *
     * @param track the track the frame came from
     * @param frame the frame its buffer released
     * @param nowNs the playout loop's time, ns (the clock its buffers are polled with)
     * @return true to deliver it, false if it is skipped (counted)
     */
    public boolean admit(ReceiveTrack track, JitterFrame frame, long nowNs) {
        long captureUnixNs = track.captureAnchor().captureUnixNs(frame.rtpTimestamp());
        return admit(track.track().simulcastLayer(), captureUnixNs, GenericPayload.isKeyframe(frame), nowNs);
    }

    /**
     * Decides whether a video frame is handed to the app, and notes it if so.
     *
     * @param simulcastLayer the frame's layer, 0-2
     * @param captureUnixNs its capture time, ns since 1970 UTC, or {@link CaptureAnchor#UNKNOWN}
     * @param keyframe whether it is decodable on its own
     * @param nowNs the playout loop's time, ns
     * @return true to deliver it, false if it is skipped (counted)
     */
    public boolean admit(int simulcastLayer, long captureUnixNs, boolean keyframe, long nowNs) {
        boolean known = captureUnixNs != CaptureAnchor.UNKNOWN && lastCaptureUnixNs != CaptureAnchor.UNKNOWN;
        boolean deliver;
        long silentNs = nowNs - lastDeliveryNs;
        boolean takeover = keyframe || silentNs >= STOPPED_LAYER_NS;
        if (layer == NONE || simulcastLayer == layer || silentNs >= CLOCK_RESET_NS) {
            deliver = true;
        } else if (!known) {
            deliver = takeover;
        } else {
            deliver = takeover && captureUnixNs - lastCaptureUnixNs > SAME_INSTANT_NS;
        }
        if (!deliver) {
            framesSkipped++; // only this thread writes
            return false;
        }
        layer = simulcastLayer;
        lastDeliveryNs = nowNs;
        if (captureUnixNs != CaptureAnchor.UNKNOWN) {
            lastCaptureUnixNs = captureUnixNs;
        }
        return true;
    }

    /** @return the layer whose frames are played now, or {@link #NONE}; playout thread */
    public int layer() {
        return layer;
    }

    /** @return frames of a layer not played that were skipped; any thread */
    public long framesSkipped() {
        return framesSkipped;
    }
}
