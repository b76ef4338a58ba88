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
 * <p>What a copy touches is kept here, in the downlink itself: the next number, the prober's
 * sending cluster id (a copy of {@link DownlinkProber#sendingClusterId()}, refreshed whenever the
 * prober's state can change) and a small batch of (send time, size, cluster id) records. The
 * stall guard, the controller and the prober get the records only when something reads them
 * (feedback, tick, probe decision, estimate, loss, a stall, a full batch), with the same calls in
 * the same order as one by one, so every decision is the same. A copy then touches this object
 * and its batch array, not four more objects per subscriber, each mostly out of the cache by the
 * subscriber's next packet (BENCHMARKS.md, "Relay fan-out, session 9").
 *
 * <p>Not thread-safe: the relay's I/O thread. Allocates nothing after construction.
 */
final class SubscriberDownlink {

    /**
     * Copies recorded per batch. While a subscriber gets fewer than {@value} packets between two
     * of the relay's 20 ms ticks (800 packets/s), the batch is handed over by the tick, which
     * touches the stall guard and the controller anyway.
     */
    static final int RECORD_BATCH = 16;

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
    /** Unwrapped transport-wide sequence number of the next packet to this subscriber. */
    private long nextTransportSequence;
    /** {@link DownlinkProber#sendingClusterId()}, refreshed whenever the prober's state can change. */
    private int sendingClusterId = -1;
    /** Records not handed over yet, two longs each: send time in ns, then size << 32 | cluster id. */
    private final long[] pendingRecords;
    private final int recordBatch;
    private int pendingCount;
    private boolean feedbackSeen;

    /**
     * @param startBitrateBps the first estimate, in bps: the layers above it are reached after
     *     the selector's hold time if feedback shows no congestion
     */
    SubscriberDownlink(long startBitrateBps) {
        this(startBitrateBps, RECORD_BATCH);
    }

    /**
     * @param startBitrateBps as in {@link #SubscriberDownlink(long)}
     * @param recordBatch copies recorded per batch, at least 1; 1 hands every copy over at once
     *     (the identity test's reference)
     */
    SubscriberDownlink(long startBitrateBps, int recordBatch) {
        if (recordBatch < 1) {
            throw new IllegalArgumentException("recordBatch must be >= 1: " + recordBatch);
        }
        this.recordBatch = recordBatch;
        this.pendingRecords = new long[2 * recordBatch];
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
        long sequence = nextTransportSequence++;
        int slot = 2 * pendingCount;
        pendingRecords[slot] = nowNs;
        pendingRecords[slot + 1] = (long) bytes << 32 | (sendingClusterId & 0xFFFF_FFFFL);
        if (++pendingCount == recordBatch) {
            handOverRecords();
        }
        return (int) sequence & 0xFFFF;
    }

    /**
     * Gives the stall guard, the controller and the prober the copies recorded since the last
     * time, oldest first, with the calls {@link #recordSent} would have made one by one. Each of
     * the three keeps its own order; none of them reads another's state.
     */
    private void handOverRecords() {
        int count = pendingCount;
        if (count == 0) {
            return;
        }
        pendingCount = 0;
        long sequence = nextTransportSequence - count;
        for (int i = 0; i < count; i++, sequence++) {
            long sentNs = pendingRecords[2 * i];
            long sizeAndCluster = pendingRecords[2 * i + 1];
            int bytes = (int) (sizeAndCluster >>> 32);
            stallGuard.onSent(sequence, sentNs);
            controller.onPacketSent(sequence, bytes, sentNs, (int) sizeAndCluster);
            prober.onSent(bytes);
        }
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
        handOverRecords();
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
        handOverRecords();
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
        handOverRecords(); // the packets numbered before the stall end its settling's way
        stallGuard.onRelayStall(nowNs, stallNs, nextTransportSequence);
    }

    /** Timer work of the controller; every 20 ms. */
    void onTick(long nowNs) {
        handOverRecords();
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
        handOverRecords();
        DownlinkProber.Action action = prober.onTick(nowNs, controller.targetBitrateBps(), controller.lossFraction(),
                neededBps, controller.lastProbeResultClusterId(), controller.lastProbeResultBps());
        if (action == DownlinkProber.Action.START_PROBE) {
            controller.requestProbeCluster(prober.probeRateBps(), DownlinkProber.PROBE_DURATION_NS, probeRequest);
            prober.started(probeRequest.clusterId(), probeRequest.minBytes(), nowNs);
        }
        sendingClusterId = prober.sendingClusterId(); // only onTick and started change it
        return action;
    }

    /** Padding bytes to send now for the probe cluster in progress (0 if none). */
    long probePaddingDue(long nowNs) {
        handOverRecords();
        return prober.paddingBytesDue(nowNs);
    }

    /** Whether the subscriber has sent usable feedback, so {@link #estimateBps()} means something. */
    boolean hasEstimate() {
        return feedbackSeen;
    }

    /** The loss fraction of the latest feedback, in [0, 1]. */
    double lossFraction() {
        handOverRecords();
        return controller.lossFraction();
    }

    /** The controller's target for this subscriber's downlink, in bps. */
    long estimateBps() {
        handOverRecords();
        return controller.targetBitrateBps();
    }
}
