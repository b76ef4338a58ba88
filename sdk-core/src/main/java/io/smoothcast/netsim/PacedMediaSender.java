package io.smoothcast.netsim;

import io.smoothcast.cc.CongestionController;
import io.smoothcast.cc.Pacer;
import io.smoothcast.cc.PacketPriority;
import io.smoothcast.cc.ProbeClusterRequest;
import io.smoothcast.cc.TransportFeedback;
import java.util.Objects;

/**
 * A simulated broadcaster driven by our {@link CongestionController} and {@link Pacer}: a video
 * encoder model emits a frame every {@code 1/fps} seconds whose size follows the encoder bitrate
 * (by default the controller's target; an {@link EncoderRate} hook can put ABR in between or cap
 * the rate to model an application-limited source), cut into packets of at most
 * {@code maxPacketBytes}; optional audio packets every 20 ms. Packets leave through the pacer
 * with transport-wide sequence numbers; {@link ArrivalReport}s coming back are turned into a
 * {@link TransportFeedback} for the controller. Pair it with an {@link ArrivalFeedbackReceiver}.
 *
 * <p>Thread-safety: not thread-safe; runs on the simulator's thread.
 */
public final class PacedMediaSender implements SimEndpoint {

    /** Maps the controller's target to the bitrate the encoder produces now. */
    @FunctionalInterface
    public interface EncoderRate {
        /**
         * @param targetBitrateBps the controller's target in bit/s
         * @param nowNs virtual time
         * @return the encoder's bitrate in bit/s, &gt;= 0 (0 produces no video)
         */
        long encoderBitrateBps(long targetBitrateBps, long nowNs);
    }

    private static final long TICK_NS = 25_000_000L;
    private static final long AUDIO_INTERVAL_NS = 20_000_000L;
    private static final int AUDIO_PACKET_BYTES = 120;

    private final CongestionController controller;
    private final Pacer pacer;
    private final EncoderRate encoderRate;
    private final long frameIntervalNs;
    private final int maxPacketBytes;
    private final boolean audio;
    private final TransportFeedback feedback = new TransportFeedback(ArrivalFeedbackReceiver.MAX_PACKETS_PER_REPORT);
    private final ProbeClusterRequest probe = new ProbeClusterRequest();

    private FlowContext context;
    private long nextSequence;
    /** Packet handles for the pacer; the simulation needs no packet bytes, so a counter will do. */
    private long handleCounter;
    private long nextFrameNs;
    private long nextAudioNs;
    private long nextTickNs;
    private boolean paused;
    private double frameBytesCarry;
    private long lastEncoderBitrateBps;
    private long sentMediaBytes;
    private long sentPaddingBytes;

    /**
     * @param controller the controller under test (fresh)
     * @param pacer the pacer (fresh)
     * @param encoderRate maps target to encoder bitrate; {@code (target, now) -> target} for a
     *     source that follows the controller exactly
     * @param framesPerSecond video frame rate, 1 to 240
     * @param maxPacketBytes largest packet on the wire, 200 to 1500
     * @param audio whether to add a 48 kbit/s audio stream
     */
    public PacedMediaSender(CongestionController controller, Pacer pacer, EncoderRate encoderRate,
            int framesPerSecond, int maxPacketBytes, boolean audio) {
        this.controller = Objects.requireNonNull(controller, "controller");
        this.pacer = Objects.requireNonNull(pacer, "pacer");
        this.encoderRate = Objects.requireNonNull(encoderRate, "encoderRate");
        if (framesPerSecond < 1 || framesPerSecond > 240) {
            throw new IllegalArgumentException("framesPerSecond must be in [1, 240]: " + framesPerSecond);
        }
        if (maxPacketBytes < 200 || maxPacketBytes > 1500) {
            throw new IllegalArgumentException("maxPacketBytes must be in [200, 1500]: " + maxPacketBytes);
        }
        this.frameIntervalNs = 1_000_000_000L / framesPerSecond;
        this.maxPacketBytes = maxPacketBytes;
        this.audio = audio;
    }

    /**
     * A sender with default controller and pacer, 30 fps video of 1200-byte packets, no audio,
     * following the target exactly.
     *
     * @param startBitrateBps the controller's start bitrate
     * @return the sender
     */
    public static PacedMediaSender withDefaults(long startBitrateBps) {
        CongestionController controller = CongestionController.builder().startBitrateBps(startBitrateBps).build();
        Pacer pacer = Pacer.builder().initialTargetBitrateBps(startBitrateBps).build();
        return new PacedMediaSender(controller, pacer, (target, now) -> target, 30, 1200, false);
    }

