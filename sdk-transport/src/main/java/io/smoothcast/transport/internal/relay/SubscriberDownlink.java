package io.smoothcast.transport.internal.relay;

import io.netty.buffer.ByteBuf;
import io.smoothcast.cc.CongestionController;
import io.smoothcast.cc.ProbeClusterRequest;
import io.smoothcast.cc.TransportFeedback;
import io.smoothcast.rtp.SequenceNumbers;
import io.smoothcast.rtp.TransportCcFeedbackView;
import io.smoothcast.transport.internal.cc.TransportFeedbackCollector;
import io.smoothcast.transport.internal.cc.TransportFeedbackConverter;

/**
 * The relay's sending side towards one subscriber session: its own transport-wide sequence
 * numbering (rewritten into every packet the node sends there), the sent-packet history inside
 * the sdk-core {@link CongestionController}, and the controller's estimate of the subscriber's
 * downlink, fed by the transport-cc feedback the subscriber sends back.
 *
 * <p>It also probes the downlink for the next simulcast layer up ({@link DownlinkProber}): while
 * a probe cluster is on, every packet sent to the subscriber is tagged with the cluster's id.
 *
 * <p>The relay's own stalls are kept out of the estimate ({@link RelayStallGuard}): arrivals
 * whose delay a stall of this thread distorted reach the controller without their times
 * ({@link TransportFeedback#addReceivedUntimed}: received for the loss share, nothing else); so do
 * the arrivals the subscriber says it stamped late after a stall of its own
 * ({@link #onUntimedArrivals}).
 *
 * <p>The estimate counts only after the first feedback: a subscriber that sends none (an older
 * client, a plain RTP tool) keeps its static layer cap instead of a controller that would back
 * off for want of feedback.
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
    private final RelayStallGuard stallGuard = new RelayStallGuard();
    /** The converted feedback without the arrivals {@link #stallGuard} does not trust. */
    private final TransportFeedback trusted =
            new TransportFeedback(TransportFeedbackCollector.MAX_PACKETS_PER_FEEDBACK * 2);
    private final TransportCcFeedbackView view = new TransportCcFeedbackView();
    private final DownlinkProber prober = new DownlinkProber();
    private final ProbeClusterRequest probeRequest = new ProbeClusterRequest();
    /** The numbers the feedback reported received, for the tail loss probes. */
    private final ReportedArrivals arrivals = new ReportedArrivals();
    /** Unwrapped transport-wide sequence number of the next packet to this subscriber. */
    private long nextTransportSequence;
    private boolean feedbackSeen;

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
        packet.setShort(packet.readerIndex() + offset, recordSent(packet.readableBytes(), nowNs));
    }

    /**
     * Takes this subscriber's next transport-wide sequence number for a packet about to be sent
     * to it and records the packet as sent. Called on the I/O thread, as everything here, also
     * for a copy a fan-out thread will write: that thread gets only the number.
     *
     * @param bytes the packet's size
     * @param nowNs the send time, in ns
     * @return the 16-bit number to write into the packet
     */
    int recordSent(int bytes, long nowNs) {
        long sequence = nextTransportSequence++;
        stallGuard.onSent(sequence, nowNs);
        controller.onPacketSent(sequence, bytes, nowNs, prober.sendingClusterId());
        prober.onSent(sequence, bytes);
        return (int) sequence & 0xFFFF;
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
        if (feedback == null || feedback.size() == 0) {
            return true;
        }
        trusted.clear();
        boolean usable = false;
        for (int i = 0; i < feedback.size(); i++) {
            if (!feedback.isReceived(i)) {
                trusted.addLost(feedback.sequence(i)); // a loss is a loss, stall or not
                usable = true;
                continue;
            }
            arrivals.onReceived(feedback.sequence(i), nextTransportSequence - 1);
            boolean timed = stallGuard.trustsArrival(feedback.sequence(i));
            if (timed) {
                trusted.addReceived(feedback.sequence(i), feedback.receiveTimeNs(i));
                usable = true;
            } else {
                trusted.addReceivedUntimed(feedback.sequence(i)); // it arrived: the loss share counts it
            }
            prober.onArrival(feedback.sequence(i), timed);
        }
        controller.onFeedback(trusted, nowNs);
        feedbackSeen |= usable;
        return true;
    }

    /**
     * Whether the subscriber's feedback reported a packet received: then a tail loss probe of
     * that packet would be a duplicate. False for a number not reported (yet), lost, or too old
     * to be remembered ({@link ReportedArrivals#WINDOW}), and for any number before the first
     * feedback.
     *
     * @param sequence the 16-bit number {@link #recordSent} gave the packet
     */
    boolean reportedReceived(int sequence) {
        long lastSent = nextTransportSequence - 1;
        return lastSent >= 0 && arrivals.isReceived(lastSent + SequenceNumbers.distance((int) lastSent, sequence));
    }

    /**
     * The subscriber's report that it read a range of this downlink's packets late, after a
     * stall of its own ({@link io.smoothcast.transport.internal.cc.UntimedArrivalsReport}); the
     * feedback reporting them follows in the same datagram.
     *
     * @param firstSequence the first 16-bit transport-wide number concerned
     * @param count how many consecutive numbers, at least 1
     */
    void onUntimedArrivals(int firstSequence, int count) {
        long lastSent = nextTransportSequence - 1;
        if (lastSent < 0) {
            return;
        }
        long first = lastSent + SequenceNumbers.distance((int) lastSent, firstSequence);
        stallGuard.distrustReceiverStamps(first, first + count - 1); // numbers never sent match no arrival
    }

    /**
     * The relay's I/O thread has just run again after a stall (its engine's detector saw the
     * gap), before it handles anything else.
     *
     * @param nowNs when it ran again, in ns
     * @param stallNs how long it was off, in ns
     */
    void onRelayStall(long nowNs, long stallNs) {
        stallGuard.onRelayStall(nowNs, stallNs, nextTransportSequence);
    }

    /** Timer work of the controller; every 20 ms. */
    void onTick(long nowNs) {
        if (stallGuard.timeoutMayRun(nowNs)) {
            controller.onTick(nowNs); // its feedback timeout: not while a stall of ours explains the silence
        }
    }

    /**
     * The probing decision of this tick ({@link DownlinkProber#onTick}); a probe it starts is
     * requested from the controller here.
     *
     * @param neededBps the estimate the next layer up needs, in bps, or 0 if there is none
     */
    DownlinkProber.Action probeTick(long nowNs, long neededBps) {
        DownlinkProber.Action action = prober.onTick(nowNs, controller.targetBitrateBps(), controller.lossFraction(),
                neededBps, controller.lastProbeResultClusterId(), controller.lastProbeResultBps());
        if (action == DownlinkProber.Action.START_PROBE) {
            controller.requestProbeCluster(prober.probeRateBps(), DownlinkProber.PROBE_DURATION_NS, probeRequest);
            prober.started(probeRequest.clusterId(), probeRequest.minBytes(), nowNs);
        }
        return action;
    }

    /** Padding bytes to send now for the probe cluster in progress (0 if none). */
    long probePaddingDue(long nowNs) {
        return prober.paddingBytesDue(nowNs);
    }

    /** Whether the subscriber has sent usable feedback, so {@link #estimateBps()} means something. */
    boolean hasEstimate() {
        return feedbackSeen;
    }

    /** The loss fraction of the latest feedback, in [0, 1]. */
    double lossFraction() {
        return controller.lossFraction();
    }

    /** The controller's target for this subscriber's downlink, in bps. */
    long estimateBps() {
        return controller.targetBitrateBps();
    }
}
