package io.smoothcast.samples.internal;

import io.smoothcast.payload.AccessUnitSplitter;
import io.smoothcast.payload.H264Keyframes;
import io.smoothcast.payload.KeyframeKind;
import io.smoothcast.payload.OpusPacketizer;
import io.smoothcast.rtp.ParseStatus;
import io.smoothcast.rtp.RtpPacketView;
import io.smoothcast.transport.Broadcaster;
import io.smoothcast.transport.BroadcasterListener;
import io.smoothcast.transport.ConnectionState;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Real media for a {@link Broadcaster} built with audio: an {@code ffmpeg} child process encodes a
 * test pattern (or a file) to H.264 in real time and writes an Annex-B stream to its standard
 * output, each access unit becoming one video frame; the same process encodes a 440 Hz test tone
 * to Opus ({@value #AUDIO_BITRATE_BPS} bps, 20 ms packets) and sends it as RTP to a loopback
 * socket of this source, where each Opus packet is checked and payloaded by the SDK's
 * {@link OpusPacketizer} (RFC 7587) and sent as one audio frame.
 *
 * <p>The encoder follows the congestion controller's target: audio plus video stay within
 * {@link #videoBitrateBps its share} of the target. When the target moves by more than a quarter
 * from the encoder's (a rendition change), the encoder is restarted at the new bitrate, at most
 * once every two seconds, and begins with a keyframe.
 *
 * <p>Thread-safe: register it as the broadcaster's listener; it reads ffmpeg's output on its own
 * thread.
 */
public final class FfmpegSource implements BroadcasterListener, AutoCloseable {

    private static final double TARGET_SHARE = 0.8;
    private static final double RENDITION_STEP = 0.25;
    private static final long MIN_RESTART_INTERVAL_NS = TimeUnit.SECONDS.toNanos(2);
    private static final long MAX_TIMESTAMP_LAG_NS = TimeUnit.MILLISECONDS.toNanos(200);
    /** The Opus encoder's bitrate, bits per second: constant, taken out of the video's share. */
    public static final long AUDIO_BITRATE_BPS = 32_000;
    /** Lowest video bitrate the encoder is given, bits per second. */
    public static final long MIN_VIDEO_BITRATE_BPS = 50_000;
    private static final int AUDIO_PAYLOAD_TYPE = 111;
    private static final int OPUS_CLOCK_RATE_HZ = 48_000;

    private final String ffmpeg;
    private final String input;
    private final int framesPerSecond;
    private final long maxBitrateBps;
    private volatile long targetBitrateBps;
    private volatile ConnectionState state = ConnectionState.NEW;
    private volatile boolean running;
    private volatile boolean restartRequested;
    private volatile long framesQueued;
    private volatile long audioFramesQueued;
    private volatile long audioDropped;
    private volatile int encoderStarts;
    private volatile long encoderBitrateBps;
    private volatile String failure;
    private Thread thread;
    private Thread audioThread;
    private DatagramSocket audioSocket;
    /** Capture time of the last access unit sent; only the reading thread touches it. */
    private long lastCaptureNs = Long.MIN_VALUE;
    /** Capture time of the last Opus packet sent; only the audio thread touches it. */
    private long lastAudioCaptureNs = Long.MIN_VALUE;

    /**
     * @param ffmpeg the ffmpeg executable
     * @param input a file to encode, or {@code null} for ffmpeg's {@code testsrc2} pattern
     * @param framesPerSecond frame rate of the test pattern
     * @param startBitrateBps first encoder bitrate, bits per second
     * @param maxBitrateBps highest encoder bitrate, bits per second
     */
    public FfmpegSource(String ffmpeg, String input, int framesPerSecond, long startBitrateBps, long maxBitrateBps) {
        this.ffmpeg = ffmpeg;
        this.input = input;
        this.framesPerSecond = framesPerSecond;
        this.targetBitrateBps = startBitrateBps;
        this.maxBitrateBps = maxBitrateBps;
    }

    /**
     * The video encoder's share of a target: the encoder aims at 80 % of the target (headroom for
     * packet headers and retransmissions), less the audio bitrate, but never below
     * {@link #MIN_VIDEO_BITRATE_BPS}. Audio plus video stay within the target for any target of at
     * least 100 kbps (the lowest the samples let a broadcaster go).
     *
     * @param targetBitrateBps the congestion controller's target (already capped), bits per second
     * @return the video encoder's bitrate, bits per second
     */
    public static long videoBitrateBps(long targetBitrateBps) {
        return Math.max(MIN_VIDEO_BITRATE_BPS, (long) (targetBitrateBps * TARGET_SHARE) - AUDIO_BITRATE_BPS);
    }

    /**
     * The ffmpeg command line for one encoder run: Opus audio as RTP to {@code audioPort} on
     * loopback, H.264 video as Annex-B on standard output.
     *
     * @param videoBitrateBps the video encoder's bitrate, bits per second
     * @param audioPort the loopback UDP port the Opus RTP goes to
     * @return the command and its arguments
     */
    public List<String> command(long videoBitrateBps, int audioPort) {
        long kbps = Math.max(50, videoBitrateBps / 1000);
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-re"));
        if (input == null) {
            cmd.addAll(List.of("-f", "lavfi", "-i", String.format(Locale.ROOT, "testsrc2=size=640x360:rate=%d", framesPerSecond)));
        } else {
            cmd.addAll(List.of("-stream_loop", "-1", "-i", input));
        }
        cmd.addAll(List.of("-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=" + OPUS_CLOCK_RATE_HZ));
        cmd.addAll(List.of("-map", "1:a:0", "-c:a", "libopus", "-b:a", AUDIO_BITRATE_BPS / 1000 + "k",
                "-application", "lowdelay", "-frame_duration", "20", "-f", "rtp", "-payload_type",
                String.valueOf(AUDIO_PAYLOAD_TYPE), "rtp://127.0.0.1:" + audioPort));
        cmd.addAll(List.of("-map", "0:v:0", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
                "-profile:v", "baseline", "-pix_fmt", "yuv420p", "-g", String.valueOf(2 * framesPerSecond),
                "-b:v", kbps + "k", "-maxrate", kbps + "k", "-bufsize", Math.max(50, kbps / 2) + "k",
                "-x264-params", "aud=1:repeat-headers=1", "-f", "h264", "-"));
        return cmd;
    }

    /**
     * Starts encoding for {@code broadcaster} (whose listener is this source).
     *
     * @param broadcaster a started broadcaster
     */
    public synchronized void start(Broadcaster broadcaster) {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        try {
            audioSocket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            audioSocket.setSoTimeout(200); // wake up to notice close()
        } catch (SocketException e) {
            failure = "cannot open the audio socket: " + e.getMessage();
            return;
        }
        running = true;
        audioThread = new Thread(() -> receiveAudio(broadcaster), "ffmpeg-audio");
        audioThread.setDaemon(true);
        audioThread.start();
        thread = new Thread(() -> run(broadcaster), "ffmpeg-source");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Reads ffmpeg's Opus RTP: each packet of the expected payload type whose payload is a
     * well-formed Opus packet goes out as one audio frame; anything else is dropped and counted.
     */
    private void receiveAudio(Broadcaster broadcaster) {
        byte[] datagram = new byte[1500];
        byte[] payload = new byte[1500];
        DatagramPacket packet = new DatagramPacket(datagram, datagram.length);
        RtpPacketView rtp = new RtpPacketView();
        OpusPacketizer packetizer = new OpusPacketizer(payload.length);
        while (running) {
            try {
                packet.setLength(datagram.length);
                audioSocket.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return; // closed
            }
            if (rtp.wrap(datagram, 0, packet.getLength()) != ParseStatus.OK
                    || rtp.payloadType() != AUDIO_PAYLOAD_TYPE || rtp.payloadLength() == 0) {
                audioDropped++;
                continue;
            }
            int n = packetizer.packetize(datagram, rtp.payloadOffset(), rtp.payloadLength(), payload, 0);
            if (n <= 0) {
                audioDropped++;
                continue;
            }
            long durationNs = packetizer.lastPacketSamples() * 1_000_000_000L / OPUS_CLOCK_RATE_HZ;
            long captureNs = audioCaptureTimeNs(durationNs);
            if (state == ConnectionState.CONNECTED && broadcaster.sendAudio(payload, 0, n, captureNs)) {
                audioFramesQueued++;
            }
        }
    }

    /** As {@link #captureTimeNs}, for audio: steps of one packet's duration, snapping after a gap. */
    private long audioCaptureTimeNs(long durationNs) {
        long now = System.nanoTime();
        long next = lastAudioCaptureNs + durationNs;
        lastAudioCaptureNs = lastAudioCaptureNs == Long.MIN_VALUE || Math.abs(now - next) > MAX_TIMESTAMP_LAG_NS
                ? now : next;
        return lastAudioCaptureNs;
    }

    private void run(Broadcaster broadcaster) {
        long lastStartNs = System.nanoTime() - MIN_RESTART_INTERVAL_NS;
        while (running) {
            long now = System.nanoTime();
            if (now - lastStartNs < MIN_RESTART_INTERVAL_NS) {
                java.util.concurrent.locks.LockSupport.parkNanos(MIN_RESTART_INTERVAL_NS - (now - lastStartNs));
                continue;
            }
            lastStartNs = now;
            long bitrate = videoBitrateBps(Math.min(targetBitrateBps, maxBitrateBps));
            encoderBitrateBps = bitrate;
            restartRequested = false;
            Process process;
            try {
                process = new ProcessBuilder(command(bitrate, audioSocket.getLocalPort()))
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            } catch (IOException e) {
                failure = "cannot start " + ffmpeg + ": " + e.getMessage();
                return;
            }
            encoderStarts++;
            try (InputStream in = process.getInputStream()) {
                pump(in, broadcaster);
            } catch (IOException e) {
                // the encoder went away (restart or exit): start a new one if still running
            } finally {
                process.destroy();
                try {
                    process.waitFor(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    process.destroyForcibly();
                    return;
                }
            }
        }
    }

    /** Reads the Annex-B stream, cuts access units and sends them until a restart is due. */
    private void pump(InputStream in, Broadcaster broadcaster) throws IOException {
        AccessUnitSplitter splitter = AccessUnitSplitter.forH264();
        byte[] buffer = new byte[4 * 1024 * 1024];
        int filled = 0;
        int start = 0;
        long frameIntervalNs = TimeUnit.SECONDS.toNanos(1) / framesPerSecond;
        boolean waitingForKeyframe = true;
        while (running && !restartRequested) {
            if (filled == buffer.length) {
                if (start == 0) {
                    throw new IOException("access unit larger than " + buffer.length + " bytes");
                }
                System.arraycopy(buffer, start, buffer, 0, filled - start);
                filled -= start;
                start = 0;
            }
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                return;
            }
            filled += n;
            int end;
            while ((end = splitter.findAccessUnitEnd(buffer, start, filled - start)) >= 0) {
                int length = end - start;
                boolean keyframe = H264Keyframes.classifyAccessUnit(buffer, start, length) != KeyframeKind.NONE;
                // A viewer can only decode from a keyframe on: until the node has accepted the
                // stream and a keyframe has gone out, access units are not sent.
                if (state != ConnectionState.CONNECTED) {
                    waitingForKeyframe = true;
                } else {
                    waitingForKeyframe &= !keyframe;
                    if (!waitingForKeyframe
                            && broadcaster.sendVideo(buffer, start, length, captureTimeNs(frameIntervalNs), keyframe)) {
                        framesQueued++;
                    }
                }
                start = end;
            }
        }
    }

    /**
     * Capture times advance by exactly one frame interval (smooth RTP timestamps) while the
     * encoder keeps up, and snap to the present after a gap (an encoder restart), so they never
     * go backwards across restarts.
     */
    private long captureTimeNs(long frameIntervalNs) {
        long now = System.nanoTime();
        long next = lastCaptureNs + frameIntervalNs;
        lastCaptureNs = lastCaptureNs == Long.MIN_VALUE || now - next > MAX_TIMESTAMP_LAG_NS ? now : next;
        return lastCaptureNs;
    }

    /** @return access units the broadcaster accepted so far */
    public long framesQueued() {
        return framesQueued;
    }

    /** @return Opus packets the broadcaster accepted so far */
    public long audioFramesQueued() {
        return audioFramesQueued;
    }

    /** @return datagrams on the audio socket that were not well-formed Opus RTP from ffmpeg */
    public long audioDropped() {
        return audioDropped;
    }

    /** @return why the encoder could not be started, or {@code null} while all is well */
    public String failure() {
        return failure;
    }

    /** @return how many times the encoder was started (1 + rendition changes) */
    public int encoderStarts() {
        return encoderStarts;
    }

    /** @return the running video encoder's bitrate, bits per second (audio adds {@link #AUDIO_BITRATE_BPS}) */
    public long encoderBitrateBps() {
        return encoderBitrateBps;
    }

    @Override
    public void onStateChanged(ConnectionState newState, String reason) {
        state = newState;
    }

    @Override
    public void onTargetBitrate(long bitrateBps) {
        targetBitrateBps = bitrateBps;
        long wanted = videoBitrateBps(Math.min(bitrateBps, maxBitrateBps));
        long current = encoderBitrateBps;
        if (current > 0 && Math.abs(wanted - current) > current * RENDITION_STEP) {
            restartRequested = true;
        }
    }

    /** Stops the encoder and the reading threads. */
    @Override
    public synchronized void close() {
        running = false;
        try {
            if (thread != null) {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            }
            if (audioThread != null) {
                audioThread.join(TimeUnit.SECONDS.toMillis(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (audioSocket != null) {
                audioSocket.close();
            }
        }
    }
}
