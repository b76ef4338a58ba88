package io.smoothcast.transport.internal.relay;

import io.netty.buffer.ByteBuf;
import io.smoothcast.cc.CongestionController;
import io.smoothcast.cc.TransportFeedback;
import io.smoothcast.rtp.TransportCcFeedbackView;
import io.smoothcast.transport.internal.cc.TransportFeedbackConverter;

/**
 * The relay's sending side towards one subscriber session: its own transport-wide sequence
 * numbering (rewritten into every packet the node sends there), the sent-packet history inside
 * the sdk-core {@link CongestionController}, and the controller's estimate of the subscriber's
 * downlink, fed by the transport-cc feedback the subscriber sends back.
 *
 * <p>The estimate counts only after the first feedback: a subscriber that sends none (an older
 * client, a plain RTP tool) keeps its static layer cap instead of a controller that would back
 * off for want of feedback.
 *
 * <p>It also keeps the padding budget: when a subscriber is held on a lower simulcast layer, the
 * media alone would keep the estimate there (it grows only with what is acknowledged), so the
 * node pads up to the next layer (see {@code RelayEngine}), as libwebrtc pads to let the estimate
 * reach a disabled simulcast layer.
 *
 * <p>Not thread-safe: the relay's I/O thread. Allocates nothing after construction.
 */
final class SubscriberDownlink {

    /** Lowest start estimate, in bps, whatever the layers announce. */
    static final long MIN_START_BITRATE_BPS = 300_000;
    private static final long MIN_BITRATE_BPS = 50_000;
    private static final long MAX_BITRATE_BPS = 100_000_000;

    private final CongestionController controller;
    private final TransportFeedbackConverter converter = new TransportFeedbackConverter();
    private final TransportCcFeedbackView view = new TransportCcFeedbackView();
    /** Loss fraction above which padding stops: a lossy downlink has no room to show. */
    private static final double MAX_PADDING_LOSS_FRACTION = 0.02;
    /** Longest window one padding budget covers, in ns (a late tick does not cause a burst). */
    private static final long MAX_PADDING_WINDOW_NS = 40_000_000L;
    /** How long feedback must show no loss before padding starts (again), in ns. */
    private static final long PADDING_QUIET_NS = 2_000_000_000L;

    /** Unwrapped transport-wide sequence number of the next packet to this subscriber. */
    private long nextTransportSequence;
    private boolean feedbackSeen;
    /** Bytes of media stamped since {@link #paddingWindowStartNs}. */
    private long mediaBytesInWindow;
    private long paddingWindowStartNs;
    private boolean paddingWindowStarted;
    /** When feedback last reported loss above {@link #MAX_PADDING_LOSS_FRACTION}. */
    private long lastLossyFeedbackNs;

    /**
     * @param startBitrateBps the first estimate, in bps: the layers above it are reached after
     *     the selector's hold time if feedback shows no congestion
     */
    SubscriberDownlink(long startBitrateBps) {
        this.controller = CongestionController.builder()
                .maxBitrateBps(MAX_BITRATE_BPS)
                .minBitrateBps(MIN_BITRATE_BPS)
                .startBitrateBps(Math.min(MAX_BITRATE_BPS, Math.max(MIN_START_BITRATE_BPS, startBitrateBps)))
                .initialProbing(false) // the relay only forwards what the source sends: nothing to probe with
                .build();
    }

    /**
     * Writes this subscriber's next transport-wide sequence number into a packet about to be
     * sent to it and records the packet as sent.
     *
     * @param packet the subscriber's own copy of the packet
     * @param offset where, from the packet's reader index, the 2-byte number goes
     * @param nowNs the send time, in ns
     */
    void stamp(ByteBuf packet, int offset, long nowNs) {
        long sequence = nextTransportSequence++;
        packet.setShort(packet.readerIndex() + offset, (int) sequence);
        controller.onPacketSent(sequence, packet.readableBytes(), nowNs, -1);
        mediaBytesInWindow += packet.readableBytes();
    }

    /**
     * How many bytes of padding would bring what this subscriber got since the last call up to
     * {@code targetBps}, and starts the next window. Padding stamped after this call must be
     * reported with {@link #paddingSent} so it does not count as media of the next window.
     *
     * @param targetBps the rate to reach, in bps
     * @param nowNs the current time, in ns
     * @return bytes of padding due now; 0 when media alone reached the rate
     */
    long paddingBytesDue(long targetBps, long nowNs) {
        long windowNs = Math.min(MAX_PADDING_WINDOW_NS, nowNs - paddingWindowStartNs);
        long mediaBytes = mediaBytesInWindow;
        boolean first = !paddingWindowStarted;
        paddingWindowStarted = true;
        paddingWindowStartNs = nowNs;
        mediaBytesInWindow = 0;
        if (first || windowNs <= 0) {
            return 0;
        }
        return Math.max(0, targetBps * windowNs / 8_000_000_000L - mediaBytes);
    }

    /**
     * Takes padding stamped just now out of the media count.
     *
     * @param bytes bytes of padding sent since {@link #paddingBytesDue}
     */
    void paddingSent(long bytes) {
        mediaBytesInWindow -= bytes;
    }

    /**
     * Feeds one transport-cc feedback from the subscriber.
     *
     * @return false if the packet is not a well-formed feedback
     */
    boolean onFeedback(byte[] buffer, int offset, int length, long nowNs) {
        if (view.wrap(buffer, offset, length) != io.smoothcast.rtp.ParseStatus.OK) {
            return false;
        }
        TransportFeedback feedback = converter.convert(view, nextTransportSequence - 1);
        if (feedback != null && feedback.size() > 0) {
            controller.onFeedback(feedback, nowNs);
            if (!feedbackSeen || controller.lossFraction() > MAX_PADDING_LOSS_FRACTION) {
                lastLossyFeedbackNs = nowNs; // the first feedback also starts the quiet period
            }
            feedbackSeen = true;
        }
        return true;
    }

    /** Timer work of the controller; every 20 ms. */
    void onTick(long nowNs) {
        controller.onTick(nowNs);
    }

    /**
     * Whether padding may be added: feedback flows and has reported (almost) no loss for
     * {@link #PADDING_QUIET_NS}, so extra packets do not compete with repairs and keyframes on a
     * downlink that is dropping.
     *
     * @param nowNs the current time, in ns
     */
    boolean canPad(long nowNs) {
        return feedbackSeen && !controller.isFeedbackTimedOut() && nowNs - lastLossyFeedbackNs >= PADDING_QUIET_NS;
    }

    /** Whether the subscriber has sent usable feedback, so {@link #estimateBps()} means something. */
    boolean hasEstimate() {
        return feedbackSeen;
    }

    /** The controller's target for this subscriber's downlink, in bps. */
    long estimateBps() {
        return controller.targetBitrateBps();
    }
}