    @Override
    public void onStart(FlowContext context, long nowNs) {
        this.context = context;
        // A random frame phase: senders started together must not have their frames arrive at the
        // bottleneck in the same instant in the same order every time (a simulation artefact that
        // always queues one flow's frames behind another's).
        nextFrameNs = nowNs + context.random().nextLong(frameIntervalNs);
        nextAudioNs = nowNs + context.random().nextLong(AUDIO_INTERVAL_NS);
        nextTickNs = nowNs + TICK_NS;
        onTimer(nowNs);
    }

    @Override
    public void onTimer(long nowNs) {
        if (nowNs - nextTickNs >= 0) {
            controller.onTick(nowNs);
            applyController(nowNs);
            nextTickNs = nowNs + TICK_NS;
        }
        if (nowNs - nextFrameNs >= 0) {
            if (!paused) {
                produceFrame(nowNs);
            }
            nextFrameNs += frameIntervalNs;
        }
        if (audio && nowNs - nextAudioNs >= 0) {
            if (!paused) {
                pacer.enqueue(PacketPriority.AUDIO, nextHandle(), AUDIO_PACKET_BYTES, nowNs);
            }
            nextAudioNs += AUDIO_INTERVAL_NS;
        }
        sendDue(nowNs);
        rearm(nowNs);
    }

    /** Sets the timer to the earliest of the next tick, frame, audio packet and pacer send. */
    private void rearm(long nowNs) {
        long wake = Math.min(nextTickNs, nextFrameNs);
        if (audio) {
            wake = Math.min(wake, nextAudioNs);
        }
        long pacerNs = pacer.nextSendTimeNs(nowNs);
        if (pacerNs != Long.MAX_VALUE) {
            wake = Math.min(wake, Math.max(pacerNs, nowNs + 1));
        }
        context.setTimerNs(wake);
    }

    private long nextHandle() {
        return handleCounter++;
    }

    private void produceFrame(long nowNs) {
        long bitrateBps = Math.max(0, encoderRate.encoderBitrateBps(controller.targetBitrateBps(), nowNs));
        lastEncoderBitrateBps = bitrateBps;
        frameBytesCarry += bitrateBps / 8.0 * frameIntervalNs / 1e9;
        int frameBytes = (int) Math.min(frameBytesCarry, 4_000_000);
        frameBytesCarry -= frameBytes;
        while (frameBytes > 0) {
            int size = Math.min(frameBytes, maxPacketBytes);
            if (size < 50 && frameBytes == size) {
                frameBytesCarry += size; // too small to be a packet: carry to the next frame
                break;
            }
            if (!pacer.enqueue(PacketPriority.VIDEO, nextHandle(), size, nowNs)) {
                break; // pacer full: the encoder drops the rest of this frame
            }
            frameBytes -= size;
        }
    }

    private void sendDue(long nowNs) {
        while (true) {
            long handle = pacer.poll(nowNs);
            if (handle == Pacer.NO_PACKET) {
                return;
            }
            int size = pacer.lastSizeBytes();
            long sequence = nextSequence++;
            controller.onPacketSent(sequence, size, nowNs, pacer.lastProbeClusterId());
            if (handle == Pacer.PADDING) {
                sentPaddingBytes += size;
            } else {
                sentMediaBytes += size;
            }
            context.send(sequence, size, null);
        }
    }

    @Override
    public void onPacket(SimPacket packet, long nowNs) {
        if (!(packet.payload() instanceof ArrivalReport)) {
            return;
        }
        ArrivalReport report = (ArrivalReport) packet.payload();
        report.copyTo(feedback);
        controller.onFeedback(feedback, nowNs);
        applyController(nowNs);
        sendDue(nowNs);
        rearm(nowNs);
    }

    private void applyController(long nowNs) {
        pacer.setTargetBitrateBps(controller.targetBitrateBps());
        while (controller.pollProbeCluster(probe)) {
            pacer.startProbeCluster(probe, nowNs);
        }
    }

    /**
     * Pauses or resumes the media (RFC 8867 section 5.8); the controller keeps running.
     *
     * @param paused true to stop producing frames and audio
     */
    public void setPaused(boolean paused) {
        this.paused = paused;
    }

    /** @return the controller */
    public CongestionController controller() {
        return controller;
    }

    /** @return the pacer */
    public Pacer pacer() {
        return pacer;
    }

    /** @return the encoder bitrate used for the last frame, in bit/s */
    public long lastEncoderBitrateBps() {
        return lastEncoderBitrateBps;
    }

    /** @return media bytes sent so far */
    public long sentMediaBytes() {
        return sentMediaBytes;
    }

    /** @return padding bytes sent so far (probes without media) */
    public long sentPaddingBytes() {
        return sentPaddingBytes;
    }
}
