package io.smoothcast.benchmarks.scenarios;

import io.smoothcast.abr.RenditionLadder;
import io.smoothcast.abr.RenditionSelector;
import io.smoothcast.netsim.FlowContext;
import io.smoothcast.netsim.SimEndpoint;
import io.smoothcast.netsim.SimPacket;

/**
 * The broadcaster of a media flow in the simulation, the same for every controller so that only
 * the rate controller differs between runs:
 * <ul>
 *   <li>an encoder producing {@value #FRAMES_PER_SECOND} frames per second whose size follows the
 *       ABR's encoder bitrate ({@link RenditionSelector}, continuous or per rendition, driven
 *       by the controller's target minus header overhead; the fixed baseline bypasses the ABR),
 *       packetized into packets of at most
 *       {@value #MAX_PAYLOAD_BYTES} bytes plus {@value #OVERHEAD_BYTES} bytes of IP/UDP/RTP
 *       headers;</li>
 *   <li>a pacer sending queued packets at the controller's pacing rate (by default
 *       {@value #PACING_FACTOR} x target, libwebrtc's factor) with at most
 *       {@value #MAX_BURST_MS} ms of accumulated budget, padding when the controller asks to
 *       probe and no media waits, and padding at the rate the ABR asks for (while video is off,
 *       or towards the next rendition with a ladder encoder), so that the controller can see
 *       room for more;</li>
 *   <li>late-frame discard: a frame still queued a playout budget after capture can no longer
 *       be shown, so its packets are dropped from the queue (as an encoder skipping frames under
 *       back-pressure would) and it counts as stalled.</li>
 *   <li>retransmission on NACK ({@link NackingReceiver}): a NACKed media packet whose frame can
 *       still make the playout budget is sent again, with a new sequence number, ahead of new
 *       media (a frame already discarded or too old is not repaired).</li>
 * </ul>
 * Pauses (RFC 8867 5.8) stop frame production; the controller keeps running.
 *
 * <p>Single-threaded (the simulator's thread).
 */
final class MediaSender implements SimEndpoint {

    static final int FRAMES_PER_SECOND = 30;
    static final int MAX_PAYLOAD_BYTES = 1200;
    /** IPv4 20 + UDP 8 + RTP 12 + header extensions (transport-wide sequence, abs-send-time) 8. */
    static final int OVERHEAD_BYTES = 48;
    static final double PACING_FACTOR = 2.5;
    static final long MAX_BURST_MS = 5;
    static final int PADDING_BYTES = 1000;
    static final long TICK_NS = 5_000_000L;
    static final long FRAME_INTERVAL_NS = 1_000_000_000L / FRAMES_PER_SECOND;
    /** Sizes of the most recent sent packets, by sequence number, for retransmissions. */
    private static final int SENT_SIZE_HISTORY = 8192;

    private final RateController controller;
    private final RenditionSelector selector;
    private final RenditionLadder ladder;
    private final FrameLedger ledger;
    private final FlowSpec spec;
    private final long budgetNs;

    private FlowContext context;
    private long startNs;
    private long nextFrameNs;
    private long nextSendNs;
    private long nextPaddingNs;
    private long nextSequence;
    /** FIFO of queued packets: frame id and size, as a ring. */
    private int[] queueFrame = new int[256];
    private int[] queueSize = new int[256];
    private int queueHead;
    private int queueCount;
    private final int[] sentSize = new int[SENT_SIZE_HISTORY];
    /** Retransmissions waiting, served before new media: frame id and size, as a ring. */
    private final int[] rtxFrame = new int[256];
    private final int[] rtxSize = new int[256];
    private int rtxHead;
    private int rtxCount;
    private long retransmissions;

    /**
     * @param selector the ABR, or null to send the controller's target unchanged (fixed baseline)
     */
    MediaSender(RateController controller, RenditionSelector selector, RenditionLadder ladder,
            FrameLedger ledger, FlowSpec spec, long budgetNs) {
        this.controller = controller;
        this.selector = selector;
        this.ladder = ladder;
        this.ledger = ledger;
        this.spec = spec;
        this.budgetNs = budgetNs;
    }

