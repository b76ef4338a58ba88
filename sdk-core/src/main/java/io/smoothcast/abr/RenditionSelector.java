package io.smoothcast.abr;

import io.smoothcast.abr.internal.HeldAboveTracker;
import io.smoothcast.abr.internal.OverrunQueue;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Chooses the rendition a broadcaster sends from the congestion controller's target bitrate,
 * the bitrate to give the encoder and the padding the sender should add.
 *
 * <p>Policy, evaluated at each {@link #update(long, long)}:
 * <ul>
 *   <li><b>Down at once:</b> when the target falls below the bitrate of the current rendition,
 *       the highest video rendition whose bitrate fits under the target is chosen immediately
 *       (never below the lowest video rendition; audio-only is the fallback's job), unless the
 *       dip may be ridden out: the target is at or above {@code dipFloorFraction} of what is
 *       sent and the overrun has not yet queued {@code dipOverrunQueueMs} at a bottleneck
 *       carrying the target (on by default for a {@link EncoderMode#LADDER} encoder only).</li>
 *   <li><b>Up after a hold:</b> rendition {@code j} above the current one is chosen only after
 *       the target has stayed at or above {@code bitrate(j) x upSwitchMargin} for
 *       {@code minDurationForQualityIncreaseMs} without interruption; the highest such
 *       {@code j} wins.</li>
 *   <li><b>Audio-only fallback:</b> if the ladder's lowest entry is audio-only and the target
 *       stays under {@code audioOnlyFloorBps} for {@code minDurationBelowFloorForFallbackMs},
 *       video stops ({@link AbrListener#onAudioOnlyFallback}). A {@link EncoderMode#LADDER}
 *       encoder cannot go below its lowest video rendition, so it also stops video when the
 *       target stays under that rendition's bitrate for
 *       {@code minDurationBelowLowestForFallbackMs}, or sooner, once the overrun would have
 *       queued {@code maxOverrunQueueMs} at a bottleneck carrying the target (the sum over time
 *       of (rendition - target) / target): sending more than the path carries fills the
 *       bottleneck queue, and every frame then stalls. A deep deficit (a target at half the
 *       rendition after a capacity drop) so stops video within a fraction of a second, a
 *       shallow one only after the full duration.</li>
 *   <li><b>Recovery:</b> in audio-only mode, once the target has stayed at or above
 *       {@code audioOnlyRecoveryBps} for {@code minDurationForRecoveryMs}, video resumes at the
 *       lowest video rendition ({@link AbrListener#onAudioOnlyRecovered}), or higher if the
 *       target has also held above a higher rendition for the up-switch hold. The default
 *       threshold is where the encoder can resume: {@link #DEFAULT_AUDIO_ONLY_RECOVERY_MARGIN}
 *       x the floor for a continuous encoder, {@code bitrate(lowest video) x upSwitchMargin}
 *       for a ladder encoder.</li>
 * </ul>
 * The encoder bitrate, {@link #encoderBitrateBps()}, depends on the {@link EncoderMode}: in
 * {@code CONTINUOUS} mode (the default) it is the target clamped to
 * {@code [audioOnlyFloorBps, bitrate of the highest rendition]} (kept through a dip that may be
 * ridden out, when dip riding is enabled for it); in {@code LADDER} mode it is the
 * selected rendition's bitrate. While video is off it is the audio-only rendition's bitrate.
 *
 * <p>{@link #paddingBitrateBps()} tells the sender how much padding to add so that the
 * congestion controller can see more capacity than the media uses. A controller's estimate is
 * bounded by what it is sent (application-limited periods must not raise it), so without padding
 * an audio-only stream would never earn its video back, and a ladder encoder would never reach
 * the next rendition's threshold. Padding never takes the total above the target.
 *
 * <p>The selector starts at the lowest video rendition. It never reads a clock: the caller
 * passes {@code nowNs}, from one monotonic source.
 *
 * <p>Not thread-safe: use from one thread (typically the thread that runs the congestion
 * controller). Listener callbacks run on that thread, inside {@code update}. Allocates nothing
 * after construction.
 */
public final class RenditionSelector {

    /** Default factor the target must exceed a higher rendition's bitrate by before switching up. */
    public static final double DEFAULT_UP_SWITCH_MARGIN = 1.15;
    /** Default time the target must hold above a higher rendition before switching up. */
    public static final long DEFAULT_MIN_DURATION_FOR_QUALITY_INCREASE_MS = 2_000;
    /** Default audio-only floor, as a fraction of the lowest video rendition's bitrate. */
    public static final double DEFAULT_AUDIO_ONLY_FLOOR_FRACTION = 0.6;
    /** Default time the target must stay under the floor before video stops. */
    public static final long DEFAULT_MIN_DURATION_BELOW_FLOOR_FOR_FALLBACK_MS = 1_000;
    /**
     * Default time a {@link EncoderMode#LADDER} encoder's target must stay under the lowest video
     * rendition's bitrate before video stops. Two seconds of a 10 % deficit queue 200 ms, about
     * what a deep buffer holds before it drops and frames stall.
     */
    public static final long DEFAULT_MIN_DURATION_BELOW_LOWEST_FOR_FALLBACK_MS = 2_000;
    /**
     * Default queue, in milliseconds, a {@link EncoderMode#LADDER} encoder's overrun may build at
     * a bottleneck carrying the target before video stops: the same 200 ms as two seconds of a
     * 10 % deficit, reached sooner when the deficit is deeper.
     */
    public static final long DEFAULT_MAX_OVERRUN_QUEUE_MS = 200;
    /** Default time the target must hold above the recovery threshold before video resumes. */
    public static final long DEFAULT_MIN_DURATION_FOR_RECOVERY_MS = 3_000;
    /**
     * Default recovery threshold of a {@link EncoderMode#CONTINUOUS} encoder, as a multiple of
     * the audio-only floor (such an encoder can resume at the floor's bitrate). A
     * {@link EncoderMode#LADDER} encoder resumes at the lowest video rendition's bitrate, so its
     * default threshold is that bitrate times the up-switch margin.
     */
    public static final double DEFAULT_AUDIO_ONLY_RECOVERY_MARGIN = 1.25;
    /**
     * While a {@link EncoderMode#CONTINUOUS} encoder is audio-only, padding goes this far above
     * the recovery threshold. A congestion controller's estimate is bounded by what the path
     * delivered and falls to about 85 % of it on overuse: padding only up to the threshold
     * itself let every congestion event on a shared bottleneck take the target back under it
     * and restart the hold, and one of five flows in RFC 8867 5.5 stayed audio-only for 170 s.
     * (Not for a {@link EncoderMode#LADDER} encoder, whose recovery threshold already carries
     * the up-switch margin over the 400k rendition it resumes at: measured, the same headroom
     * there cost QoE on the Norway traces and the TCP share in RFC 8867 5.6.)
     */
    static final double AUDIO_ONLY_PADDING_HEADROOM = 1.2;
    /**
     * Default queue, in milliseconds, a {@link EncoderMode#LADDER} encoder may build by riding
     * out a dip of the target below its rendition instead of switching down (see
     * {@link Builder#dipOverrunQueueMs}). A ladder's steps are coarse (900k to 400k): a congestion
     * controller's sawtooth that dips under the rendition for a second costs a switch down and
     * one up again, two large |bitrate change| terms, for a dip the playout budget could absorb.
     * Measured on the Norway traces: 10 instead of 8 of 12 traces at +15 % QoE_lin over the best
     * baseline, stall ratio still under 1 % on each.
     */
    public static final long DEFAULT_LADDER_DIP_OVERRUN_QUEUE_MS = 200;
    /**
     * Default for a {@link EncoderMode#CONTINUOUS} encoder: 0, it follows every dip. Its dips
     * cost only their own depth, and riding them (100-200 ms) measured no QoE_lin gain on the
     * Norway traces while norway-ferry-2's stall ratio rose over 1 %.
     */
    public static final long DEFAULT_CONTINUOUS_DIP_OVERRUN_QUEUE_MS = 0;
    /**
     * Default depth of a dip that may be ridden out: the target must stay at or above this
     * fraction of the bitrate being sent. A delay-based decrease cuts the target by 15-25 %, but
     * from a peak that is usually above the rendition, so it lands at 0.8-1.0 of the rendition;
     * a deeper fall is a capacity drop and is followed at once. Measured against 0.7: the same
     * Norway QoE_lin, while several ladder flows sharing a bottleneck stay fairer (a flow that
     * rides deep dips keeps the queue up for the others: RFC 8867 5.4 0.79 against 0.69).
     */
    public static final double DEFAULT_DIP_FLOOR_FRACTION = 0.8;

    private final RenditionLadder ladder;
    private final double upSwitchMargin;
    private final long upHoldNs;
    private final boolean fallbackEnabled;
    private final long audioOnlyFloorBps;
    private final long fallbackDelayNs;
    private final long belowLowestDelayNs;
    private final double maxOverrunQueueNs;
    private final long recoveryHoldNs;
    private final long audioOnlyRecoveryBps;
    /** Index in {@link #heldAbove} of the recovery threshold (after the renditions'). */
    private final int recoveryTracker;
    private final AbrListener listener;
    private final EncoderMode encoderMode;
    private final HeldAboveTracker heldAbove;
    private final double dipOverrunQueueNs;
    private final double dipFloorFraction;
    private final OverrunQueue dipQueue = new OverrunQueue();

    private int currentIndex;
    private boolean belowFloor;
    private long belowFloorSinceNs;
    private boolean belowLowest;
    private long belowLowestSinceNs;
    private long lastUpdateNs;
    private boolean haveLastUpdate;
    /** Queue (ns) the lowest video rendition's overrun would have built since the target fell under it. */
    private double overrunQueueNs;
    private long targetBitrateBps;
    /** The {@link EncoderMode#CONTINUOUS} encoder's bitrate while video is on. */
    private long continuousBps;
    private long switchCount;

    private RenditionSelector(Builder b) {
        this.ladder = b.ladder;
        this.upSwitchMargin = b.upSwitchMargin;
        this.upHoldNs = TimeUnit.MILLISECONDS.toNanos(b.minDurationForQualityIncreaseMs);
        this.fallbackEnabled = b.audioOnlyFallbackEnabled && ladder.hasAudioOnly();
        long lowestVideoBps = ladder.bitrateBps(ladder.lowestVideoIndex());
        this.audioOnlyFloorBps = b.audioOnlyFloorBps > 0
                ? b.audioOnlyFloorBps
                : (long) (lowestVideoBps * DEFAULT_AUDIO_ONLY_FLOOR_FRACTION);
        if (audioOnlyFloorBps >= lowestVideoBps) {
            throw new IllegalArgumentException("audioOnlyFloorBps must be below the lowest video "
                    + "rendition's bitrate " + lowestVideoBps + ": " + audioOnlyFloorBps);
        }
        this.fallbackDelayNs = TimeUnit.MILLISECONDS.toNanos(b.minDurationBelowFloorForFallbackMs);
        this.belowLowestDelayNs =
                TimeUnit.MILLISECONDS.toNanos(b.minDurationBelowLowestForFallbackMs);
        this.maxOverrunQueueNs = TimeUnit.MILLISECONDS.toNanos(b.maxOverrunQueueMs);
        this.dipFloorFraction = b.dipFloorFraction;
        this.recoveryHoldNs = TimeUnit.MILLISECONDS.toNanos(b.minDurationForRecoveryMs);
        this.listener = b.listener;
        this.encoderMode = b.encoderMode;
        long dipMs = b.dipOverrunQueueMs >= 0 ? b.dipOverrunQueueMs
                : encoderMode == EncoderMode.LADDER ? DEFAULT_LADDER_DIP_OVERRUN_QUEUE_MS
                : DEFAULT_CONTINUOUS_DIP_OVERRUN_QUEUE_MS;
        this.dipOverrunQueueNs = TimeUnit.MILLISECONDS.toNanos(dipMs);
        if (b.audioOnlyRecoveryBps > 0) {
            this.audioOnlyRecoveryBps = b.audioOnlyRecoveryBps;
        } else if (encoderMode == EncoderMode.LADDER) {
            this.audioOnlyRecoveryBps = (long) Math.ceil(lowestVideoBps * upSwitchMargin);
        } else {
            this.audioOnlyRecoveryBps =
                    (long) Math.ceil(audioOnlyFloorBps * DEFAULT_AUDIO_ONLY_RECOVERY_MARGIN);
        }
        if (audioOnlyRecoveryBps <= audioOnlyFloorBps) {
            throw new IllegalArgumentException("audioOnlyRecoveryBps must be above the floor "
                    + audioOnlyFloorBps + ": " + audioOnlyRecoveryBps);
        }
        long[] thresholds = new long[ladder.size() + 1];
        for (int i = 0; i < ladder.size(); i++) {
            thresholds[i] = (long) Math.ceil(ladder.bitrateBps(i) * upSwitchMargin);
        }
        this.recoveryTracker = ladder.size();
        thresholds[recoveryTracker] = audioOnlyRecoveryBps;
        this.heldAbove = new HeldAboveTracker(thresholds);
        this.currentIndex = ladder.lowestVideoIndex();
        this.targetBitrateBps = lowestVideoBps;
        this.continuousBps = lowestVideoBps;
    }

    /**
     * Starts a builder.
     *
     * @param ladder the renditions to choose from
     * @return a builder with the default policy constants
     */
    public static Builder builder(RenditionLadder ladder) {
        return new Builder(ladder);
    }

    /**
     * Feeds a new target bitrate and returns the rendition to send from now on.
     *
     * @param targetBitrateBps the congestion controller's target, in bits per second; not negative
     * @param nowNs the current time, in nanoseconds, from the caller's monotonic clock
     * @return the selected rendition
     * @throws IllegalArgumentException if {@code targetBitrateBps} is negative
     */
    public Rendition update(long targetBitrateBps, long nowNs) {
        if (targetBitrateBps < 0) {
            throw new IllegalArgumentException("targetBitrateBps must be >= 0: " + targetBitrateBps);
        }
        // What was sent since the last update, against the target of that time.
        long sentBps = encoderBitrateBps() + paddingBitrateBps();
        dipQueue.advance(sentBps, this.targetBitrateBps, nowNs);
        if (targetBitrateBps >= encoderBitrateBps()) {
            // The dip is over: the controller sees and drains the queue again (the model,
            // bottleneck = target, would not drain while padding fills up to the target).
            dipQueue.reset();
        }
        this.targetBitrateBps = targetBitrateBps;
        heldAbove.update(targetBitrateBps, nowNs);
        trackFloor(targetBitrateBps, nowNs);
        updateContinuous(targetBitrateBps);

        int lowestVideo = ladder.lowestVideoIndex();
        if (isAudioOnly()) {
            if (!heldAbove.heldFor(recoveryTracker, recoveryHoldNs, nowNs)) {
                return ladder.get(currentIndex);
            }
            int resumed = Math.max(lowestVideo, highestHeldUp(lowestVideo, nowNs));
            listener.onAudioOnlyRecovered(ladder.get(resumed), targetBitrateBps, nowNs);
            switchTo(resumed, nowNs);
            continuousBps = clampToLadder(targetBitrateBps);
            return ladder.get(currentIndex);
        }
        boolean ladderOverrun = encoderMode == EncoderMode.LADDER && belowLowest
                && (nowNs - belowLowestSinceNs >= belowLowestDelayNs || overrunQueueNs >= maxOverrunQueueNs);
        if (fallbackEnabled && ((belowFloor && nowNs - belowFloorSinceNs >= fallbackDelayNs)
                || ladderOverrun)) {
            listener.onAudioOnlyFallback(targetBitrateBps, nowNs);
            switchTo(0, nowNs);
            return ladder.get(currentIndex);
        }
        if (targetBitrateBps < ladder.bitrateBps(currentIndex)) {
            if (mayRideDip(ladder.bitrateBps(currentIndex))) {
                return ladder.get(currentIndex);
            }
            int down = ladder.highestVideoIndexAtOrBelow(targetBitrateBps);
            if (down < currentIndex) {
                switchTo(down, nowNs);
            }
            return ladder.get(currentIndex);
        }
        int up = highestHeldUp(currentIndex + 1, nowNs);
        if (up > currentIndex) {
            switchTo(up, nowNs);
        }
        return ladder.get(currentIndex);
    }

    /**
     * Whether a target under {@code sentBps} may be ridden out instead of followed: the dip is
     * shallow (at or above {@code dipFloorFraction} of what is sent) and the overrun has not yet
     * queued {@code dipOverrunQueueMs} at a bottleneck carrying the target.
     */
    private boolean mayRideDip(long sentBps) {
        return dipOverrunQueueNs > 0 && targetBitrateBps >= sentBps * dipFloorFraction
                && dipQueue.queueNs() < dipOverrunQueueNs;
    }

    /** Follows a rising target at once; rides out a shallow, short dip (see mayRideDip). */
    private void updateContinuous(long targetBps) {
        long clamped = clampToLadder(targetBps);
        if (clamped >= continuousBps || !mayRideDip(continuousBps)) {
            continuousBps = clamped;
        }
    }

    private long clampToLadder(long targetBps) {
        long max = ladder.bitrateBps(ladder.highestIndex());
        return Math.max(audioOnlyFloorBps, Math.min(max, targetBps));
    }

    /** The highest index at or above {@code from} whose threshold has held for the up hold, or -1. */
    private int highestHeldUp(int from, long nowNs) {
        for (int i = ladder.highestIndex(); i >= from; i--) {
            if (heldAbove.heldFor(i, upHoldNs, nowNs)) {
                return i;
            }
        }
        return -1;
    }

    private void trackFloor(long targetBitrateBps, long nowNs) {
        if (targetBitrateBps < audioOnlyFloorBps) {
            if (!belowFloor) {
                belowFloor = true;
                belowFloorSinceNs = nowNs;
            }
        } else {
            belowFloor = false;
        }
        long lowestVideoBps = ladder.bitrateBps(ladder.lowestVideoIndex());
        if (targetBitrateBps < lowestVideoBps) {
            if (!belowLowest) {
                belowLowest = true;
                belowLowestSinceNs = nowNs;
                overrunQueueNs = 0;
            } else if (haveLastUpdate && nowNs - lastUpdateNs > 0) { // a difference: nanoTime may wrap
                // The lowest rendition is sent whatever the target: at a bottleneck carrying the
                // target, the excess queues for (rendition - target) / target of the elapsed time.
                overrunQueueNs += (nowNs - lastUpdateNs) * (double) (lowestVideoBps - targetBitrateBps)
                        / Math.max(1, targetBitrateBps);
            }
        } else {
            belowLowest = false;
        }
        lastUpdateNs = nowNs;
        haveLastUpdate = true;
    }

    private void switchTo(int index, long nowNs) {
        Rendition previous = ladder.get(currentIndex);
        currentIndex = index;
        switchCount++;
        listener.onRenditionChanged(previous, ladder.get(index), targetBitrateBps, nowNs);
    }

    /** Returns the selected rendition. */
    public Rendition current() {
        return ladder.get(currentIndex);
    }

    /** Returns the index of the selected rendition in the ladder. */
    public int currentIndex() {
        return currentIndex;
    }

    /** Returns whether video is off because of the audio-only fallback. */
    public boolean isAudioOnly() {
        return fallbackEnabled && currentIndex == 0;
    }

    /**
     * Returns the bitrate the encoder should produce now: the audio-only rendition's bitrate
     * while video is off; otherwise, in {@link EncoderMode#CONTINUOUS} mode, the last target
     * clamped to {@code [audioOnlyFloorBps, highest rendition bitrate]}, and in
     * {@link EncoderMode#LADDER} mode the selected rendition's bitrate.
     *
     * @return the encoder bitrate, in bits per second
     */
    public long encoderBitrateBps() {
        if (isAudioOnly() || encoderMode == EncoderMode.LADDER) {
            return ladder.bitrateBps(currentIndex);
        }
        return continuousBps;
    }

    /**
     * Returns the padding the sender should add to the media so that the congestion controller
     * can measure the path beyond what the media uses: up to the last target, capped at the
     * threshold the target must hold to move up (the recovery threshold while video is off,
     * times {@value #AUDIO_ONLY_PADDING_HEADROOM} for a {@link EncoderMode#CONTINUOUS} encoder;
     * {@code bitrate(j) x upSwitchMargin} of the next rendition {@code j} in
     * {@link EncoderMode#LADDER} mode), minus the encoder bitrate. 0 in {@link EncoderMode#CONTINUOUS} mode while video is on (the encoder already
     * follows the target) and at the highest rendition. Never negative.
     *
     * @return the padding bitrate, in bits per second
     */
    public long paddingBitrateBps() {
        long thresholdBps;
        if (isAudioOnly()) {
            thresholdBps = audioOnlyRecoveryBps;
        } else if (encoderMode == EncoderMode.LADDER && currentIndex < ladder.highestIndex()) {
            thresholdBps = (long) Math.ceil(ladder.bitrateBps(currentIndex + 1) * upSwitchMargin);
        } else {
            return 0;
        }
        if (isAudioOnly() && encoderMode == EncoderMode.CONTINUOUS) {
            thresholdBps = (long) (thresholdBps * AUDIO_ONLY_PADDING_HEADROOM);
        }
        return Math.max(0, Math.min(targetBitrateBps, thresholdBps) - encoderBitrateBps());
    }

    /** Returns how the encoder takes its bitrate. */
    public EncoderMode encoderMode() {
        return encoderMode;
    }

    /** Returns the target, in bits per second, that video resumes above after a fallback. */
    public long audioOnlyRecoveryBps() {
        return audioOnlyRecoveryBps;
    }

    /** Returns the audio-only floor in use, in bits per second. */
    public long audioOnlyFloorBps() {
        return audioOnlyFloorBps;
    }

    /** Returns how many times the selected rendition has changed. */
    public long switchCount() {
        return switchCount;
    }

    /** Returns the ladder. */
    public RenditionLadder ladder() {
        return ladder;
    }

    /**
     * Builds a {@link RenditionSelector}. Not thread-safe.
     */
    public static final class Builder {
        private final RenditionLadder ladder;
        private double upSwitchMargin = DEFAULT_UP_SWITCH_MARGIN;
        private long minDurationForQualityIncreaseMs = DEFAULT_MIN_DURATION_FOR_QUALITY_INCREASE_MS;
        private boolean audioOnlyFallbackEnabled = true;
        private long audioOnlyFloorBps;
        private long audioOnlyRecoveryBps;
        private long minDurationBelowFloorForFallbackMs =
                DEFAULT_MIN_DURATION_BELOW_FLOOR_FOR_FALLBACK_MS;
        private long minDurationBelowLowestForFallbackMs =
                DEFAULT_MIN_DURATION_BELOW_LOWEST_FOR_FALLBACK_MS;
        private long minDurationForRecoveryMs = DEFAULT_MIN_DURATION_FOR_RECOVERY_MS;
        private long maxOverrunQueueMs = DEFAULT_MAX_OVERRUN_QUEUE_MS;
        /** Negative: the encoder mode's default. */
        private long dipOverrunQueueMs = -1;
        private double dipFloorFraction = DEFAULT_DIP_FLOOR_FRACTION;
        private AbrListener listener = AbrListener.NONE;
        private EncoderMode encoderMode = EncoderMode.CONTINUOUS;

        private Builder(RenditionLadder ladder) {
            this.ladder = Objects.requireNonNull(ladder, "ladder");
        }

        /**
         * @param margin factor (at least 1.0) the target must exceed a higher rendition's bitrate
         *     by before switching up
         *     (default {@value RenditionSelector#DEFAULT_UP_SWITCH_MARGIN})
         * @return this builder
         */
        public Builder upSwitchMargin(double margin) {
            if (!(margin >= 1.0) || Double.isInfinite(margin)) {
                throw new IllegalArgumentException("upSwitchMargin must be finite and >= 1.0: "
                        + margin);
            }
            this.upSwitchMargin = margin;
            return this;
        }

        /**
         * @param durationMs time, in milliseconds (not negative), the target must hold above a
         *     higher rendition before switching up
         *     (default {@value RenditionSelector#DEFAULT_MIN_DURATION_FOR_QUALITY_INCREASE_MS})
         * @return this builder
         */
        public Builder minDurationForQualityIncreaseMs(long durationMs) {
            this.minDurationForQualityIncreaseMs = nonNegative(durationMs,
                    "minDurationForQualityIncreaseMs");
            return this;
        }

        /**
         * @param enabled whether video may stop under the floor (only has an effect when the
         *     ladder's lowest entry is audio-only); default true
         * @return this builder
         */
        public Builder audioOnlyFallbackEnabled(boolean enabled) {
            this.audioOnlyFallbackEnabled = enabled;
            return this;
        }

        /**
         * @param floorBps the target, in bits per second, under which video stops; positive and
         *     below the lowest video rendition's bitrate. Default:
         *     {@link #DEFAULT_AUDIO_ONLY_FLOOR_FRACTION} of that bitrate
         * @return this builder
         */
        public Builder audioOnlyFloorBps(long floorBps) {
            if (floorBps <= 0) {
                throw new IllegalArgumentException("audioOnlyFloorBps must be > 0: " + floorBps);
            }
            this.audioOnlyFloorBps = floorBps;
            return this;
        }

        /**
         * @param recoveryBps the target, in bits per second, that must hold for the recovery
         *     time before video resumes; positive and above the floor. Default: see
         *     {@link #DEFAULT_AUDIO_ONLY_RECOVERY_MARGIN}
         * @return this builder
         */
        public Builder audioOnlyRecoveryBps(long recoveryBps) {
            if (recoveryBps <= 0) {
                throw new IllegalArgumentException("audioOnlyRecoveryBps must be > 0: "
                        + recoveryBps);
            }
            this.audioOnlyRecoveryBps = recoveryBps;
            return this;
        }

        /**
         * @param durationMs time, in milliseconds (not negative), the target must stay under the
         *     floor before video stops
         *     (default {@value RenditionSelector#DEFAULT_MIN_DURATION_BELOW_FLOOR_FOR_FALLBACK_MS})
         * @return this builder
         */
        public Builder minDurationBelowFloorForFallbackMs(long durationMs) {
            this.minDurationBelowFloorForFallbackMs = nonNegative(durationMs,
                    "minDurationBelowFloorForFallbackMs");
            return this;
        }

        /**
         * @param durationMs time, in milliseconds (not negative), the target must stay under the
         *     lowest video rendition's bitrate before a {@link EncoderMode#LADDER} encoder stops
         *     video (no effect in {@link EncoderMode#CONTINUOUS} mode)
         *     (default {@value RenditionSelector#DEFAULT_MIN_DURATION_BELOW_LOWEST_FOR_FALLBACK_MS})
         * @return this builder
         */
        public Builder minDurationBelowLowestForFallbackMs(long durationMs) {
            this.minDurationBelowLowestForFallbackMs = nonNegative(durationMs,
                    "minDurationBelowLowestForFallbackMs");
            return this;
        }

        /**
         * @param queueMs the queue, in milliseconds (not negative), a {@link EncoderMode#LADDER}
         *     encoder's overrun of a target under the lowest video rendition may build (at a
         *     bottleneck carrying the target) before video stops, even before
         *     {@code minDurationBelowLowestForFallbackMs} has passed; default
         *     {@link #DEFAULT_MAX_OVERRUN_QUEUE_MS} (no effect in {@link EncoderMode#CONTINUOUS} mode)
         * @return this builder
         */
        public Builder maxOverrunQueueMs(long queueMs) {
            this.maxOverrunQueueMs = nonNegative(queueMs, "maxOverrunQueueMs");
            return this;
        }

        /**
         * @param queueMs the queue, in milliseconds (not negative), the encoder may build by
         *     riding out a dip of the target instead of following it: while the target stays at
         *     or above {@code dipFloorFraction} of the bitrate sent, the rendition (and a
         *     {@link EncoderMode#CONTINUOUS} encoder's bitrate) is kept until the overrun would
         *     have queued this much at a bottleneck carrying the target (a pessimistic model:
         *     after a decrease the path usually carries more than the target). A congestion
         *     controller's sawtooth then costs no switch down and up again. Default
         *     {@link #DEFAULT_LADDER_DIP_OVERRUN_QUEUE_MS} for a {@link EncoderMode#LADDER}
         *     encoder, {@link #DEFAULT_CONTINUOUS_DIP_OVERRUN_QUEUE_MS} for a
         *     {@link EncoderMode#CONTINUOUS} one; 0 follows every dip at once
         * @return this builder
         */
        public Builder dipOverrunQueueMs(long queueMs) {
            this.dipOverrunQueueMs = nonNegative(queueMs, "dipOverrunQueueMs");
            return this;
        }

        /**
         * @param fraction the shallowest target, as a fraction (in (0, 1]) of the bitrate sent,
         *     that may be ridden out (see {@link #dipOverrunQueueMs}); default
         *     {@link #DEFAULT_DIP_FLOOR_FRACTION}
         * @return this builder
         */
        public Builder dipFloorFraction(double fraction) {
            if (!(fraction > 0 && fraction <= 1)) {
                throw new IllegalArgumentException("dipFloorFraction must be in (0, 1]: "
                        + fraction);
            }
            this.dipFloorFraction = fraction;
            return this;
        }

        /**
         * @param durationMs time, in milliseconds (not negative), the target must hold above the
         *     recovery threshold before video resumes
         *     (default {@value RenditionSelector#DEFAULT_MIN_DURATION_FOR_RECOVERY_MS})
         * @return this builder
         */
        public Builder minDurationForRecoveryMs(long durationMs) {
            this.minDurationForRecoveryMs = nonNegative(durationMs, "minDurationForRecoveryMs");
            return this;
        }

        /**
         * @param listener receives rendition and fallback events; see {@link AbrListener} for the
         *     threading rules; default {@link AbrListener#NONE}
         * @return this builder
         */
        public Builder listener(AbrListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * @param mode how the encoder takes its bitrate; default {@link EncoderMode#CONTINUOUS}
         * @return this builder
         */
        public Builder encoderMode(EncoderMode mode) {
            this.encoderMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * @return a new selector
         * @throws IllegalArgumentException if the floor is not below the lowest video rendition
         *     or the recovery threshold is not above the floor
         */
        public RenditionSelector build() {
            return new RenditionSelector(this);
        }

        private static long nonNegative(long value, String name) {
            if (value < 0) {
                throw new IllegalArgumentException(name + " must be >= 0: " + value);
            }
            return value;
        }
    }
}
