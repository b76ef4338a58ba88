package io.smoothcast.benchmarks.scenarios;

import io.smoothcast.netsim.FlowContext;
import io.smoothcast.netsim.SimEndpoint;
import io.smoothcast.netsim.SimPacket;
import org.jitsi.impl.neomedia.rtp.remotebitrateestimator.VirtualClockAbsSendTimeEstimator;

/**
 * The receiving end of the outside reference: libjitsi's abs-send-time remote bitrate estimator
 * (the receive-side delay-based estimator of legacy GCC, through
 * {@link VirtualClockAbsSendTimeEstimator} so that it runs in virtual time), fed with each
 * packet's arrival time and its abs-send-time (the 24-bit 6.18 fixed-point send time that the
 * RTP header extension carries). It sends its estimate back as REMB the way libwebrtc's
 * receivers did: at least once a second, and at once when the estimate falls by more than 3%.
 *
 * <p>The estimator is given the flow's propagation RTT once (a REMB receiver learns RTT from
 * RTCP; the base RTT is the fair stand-in here).
 */
final class JitsiRembReceiver implements SimEndpoint {

    static final long CHECK_INTERVAL_NS = 100_000_000L;
    static final long REMB_INTERVAL_NS = 1_000_000_000L;
    static final double DECREASE_TRIGGER = 0.97;
    /** REMB in RTCP: 20 bytes of RTCP plus IP/UDP headers. */
    static final int REMB_PACKET_BYTES = 48;
    /** Keeps the estimator's millisecond timestamps clear of its -1 "unset" sentinels. */
    private static final long TIME_OFFSET_MS = 1_000_000L;

    private final VirtualClockAbsSendTimeEstimator estimator = new VirtualClockAbsSendTimeEstimator();
    private final long rttMs;
    private FlowContext context;
    private long lastSentBps = -1;
    private long lastSentNs;
    private long rembSequence;

    JitsiRembReceiver(long rttMs) {
        this.rttMs = rttMs;
    }

    @Override
    public void onStart(FlowContext context, long nowNs) {
        this.context = context;
        estimator.onRttUpdate(rttMs);
        context.setTimerNs(nowNs + CHECK_INTERVAL_NS);
    }

    @Override
    public void onPacket(SimPacket packet, long nowNs) {
        long arrivalMs = nowNs / 1_000_000L + TIME_OFFSET_MS;
        estimator.onPacket(arrivalMs, absSendTime24(packet.sendTimeNs()), packet.sizeBytes());
    }

    @Override
    public void onTimer(long nowNs) {
        long estimateBps = estimator.latestEstimateBps();
        if (estimateBps > 0) {
            boolean due = lastSentBps < 0 || nowNs - lastSentNs >= REMB_INTERVAL_NS
                    || estimateBps < lastSentBps * DECREASE_TRIGGER;
            if (due) {
                context.send(rembSequence++, REMB_PACKET_BYTES, new RembMessage(estimateBps));
                lastSentBps = estimateBps;
                lastSentNs = nowNs;
            }
        }
        context.setTimerNs(nowNs + CHECK_INTERVAL_NS);
    }

    /** The abs-send-time header value: seconds in 6.18 fixed point, modulo 64 s. */
    static long absSendTime24(long sendTimeNs) {
        long timeNs = sendTimeNs + TIME_OFFSET_MS * 1_000_000L;
        return ((timeNs << 18) / 1_000_000_000L) & 0xFF_FFFFL;
    }
}
