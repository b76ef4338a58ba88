package io.smoothcast.cc;

import io.smoothcast.cc.internal.AckedBitrateEstimator;
import io.smoothcast.cc.internal.AimdRateControl;
import io.smoothcast.cc.internal.BandwidthUsage;
import io.smoothcast.cc.internal.CompetingFlowDetector;
import io.smoothcast.cc.internal.InterArrival;
import io.smoothcast.cc.internal.LossBasedController;
import io.smoothcast.cc.internal.OveruseDetector;
import io.smoothcast.cc.internal.ProbeBitrateEstimator;
import io.smoothcast.cc.internal.ProbeController;
import io.smoothcast.cc.internal.SentPacketHistory;
import io.smoothcast.cc.internal.TrendlineEstimator;

/**
 * Send-side congestion controller of the Google Congestion Control family
 * (draft-ietf-rmcat-gcc-02; libwebrtc's goog_cc as behaviour reference, our own code).
 *
 * <p>Pipeline per transport-wide feedback: sent-packet history lookup, packet groups of 5 ms
 * bursts, inter-group delay variation, trendline delay-gradient estimate, overuse detector with
 * an adaptive threshold, AIMD rate control bounded by the acknowledged bitrate. Beside it, a
 * loss-based limit (hold between 2 % and 10 % loss, back off above), RTT from feedback, probe
 * clusters at start (exponential) and after a large drop, and a feedback timeout that backs the
 * rate off by 20 % per half second while feedback stays away although packets are sent.
 * The target is the smaller of the delay-based estimate and the loss-based limit.
 *
 * <p>Beyond GCC, two additions, both driven by the standing queue (feedback RTT above the
 * minimum RTT of the last 10-20 s): a decrease drains a measured standing queue within about a
 * second (below the usual 85 % of the acknowledged bitrate when the queue is long), and a
 * standing queue that our own decreases do not clear for 4 s is taken for a loss-based competitor
 * (TCP in a deep buffer): delay-based decreases pause and the loss-based limit governs. Every
 * 10 s one decrease checks whether the queue drains; if it does not, competing mode resumes at
 * once ({@code CompetingFlowDetector}), so the controller neither starves beside TCP nor keeps a
 * buffer full itself.
 *
 * <p>Use: report every sent packet with {@link #onPacketSent}, every feedback batch with
 * {@link #onFeedback}, call {@link #onTick} every 25 to 100 ms, hand
 * {@linkplain #pollProbeCluster(ProbeClusterRequest) probe clusters} to the {@link Pacer}, and
 * read {@link #targetBitrateBps()}. A caller whose own thread stalled calls
 * {@link #onSenderStalled()} when it runs again. Every method takes {@code nowNs} from the caller
 * (sender clock); nothing reads a clock, nothing allocates after construction.
 *
 * <p>Untrusted feedback: entries for unknown or forgotten sequence numbers and duplicates are
 * counted and skipped; nonsensical receive times reset the delay estimator's grouping. Packets
 * reported {@linkplain TransportFeedback#addReceivedUntimed received at an unknown time} (read
 * late after a stall of the receiver's or a relay's thread) count as received in the loss share
 * and in {@link #reportedReceivedPackets()}; the acknowledged bitrate averages their bytes over
 * the span between the timed arrivals around them (so it sees what the path carried during the
 * stall); they count in nothing that needs their own arrival time (delay gradient, probes, RTT).
 *
 * <p>Thread-safety: not thread-safe. One thread (the transport's I/O or pacing thread) owns it.
 */
public final class CongestionController {

    private static final long MIN_PROBE_DURATION_NS = 15_000_000L;
    private static final int MIN_PROBE_PACKETS = 5;
    private static final double TIMEOUT_BACKOFF = 0.8;
    private static final long TIMEOUT_BACKOFF_INTERVAL_NS = 500_000_000L;
    private static final double RTT_SMOOTHING = 0.125;
    /** Short enough to see a capacity drop within a few frames, long enough to span several. */
    private static final long ACKED_WINDOW_NS = 200_000_000L;
    private static final double ACKED_SAMPLE_WEIGHT = 0.5;
    /** For tracking the link capacity: many frames, so frame-size noise averages out. */
    private static final long SMOOTH_ACKED_WINDOW_NS = 500_000_000L;
    private static final double SMOOTH_ACKED_SAMPLE_WEIGHT = 0.25;
    /** The minimum RTT is the smaller of this window's and the previous window's minimum. */
    private static final long MIN_RTT_WINDOW_NS = 10_000_000_000L;
    /** Below this standing queue, moderate loss is not blamed on congestion. */
    private static final long SHORT_QUEUE_NS = 50_000_000L;