    @Override
    public void onStart(FlowContext context, long nowNs) {
        this.context = context;
        this.startNs = nowNs;
        this.nextFrameNs = nowNs;
        this.nextSendNs = nowNs;
        this.nextPaddingNs = nowNs;
        context.setTimerNs(nowNs);
    }

    @Override
    public void onPacket(SimPacket packet, long nowNs) {
        if (packet.payload() instanceof NackMessage nack) {
            onNack(nack, nowNs);
        } else {
            controller.onFeedback(packet.payload(), nowNs);
        }
    }

    /** Queues a retransmission of every NACKed media packet whose frame can still be shown. */
    void onNack(NackMessage nack, long nowNs) {
        for (long sequence : nack.sequences()) {
            int frame = ledger.frameOfSequence(sequence);
            if (frame < 0 || ledger.isDiscarded(frame) || nextSequence - sequence > SENT_SIZE_HISTORY
                    || nowNs - ledger.captureNs(frame) > budgetNs || rtxCount == rtxFrame.length) {
                continue; // padding, hopeless, or too old to still be shown
            }
            int tail = (rtxHead + rtxCount) % rtxFrame.length;
            rtxFrame[tail] = frame;
            rtxSize[tail] = sentSize[(int) (sequence % SENT_SIZE_HISTORY)];
            rtxCount++;
        }
        context.setTimerNs(Math.max(nextSendNs, nowNs));
    }

    @Override
    public void onTimer(long nowNs) {
        controller.onTick(nowNs);
        while (nextFrameNs - nowNs <= 0) {
            if (!spec.pausedAt(nextFrameNs / 1e9)) {
                encodeFrame(nextFrameNs);
            }
            nextFrameNs += FRAME_INTERVAL_NS;
        }
        discardLateFrames(nowNs);
        sendDue(nowNs);
        long wake = Math.min(nextFrameNs, nowNs + TICK_NS);
        if (queueCount > 0 || rtxCount > 0 || controller.probeBitrateBps(nowNs) > 0) {
            wake = Math.min(wake, Math.max(nextSendNs, nowNs + 1));
        } else if (abrPaddingBps() > 0) {
            wake = Math.min(wake, Math.max(nextPaddingNs, nowNs + 1));
        }
        context.setTimerNs(wake);
    }

    private void encodeFrame(long captureNs) {
        long target = controller.targetBitrateBps();
        long bitrateBps;
        int renditionIndex;
        if (selector != null) {
            // Controllers estimate the rate on the wire; the encoder gets what is left after
            // the per-packet headers.
            long mediaTarget = target * MAX_PAYLOAD_BYTES / (MAX_PAYLOAD_BYTES + OVERHEAD_BYTES);
            selector.update(mediaTarget, captureNs);
            bitrateBps = selector.encoderBitrateBps();
            renditionIndex = selector.currentIndex();
        } else {
            bitrateBps = target;
            renditionIndex = ladder.highestVideoIndexAtOrBelow(target);
        }
        long frameBytes = Math.max(1, bitrateBps / 8 / FRAMES_PER_SECOND);
        int packets = (int) ((frameBytes + MAX_PAYLOAD_BYTES - 1) / MAX_PAYLOAD_BYTES);
        int frame = ledger.newFrame(captureNs, packets, bitrateBps, renditionIndex);
        long remaining = frameBytes;
        for (int i = 0; i < packets; i++) {
            int payload = (int) (remaining / (packets - i));
            remaining -= payload;
            enqueue(frame, payload + OVERHEAD_BYTES);
        }
    }

    private void discardLateFrames(long nowNs) {
        while (queueCount > 0) {
            int frame = queueFrame[queueHead];
            if (nowNs - ledger.captureNs(frame) <= budgetNs) {
                return;
            }
            ledger.onDiscarded(frame);
            while (queueCount > 0 && queueFrame[queueHead] == frame) {
                dequeue();
            }
        }
    }

