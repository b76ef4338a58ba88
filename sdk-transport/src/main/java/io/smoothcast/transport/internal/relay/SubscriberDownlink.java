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
 * whose delay a stall of this thread distorted are left out of the feedback the controller
 * gets; so are the arrivals the subscriber says it stamped late after a stall of its own
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
    /** Copies recorded in the controller together by default ({@link #pending}). */
    static final int PENDING_SENDS = 8;

    private final CongestionController controller;
    private final TransportFeedbackConverter converter = new TransportFeedbackConverter();
    private final RelayStallGuard stallGuard = new RelayStallGuard();
    /** The converted feedback without the arrivals {@link #stallGuard} does not trust. */
    private final TransportFeedback trusted =
            new TransportFeedback(TransportFeedbackCollector.MAX_PACKETS_PER_FEEDBACK * 2);
    private final TransportCcFeedbackView view = new TransportCcFeedbackView();
    private final DownlinkProber prober = new DownlinkProber();
    private final ProbeClusterRequest probeRequest = new ProbeClusterRequest();
    /**
     * Packets numbered but not yet recorded in {@link #controller}: for each, its send time in
     * ns, then its size in the upper and its probe cluster id in the lower 32 bits of the next
     * long. Their numbers are the {@link #pendingSends} just below {@link #nextTransportSequence}.
     *
     * <p>Why: recording a copy in the controller walks the controller, its sent-packet history,
     * that history's array and its sent-bitrate window; with hundreds of subscribers those lines
     * have left the cache by the subscriber's next packet, and the history's ring (8 192 slots,
     * 192 KiB per subscriber) is written at a line that was last touched seconds ago. Here a
     * copy writes 16 bytes into this small array instead, which stays in the cache. When it is
     * full ({@value #PENDING_SENDS} copies by default), or before anything reads the controller,
     * the records go in together, in the same order and with the same arguments as one by one,
     * so the controller's state is the same whenever it is read (SubscriberDownlinkRecordBatchTest).
     */
    private final long[] pending;
    private int pendingSends;
    /** Unwrapped transport-wide sequence number of the next packet to this subscriber. */
    private long nextTransportSequence;
    private boolean feedbackSeen;

    /**
     * @param startBitrateBps the first estimate, in bps: the layers above it are reached after
     *     the selector's hold time if feedback shows no congestion
     */
    SubscriberDownlink(long startBitrateBps) {
        this(startBitrateBps, PENDING_SENDS);
    }

    /**
     * @param startBitrateBps as in {@link #SubscriberDownlink(long)}
     * @param recordsPerBatch copies recorded in the controller together, at least 1 (1: each
     *     at once); a test compares batches with single records
     */
    SubscriberDownlink(long startBitrateBps, int recordsPerBatch) {
        if (recordsPerBatch < 1) {
            throw new IllegalArgumentException("recordsPerBatch must be >= 1: " + recordsPerBatch);
        }
        this.pending = new long[2 * recordsPerBatch];
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
     * to it (by whichever fan-out thread writes it) and records the packet as sent.
     *
     * @param bytes the packet's size
     * @param nowNs the send time, in ns
     * @return the 16-bit number to write into the packet
     */
    int recordSent(int bytes, long nowNs) {
        stallGuard.onEvent(nowNs, nextTransportSequence);
        long sequence = nextTransportSequence++;
        stallGuard.onSent(sequence, nowNs);
        int at = 2 * pendingSends;
        pending[at] = nowNs;
        pending[at + 1] = ((long) bytes << 32) | (prober.sendingClusterId() & 0xFFFF_FFFFL);
        if (++pendingSends == pending.length / 2) {
            recordPendingSends();
        }
        prober.onSent(bytes);
        return (int) sequence & 0xFFFF;
    }

    /** Hands the copies numbered since the last call to the controller, oldest first. */
    private void recordPendingSends() {
        long firstSequence = nextTransportSequence - pendingSends;
        for (int i = 0; i < pendingSends; i++) {
            long sizeAndCluster = pending[2 * i + 1];
            controller.onPacketSent(firstSequence + i, (int) (sizeAndCluster >>> 32), pending[2 * i],
                    (int) sizeAndCluster);
        }
        pendingSends = 0;
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
        recordPendingSends();
        stallGuard.onEvent(nowNs, nextTransportSequence);
        TransportFeedback feedback = converter.convert(view, nextTransportSequence - 1);
        if (feedback == null || feedback.size() == 0) {
            return true;
        }
        trusted.clear();
        for (int i = 0; i < feedback.size(); i++) {
            if (!feedback.isReceived(i)) {
                trusted.addLost(feedback.sequence(i)); // a loss is a loss, stall or not
            } else if (stallGuard.trustsArrival(feedback.sequence(i))) {
                trusted.addReceived(feedback.sequence(i), feedback.receiveTimeNs(i));
            }
        }
        if (trusted.size() > 0) {
            controller.onFeedback(trusted, nowNs);
            feedbackSeen = true;
        }
        return true;
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

    /** Timer work of the controller; every 20 ms. */
    void onTick(long nowNs) {
        recordPendingSends();
        stallGuard.onEvent(nowNs, nextTransportSequence);
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
        recordPendingSends();
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
        recordPendingSends();
        return controller.lossFraction();
    }

    /** The controller's target for this subscriber's downlink, in bps. */
    long estimateBps() {
        recordPendingSends();
        return controller.targetBitrateBps();
    }
}