    private final long minBitrateBps;
    private final long maxBitrateBps;
    private final long startBitrateBps;
    private final long feedbackTimeoutNs;

    private final SentPacketHistory history;
    private final InterArrival interArrival = new InterArrival();
    private final TrendlineEstimator trendline = new TrendlineEstimator(20);
    private final OveruseDetector detector = new OveruseDetector();
    private final AimdRateControl aimd;
    private final AckedBitrateEstimator ackedBitrate;
    private final AckedBitrateEstimator smoothAckedBitrate;
    /** The same windows over send times: what we sent, to tell application-limited periods. */
    private final AckedBitrateEstimator sentBitrate;
    private final LossBasedController lossBased = new LossBasedController();
    private final ProbeBitrateEstimator probeEstimator = new ProbeBitrateEstimator();
    private final ProbeController probeController;
    private final CompetingFlowDetector competingFlows = new CompetingFlowDetector();

    private long targetBps;
    private long rttNs = -1;
    private long lastQueueDelayNs;
    private long lastRttSampleNs;
    private long lastMinRttNs;
    private boolean haveQueueSample;
    private long minRttCurrentWindowNs = Long.MAX_VALUE;
    private long minRttPreviousWindowNs = Long.MAX_VALUE;
    private long minRttWindowStartNs;
    private boolean haveMinRttWindow;
    private boolean mediaStarted;
    private boolean haveFeedback;
    private long lastFeedbackNs;
    private boolean awaitingFeedback;
    private long firstUnansweredSendNs;
    private boolean inTimeout;
    private long bitrateBeforeTimeoutBps;
    private long lastTimeoutBackoffNs;
    private int nextProbeClusterId;
    private long lastProbeResultBps = -1;
    private int lastProbeResultClusterId = -1;
    private int lastRequestedClusterId = -1;
    private long unknownEntries;
    private long duplicateEntries;
    private long lostPackets;
    private long receivedPackets;
    private boolean senderStalled;
    /** The first packet sent after the caller's last stall, until an arrival at or after it is acknowledged; or -1. */
    private long firstSequenceAfterStall = -1;

    private CongestionController(Builder builder) {
        this.minBitrateBps = builder.minBitrateBps;
        this.maxBitrateBps = builder.maxBitrateBps;
        this.startBitrateBps = builder.startBitrateBps;
        this.feedbackTimeoutNs = builder.feedbackTimeoutNs;
        this.history = new SentPacketHistory(builder.historyCapacity);
        this.aimd = new AimdRateControl(startBitrateBps, minBitrateBps, maxBitrateBps);
        this.ackedBitrate = new AckedBitrateEstimator(ACKED_WINDOW_NS, ACKED_SAMPLE_WEIGHT);
        this.smoothAckedBitrate = new AckedBitrateEstimator(SMOOTH_ACKED_WINDOW_NS, SMOOTH_ACKED_SAMPLE_WEIGHT);
        this.sentBitrate = new AckedBitrateEstimator(ACKED_WINDOW_NS, ACKED_SAMPLE_WEIGHT);
        this.probeController = new ProbeController(builder.initialProbing, maxBitrateBps);
        this.targetBps = startBitrateBps;
    }