    /**
     * Sends what the budgets allow: queued media at the pacing rate, or at the probe rate while
     * the controller probes (media first, padding when no media waits), as libwebrtc's pacer
     * does. Recovery padding has its own budget, so that a slow padding rate never delays media.
     */
    private void sendDue(long nowNs) {
        long maxBurstNs = MAX_BURST_MS * 1_000_000L;
        if (nowNs - nextSendNs > maxBurstNs) {
            nextSendNs = nowNs - maxBurstNs;
        }
        if (nowNs - nextPaddingNs > maxBurstNs) {
            nextPaddingNs = nowNs - maxBurstNs;
        }
        long paddingBps = abrPaddingBps();
        if (paddingBps > 0) {
            // The gap after a padding packet was set at the padding rate of that moment; a rate
            // that was tiny then (a target just above the encoder's bitrate) must not keep
            // padding off for seconds after the ABR asks for more.
            nextPaddingNs = Math.min(nextPaddingNs, nowNs + transmitNs(PADDING_BYTES, paddingBps));
        }
        while (true) {
            long probeBps = controller.probeBitrateBps(nowNs);
            boolean probing = probeBps > 0;
            boolean mediaDue = nextSendNs - nowNs <= 0;
            if (rtxCount > 0 && mediaDue) {
                int frame = rtxFrame[rtxHead];
                int size = rtxSize[rtxHead];
                rtxHead = (rtxHead + 1) % rtxFrame.length;
                rtxCount--;
                if (ledger.isDiscarded(frame) || nowNs - ledger.captureNs(frame) > budgetNs) {
                    continue;
                }
                retransmissions++;
                transmit(frame, size, probing, nowNs);
                nextSendNs += transmitNs(size, Math.max(controller.pacingBitrateBps(), probeBps));
            } else if (queueCount > 0 && mediaDue) {
                int frame = queueFrame[queueHead];
                int size = queueSize[queueHead];
                dequeue();
                transmit(frame, size, probing, nowNs);
                nextSendNs += transmitNs(size, Math.max(controller.pacingBitrateBps(), probeBps));
            } else if (queueCount == 0 && probing && mediaDue) {
                transmit(-1, PADDING_BYTES, true, nowNs);
                nextSendNs += transmitNs(PADDING_BYTES, probeBps);
            } else if (queueCount == 0 && !probing && abrPaddingBps() > 0
                    && nextPaddingNs - nowNs <= 0) {
                transmit(-1, PADDING_BYTES, false, nowNs);
                nextPaddingNs += transmitNs(PADDING_BYTES, abrPaddingBps());
            } else {
                return;
            }
        }
    }

    private static long transmitNs(int sizeBytes, long rateBps) {
        return sizeBytes * 8L * 1_000_000_000L / Math.max(1, rateBps);
    }

    /** Padding the ABR asks for (see RenditionSelector#paddingBitrateBps). */
    private long abrPaddingBps() {
        return selector == null ? 0 : selector.paddingBitrateBps();
    }

    private void transmit(int frame, int sizeBytes, boolean probe, long nowNs) {
        long sequence = nextSequence++;
        ledger.onSent(sequence, frame);
        sentSize[(int) (sequence % SENT_SIZE_HISTORY)] = sizeBytes;
        controller.onPacketSent(sequence, sizeBytes, probe, nowNs);
        context.send(sequence, sizeBytes, null);
    }

    private void enqueue(int frame, int sizeBytes) {
        if (queueCount == queueFrame.length) {
            int[] frames = new int[queueCount * 2];
            int[] sizes = new int[queueCount * 2];
            for (int i = 0; i < queueCount; i++) {
                frames[i] = queueFrame[(queueHead + i) % queueCount];
                sizes[i] = queueSize[(queueHead + i) % queueCount];
            }
            queueFrame = frames;
            queueSize = sizes;
            queueHead = 0;
        }
        int tail = (queueHead + queueCount) % queueFrame.length;
        queueFrame[tail] = frame;
        queueSize[tail] = sizeBytes;
        queueCount++;
    }

    private void dequeue() {
        queueHead = (queueHead + 1) % queueFrame.length;
        queueCount--;
    }

    /** Returns the controller's current target, for charts. */
    long targetBitrateBps() {
        return controller.targetBitrateBps();
    }

    /** Returns how many media packets were sent again after a NACK. */
    long retransmissions() {
        return retransmissions;
    }

    /** Returns how many times the ABR changed rendition (0 without ABR). */
    long renditionSwitches() {
        return selector == null ? 0 : selector.switchCount();
    }

    long startNs() {
        return startNs;
    }
}