    /** @return a builder: start 300 kbit/s, min 30 kbit/s, max 20 Mbit/s, probing on */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Records a sent packet. Call it for every packet that carries a transport-wide sequence
     * number (media, retransmissions, padding, probes), when it leaves the pacer.
     *
     * @param transportSequence unwrapped transport-wide sequence number, &gt;= 0
     * @param sizeBytes size on the wire in bytes, &gt; 0
     * @param sendTimeNs when it was sent (sender clock)
     * @param probeClusterId the probe cluster it was sent in ({@link Pacer#lastProbeClusterId()}),
     *     or -1
     */
    public void onPacketSent(long transportSequence, int sizeBytes, long sendTimeNs, int probeClusterId) {
        if (transportSequence < 0) {
            throw new IllegalArgumentException("transportSequence must be >= 0: " + transportSequence);
        }
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("sizeBytes must be > 0: " + sizeBytes);
        }
        if (senderStalled) {
            senderStalled = false;
            firstSequenceAfterStall = transportSequence;
        }
        history.add(transportSequence, sizeBytes, sendTimeNs, probeClusterId);
        sentBitrate.add(sendTimeNs, sizeBytes);
        if (!awaitingFeedback) {
            awaitingFeedback = true;
            firstUnansweredSendNs = sendTimeNs;
        }
        if (!mediaStarted) {
            mediaStarted = true;
            probeController.onStart(startBitrateBps, sendTimeNs);
        }
    }

    /**
     * Processes one feedback batch.
     *
     * @param feedback the entries (not kept after the call)
     * @param nowNs when the feedback arrived (sender clock)
     */
    public void onFeedback(TransportFeedback feedback, long nowNs) {
        if (feedback == null) {
            throw new IllegalArgumentException("feedback must not be null");
        }
        if (feedback.size() == 0) {
            return;
        }
        int received = 0;
        int untimed = 0;
        int lost = 0;
        boolean overuseSeen = false;
        long newestSendNs = 0;
        boolean haveNewest = false;
        long probeResultBps = -1;
        long probeResultTargetBps = 0;
        int probeResultClusterId = -1;
        for (int i = 0; i < feedback.size(); i++) {
            int slot = history.find(feedback.sequence(i));
            if (slot < 0) {
                unknownEntries++;
                continue;
            }
            if (history.isReported(slot)) {
                duplicateEntries++;
                continue;
            }
            history.markReported(slot);
            if (!feedback.isReceived(i)) {
                lost++;
                continue;
            }
            received++;
            if (!feedback.hasReceiveTime(i)) {
                // It arrived (the loss share counts it), between the timed arrivals around it:
                // the acknowledged bitrate averages its bytes over that span; nothing else that
                // needs an arrival time counts it.
                untimed++;
                int size = history.sizeBytes(slot);
                ackedBitrate.addUntimed(size);
                smoothAckedBitrate.addUntimed(size);
                continue;
            }
            long sendNs = history.sendTimeNs(slot);
            long arrivalNs = feedback.receiveTimeNs(i);
            int size = history.sizeBytes(slot);
            if (firstSequenceAfterStall >= 0 && feedback.sequence(i) >= firstSequenceAfterStall) {
                // The arrival gap before it is our own stall, not the path's.
                firstSequenceAfterStall = -1;
                ackedBitrate.skipIdleBefore(arrivalNs);
                smoothAckedBitrate.skipIdleBefore(arrivalNs);
            }
            ackedBitrate.add(arrivalNs, size);
            smoothAckedBitrate.add(arrivalNs, size);
            int clusterId = history.probeClusterId(slot);
            if (clusterId >= 0) {
                long result = probeEstimator.add(clusterId, sendNs, arrivalNs, size);
                if (result > probeResultBps) {
                    probeResultBps = result;
                    probeResultTargetBps = probeEstimator.lastResultTargetBps();
                    probeResultClusterId = clusterId;
                }
            }
            if (!haveNewest || sendNs - newestSendNs > 0) {
                newestSendNs = sendNs;
                haveNewest = true;
            }
            if (interArrival.addPacket(sendNs, arrivalNs, size)) {
                double variationMs = (interArrival.arrivalDeltaNs() - interArrival.sendDeltaNs()) / 1e6;
                trendline.update(variationMs, interArrival.completedArrivalNs());
                BandwidthUsage usage = detector.detect(trendline.modifiedTrend(), interArrival.sendDeltaNs(),
                        interArrival.completedArrivalNs());
                overuseSeen |= usage == BandwidthUsage.OVERUSING;
            }
        }
        receivedPackets += received;
        lostPackets += lost;
        if (received - untimed + lost == 0) {
            // Nothing we knew about, or only arrivals of unknown time: the delay-based side and
            // the feedback timeout learn nothing from them (a stalled receiver or relay explains
            // the silence, not the path); the loss share counts them with the next feedback.
            lossBased.onReported(untimed, 0);
            return;
        }
        haveFeedback = true;
        lastFeedbackNs = nowNs;
        awaitingFeedback = false;
        if (inTimeout) {
            inTimeout = false;
            interArrival.reset();
            // However long the silence lasted, probe back towards the rate before it.
            probeController.onLargeDrop(bitrateBeforeTimeoutBps, nowNs);
        }
        if (haveNewest) {
            long sampleNs = nowNs - newestSendNs;
            onRttSample(sampleNs);
            updateQueueDelayEstimate(sampleNs, nowNs);
        }
        if (probeResultBps > 0) {
            lastProbeResultBps = probeResultBps;
            lastProbeResultClusterId = probeResultClusterId;
        }
        lossBased.onReported(received, lost);
        updateTarget(overuseSeen, probeResultBps, probeResultTargetBps, nowNs);
    }

    private void updateTarget(boolean overuseSeen, long probeResultBps, long probeTargetBps, long nowNs) {
        long previousTargetBps = targetBps;
        // Conservative: the base of a decrease must follow a capacity drop within one window.
        long ackedBps = ackedBitrate.conservativeBitrateBps();
        long smoothAckedBps = smoothAckedBitrate.bitrateBps();
        aimd.setLatestAckedSampleBps(ackedBitrate.latestSampleBps());
        aimd.setSentBitrateBps(sentBitrate.bitrateBps());
        if (probeResultBps > 0) {
            probeController.onProbeResult(probeResultBps, probeTargetBps, nowNs);
            lossBased.onProbeResult(probeResultBps);
        }
        boolean competing = competingFlows.isCompeting();
        if (overuseSeen && !competingFlows.pausesDelayBasedDecreases()) {
            long before = aimd.estimateBps();
            aimd.update(BandwidthUsage.OVERUSING, ackedBps, smoothAckedBps, nowNs);
            if (aimd.estimateBps() < before) {
                competingFlows.onDelayBasedDecrease();
            }
        } else if (competingFlows.isDrainChecking()) {
            // Waiting to see whether our decrease drains the queue: neither cut again nor grow.
            aimd.update(BandwidthUsage.UNDERUSING, ackedBps, smoothAckedBps, nowNs);
        } else if (probeCeiling(probeResultBps, ackedBps) > aimd.estimateBps()) {
            aimd.setEstimate(probeCeiling(probeResultBps, ackedBps), nowNs);
        } else {
            // A hypothesis still reading "overusing" from an earlier feedback is not a new
            // detection: hold rather than decrease again, so one queue build-up costs each flow
            // one decrease (flows sharing a bottleneck then converge to equal shares).
            BandwidthUsage usage = detector.state() == BandwidthUsage.OVERUSING
                    ? (competing ? BandwidthUsage.NORMAL : BandwidthUsage.UNDERUSING) : detector.state();
            aimd.update(usage, ackedBps, smoothAckedBps, nowNs);
        }
        if (haveQueueSample && competingFlows.update(lastRttSampleNs, lastMinRttNs, nowNs)) {
            aimd.update(BandwidthUsage.OVERUSING, ackedBps, smoothAckedBps, nowNs);
        }
        competing = competingFlows.isCompeting();
        long delayBasedBps = aimd.estimateBps();
        // While competing, delay is ignored and loss is the only brake: never excuse it then.
        boolean queueIsShort = !competing && detector.state() != BandwidthUsage.OVERUSING
                && lastQueueDelayNs < SHORT_QUEUE_NS;
        long lossLimitBps = lossBased.update(previousTargetBps, delayBasedBps, nowNs, queueIsShort);
        targetBps = clamp(Math.min(delayBasedBps, lossLimitBps));
        probeController.onTargetChanged(previousTargetBps, targetBps, aimd.isIncreasing(), nowNs);
    }

    /**
     * A probe result lifts the delay-based estimate at most as far as an increase may go (1.5x
     * the acknowledged bitrate) once the link capacity is known: on a shared bottleneck a probe
     * burst gets more than its share of the queue's output for a moment, and taking its result
     * whole left the probing flow at twice its fair share (three flows: min/max 0.41). Initial
     * probing (capacity still unknown) keeps the full result, for a fast ramp-up, and so does a
     * cluster the caller {@linkplain #requestProbeCluster requested}: the caller asked whether
     * the path carries a rate it is about to send (a higher simulcast layer), and with only its
     * lower rate acknowledged the ceiling would hide the answer.
     */
    private long probeCeiling(long probeResultBps, long ackedBps) {
        if (aimd.linkCapacityBps() < 0 || ackedBps <= 0
                || (lastRequestedClusterId >= 0 && lastProbeResultClusterId == lastRequestedClusterId)) {
            return probeResultBps;
        }
        return Math.min(probeResultBps, (long) (1.5 * ackedBps) + 10_000);
    }

    /**
     * The standing queue is the latest feedback RTT above the minimum RTT of the last 10 to 20
     * seconds; it lets a decrease drain a large queue quickly.
     */
    private void updateQueueDelayEstimate(long rttSampleNs, long nowNs) {
        if (!haveMinRttWindow || nowNs - minRttWindowStartNs > MIN_RTT_WINDOW_NS) {
            minRttPreviousWindowNs = haveMinRttWindow ? minRttCurrentWindowNs : Long.MAX_VALUE;
            minRttCurrentWindowNs = Long.MAX_VALUE;
            minRttWindowStartNs = nowNs;
            haveMinRttWindow = true;
        }
        minRttCurrentWindowNs = Math.min(minRttCurrentWindowNs, rttSampleNs);
        long minRttNs = Math.min(minRttCurrentWindowNs, minRttPreviousWindowNs);
        long queueDelayNs = rttSampleNs - minRttNs;
        lastQueueDelayNs = queueDelayNs;
        lastRttSampleNs = rttSampleNs;
        lastMinRttNs = minRttNs;
        // The path's RTT without our queue spaces the loss-based cuts: with a full drop-tail queue
        // the smoothed RTT (340 + 300 ms) let the sender overrun a collapsed uplink for 2 s.
        lossBased.setRttNs(minRttNs);
        haveQueueSample = true;
        aimd.setQueueDelayNs(queueDelayNs);
    }

    /**
     * Tells the controller that the caller's thread did not run for a while (a stall: GC, a busy
     * host) and sent nothing meanwhile. The gap before the next packet it sends is its own: the
     * acknowledged bitrate leaves that gap's receive time out instead of reading the path's rate
     * as the stall's trickle (a 100 ms stall at 5 Mbit/s on a 6 Mbit/s path made one 200 ms window
     * read 2.6 Mbit/s, and the next decrease cut to 0.85 times that).
     */
    public void onSenderStalled() {
        senderStalled = true;
    }

    /**
     * Adds an RTT measured elsewhere (RTCP receiver reports) or from feedback.
     *
     * @param sampleNs a round-trip time in ns; non-positive samples are ignored
     */
    public void onRttSample(long sampleNs) {
        if (sampleNs <= 0) {
            return;
        }
        rttNs = rttNs < 0 ? sampleNs : (long) ((1 - RTT_SMOOTHING) * rttNs + RTT_SMOOTHING * sampleNs);
        aimd.setRttNs(rttNs);
    }

    /**
     * Periodic work: backs the rate off while packets go unanswered for longer than the
     * feedback timeout (the larger of the configured timeout and 4 RTT).
     *
     * @param nowNs the current time (sender clock)
     */
    public void onTick(long nowNs) {
        if (!awaitingFeedback) {
            return;
        }
        long timeoutNs = Math.max(feedbackTimeoutNs, rttNs > 0 ? 4 * rttNs : 0);
        if (nowNs - firstUnansweredSendNs <= timeoutNs) {
            return;
        }
        if (inTimeout && nowNs - lastTimeoutBackoffNs < TIMEOUT_BACKOFF_INTERVAL_NS) {
            return;
        }
        if (!inTimeout) {
            inTimeout = true;
            bitrateBeforeTimeoutBps = targetBps;
        }
        lastTimeoutBackoffNs = nowNs;
        targetBps = clamp((long) (targetBps * TIMEOUT_BACKOFF));
        aimd.setEstimate(targetBps, nowNs);
        lossBased.capAt(Long.MAX_VALUE);
    }

    /**
     * Takes the next probe cluster to send, if one is due.
     *
     * @param out filled with the cluster when one is due
     * @return true if {@code out} was filled
     */
    public boolean pollProbeCluster(ProbeClusterRequest out) {
        if (out == null) {
            throw new IllegalArgumentException("out must not be null");
        }
        if (!probeController.hasPending()) {
            return false;
        }
        long bitrateBps = probeController.takePending();
        int id = nextProbeClusterId++;
        if (nextProbeClusterId < 0) {
            nextProbeClusterId = 0;
        }
        long minBytes = Math.max(1, bitrateBps * MIN_PROBE_DURATION_NS / 8 / 1_000_000_000L);
        out.set(id, bitrateBps, MIN_PROBE_PACKETS, minBytes);
        probeEstimator.register(id, bitrateBps, MIN_PROBE_PACKETS, minBytes);
        return true;
    }

    /**
     * Starts a probe cluster at a rate the caller chooses, at once: for a sender that wants to
     * know whether the path carries a rate it does not send yet (a relay about to move a
     * subscriber up a simulcast layer sends its media plus padding at the next layer's rate).
     * The caller tags every packet of the cluster with {@code out.clusterId()} in
     * {@link #onPacketSent} until it has sent {@code out.minBytes()}; when enough of them are
     * acknowledged, the measured rate lifts the estimate as a probe of the controller's own
     * would, and is readable from {@link #lastProbeResultBps()}. Clusters requested here and
     * those from {@link #pollProbeCluster} share one id sequence; the 8 newest are tracked.
     *
     * @param bitrateBps the rate to send the cluster at, in bit/s, &gt; 0 (capped at the
     *     builder's maximum)
     * @param durationNs how long the cluster lasts at that rate, in ns, &gt; 0: its size is
     *     the rate times this duration
     * @param out filled with the cluster
     */
    public void requestProbeCluster(long bitrateBps, long durationNs, ProbeClusterRequest out) {
        if (bitrateBps <= 0) {
            throw new IllegalArgumentException("bitrateBps must be > 0: " + bitrateBps);
        }
        if (durationNs <= 0) {
            throw new IllegalArgumentException("durationNs must be > 0: " + durationNs);
        }
        if (out == null) {
            throw new IllegalArgumentException("out must not be null");
        }
        long rateBps = Math.min(bitrateBps, maxBitrateBps);
        int id = nextProbeClusterId++;
        if (nextProbeClusterId < 0) {
            nextProbeClusterId = 0;
        }
        long minBytes = Math.max(1, (long) (rateBps / 8.0 * durationNs / 1e9));
        out.set(id, rateBps, MIN_PROBE_PACKETS, minBytes);
        probeEstimator.register(id, rateBps, MIN_PROBE_PACKETS, minBytes);
        lastRequestedClusterId = id;
    }

    /**
     * @return the rate, in bit/s, the newest completed probe cluster measured (the smaller of
     *     its send and receive rates, or 95 % of the receive rate when the path was saturated),
     *     or -1 before any
     */
    public long lastProbeResultBps() {
        return lastProbeResultBps;
    }

    /** @return the id of the cluster behind {@link #lastProbeResultBps()}, or -1 before any */
    public int lastProbeResultClusterId() {
        return lastProbeResultClusterId;
    }

    private long clamp(long bitrateBps) {
        return Math.max(minBitrateBps, Math.min(maxBitrateBps, bitrateBps));
    }

    /** @return the rate the sender should use now, in bit/s (media plus overhead) */
    public long targetBitrateBps() {
        return targetBps;
    }

    /** @return the delay-based estimate in bit/s */
    public long delayBasedEstimateBps() {
        return aimd.estimateBps();
    }

    /**
     * @return the delay-based controller's estimate of the link capacity (the averaged
     *     acknowledged bitrate at past overuses) in bit/s, or -1 while it is unknown and the
     *     rate grows multiplicatively
     */
    public long linkCapacityEstimateBps() {
        return aimd.linkCapacityBps();
    }

    /** @return the loss-based limit in bit/s, or {@link Long#MAX_VALUE} when loss limits nothing */
    public long lossBasedLimitBps() {
        return lossBased.limitBps();
    }

    /** @return the acknowledged bitrate in bit/s, or -1 while unknown */
    public long ackedBitrateBps() {
        return ackedBitrate.bitrateBps();
    }

    /**
     * @return the smoothed RTT in ns, or -1 before the first sample; from feedback it includes
     *     the receiver's feedback delay
     */
    public long rttNs() {
        return rttNs;
    }

    /** @return the loss fraction at the last loss-based update, in [0, 1] */
    public double lossFraction() {
        return lossBased.lastLossFraction();
    }

    /**
     * @return whether the controller believes it shares the bottleneck with a loss-based flow
     *     that keeps the queue long, and so follows loss rather than delay
     */
    public boolean isCompetingWithLossBasedTraffic() {
        return competingFlows.isCompeting();
    }

    /** @return whether feedback has been missing for longer than the timeout */
    public boolean isFeedbackTimedOut() {
        return inTimeout;
    }

    /** @return feedback entries naming packets we never sent or already forgot */
    public long unknownFeedbackEntries() {
        return unknownEntries;
    }

    /** @return feedback entries reported a second time (ignored) */
    public long duplicateFeedbackEntries() {
        return duplicateEntries;
    }

    /** @return packets reported received so far */
    public long reportedReceivedPackets() {
        return receivedPackets;
    }

    /** @return packets reported lost so far */
    public long reportedLostPackets() {
        return lostPackets;
    }

    /** @return the time of the last useful feedback (sender clock), or -1 if none yet */
    public long lastFeedbackTimeNs() {
        return haveFeedback ? lastFeedbackNs : -1;
    }

    /** Builds a {@link CongestionController}. Not thread-safe. */
    public static final class Builder {
        private long startBitrateBps = 300_000L;
        private long minBitrateBps = 30_000L;
        private long maxBitrateBps = 20_000_000L;
        private boolean initialProbing = true;
        private int historyCapacity = 8192;
        private long feedbackTimeoutNs = 1_000_000_000L;

        private Builder() {
        }

        /**
         * @param bitrateBps the first target, in bit/s, &gt; 0, between min and max (default 300 kbit/s)
         * @return this builder
         */
        public Builder startBitrateBps(long bitrateBps) {
            this.startBitrateBps = requirePositive(bitrateBps, "startBitrateBps");
            return this;
        }

        /**
         * @param bitrateBps the lowest target, in bit/s, &gt; 0 (default 30 kbit/s)
         * @return this builder
         */
        public Builder minBitrateBps(long bitrateBps) {
            this.minBitrateBps = requirePositive(bitrateBps, "minBitrateBps");
            return this;
        }

        /**
         * @param bitrateBps the highest target (and probe), in bit/s, &gt; 0 (default 20 Mbit/s)
         * @return this builder
         */
        public Builder maxBitrateBps(long bitrateBps) {
            this.maxBitrateBps = requirePositive(bitrateBps, "maxBitrateBps");
            return this;
        }

        /**
         * @param enabled whether to probe at start and exponentially after (default true)
         * @return this builder
         */
        public Builder initialProbing(boolean enabled) {
            this.initialProbing = enabled;
            return this;
        }

        /**
         * @param packets how many sent packets to remember for feedback; a power of two from 16
         *     to 2^26 (default 8192; must cover a few RTTs of packets; 24 bytes each)
         * @return this builder
         */
        public Builder historyCapacity(int packets) {
            if (packets < 16 || packets > 1 << 26 || Integer.bitCount(packets) != 1) {
                throw new IllegalArgumentException("historyCapacity must be a power of two in [16, 2^26]: " + packets);
            }
            this.historyCapacity = packets;
            return this;
        }

        /**
         * @param timeoutNs how long sent packets may go without feedback before the rate backs
         *     off, in ns, &gt; 0 (default 1 s; the controller uses at least 4 RTT)
         * @return this builder
         */
        public Builder feedbackTimeoutNs(long timeoutNs) {
            this.feedbackTimeoutNs = requirePositive(timeoutNs, "feedbackTimeoutNs");
            return this;
        }

        /** @return a new controller */
        public CongestionController build() {
            if (minBitrateBps > maxBitrateBps) {
                throw new IllegalArgumentException("minBitrateBps must be <= maxBitrateBps: " + minBitrateBps + " > "
                        + maxBitrateBps);
            }
            if (startBitrateBps < minBitrateBps || startBitrateBps > maxBitrateBps) {
                throw new IllegalArgumentException("startBitrateBps must be within [minBitrateBps, maxBitrateBps] = ["
                        + minBitrateBps + ", " + maxBitrateBps + "]: " + startBitrateBps);
            }
            return new CongestionController(this);
        }

        private static long requirePositive(long value, String name) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be > 0: " + value);
            }
            return value;
        }
    }
}
