package io.smoothcast.samples.internal;

import io.smoothcast.payload.AccessUnitSplitter;
import io.smoothcast.payload.H264Keyframes;
import io.smoothcast.payload.KeyframeKind;
import io.smoothcast.transport.Broadcaster;
import io.smoothcast.transport.BroadcasterListener;
import io.smoothcast.transport.ConnectionState;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Real media for a {@link Broadcaster}: an {@code ffmpeg} child process encodes a test pattern
 * (or a file) to H.264 in real time and writes an Annex-B stream to its standard output; each
 * access unit becomes one video frame. The encoder's bitrate follows the congestion
 * controller's target: when the target moves by more than a quarter from the encoder's bitrate
 * (a rendition change), the encoder is restarted at the new bitrate, at most once every two
 * seconds, and begins with a keyframe.
 *
 * <p>Thread-safe: register it as the broadcaster's listener; it reads ffmpeg's output on its own
 * thread.
 */
public final class FfmpegSource implements BroadcasterListener, AutoCloseable {

    private static final double TARGET_SHARE = 0.8;
    private static final double RENDITION_STEP = 0.25;
    private static final long MIN_RESTART_INTERVAL_NS = TimeUnit.SECONDS.toNanos(2);
    private static final long MAX_TIMESTAMP_LAG_NS = TimeUnit.MILLISECONDS.toNanos(200);

    private final String ffmpeg;
    private final String input;
    private final int framesPerSecond;
    private final long maxBitrateBps;
    private volatile long targetBitrateBps;
    private volatile ConnectionState state = ConnectionState.CONNECTING;
    private volatile boolean running;
    private volatile boolean restartRequested;
    private volatile long framesQueued;
    private volatile int encoderStarts;
    private volatile long encoderBitrateBps;
    private volatile String failure;
    private Thread thread;
    /** Capture time of the last access unit sent; only the reading thread touches it. */
    private long lastCaptureNs = Long.MIN_VALUE;

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
     * The ffmpeg command line for one encoder run.
     *
     * @param bitrateBps the encoder's bitrate, bits per second
     * @return the command and its arguments
     */
    public List<String> command(long bitrateBps) {
        long kbps = Math.max(50, bitrateBps / 1000);
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-re"));
        if (input == null) {
            cmd.addAll(List.of("-f", "lavfi", "-i", String.format(Locale.ROOT, "testsrc2=size=640x360:rate=%d", framesPerSecond)));
        } else {
            cmd.addAll(List.of("-stream_loop", "-1", "-i", input));
        }
        cmd.addAll(List.of("-an", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
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
        running = true;
        thread = new Thread(() -> run(broadcaster), "ffmpeg-source");
        thread.setDaemon(true);
        thread.start();
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
            long bitrate = (long) (Math.min(targetBitrateBps, maxBitrateBps) * TARGET_SHARE);
            encoderBitrateBps = bitrate;
            restartRequested = false;
            Process process;
            try {
                process = new ProcessBuilder(command(bitrate)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
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

    /** @return why the encoder could not be started, or {@code null} while all is well */
    public String failure() {
        return failure;
    }

    /** @return how many times the encoder was started (1 + rendition changes) */
    public int encoderStarts() {
        return encoderStarts;
    }

    /** @return the running encoder's bitrate, bits per second */
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
        long wanted = (long) (Math.min(bitrateBps, maxBitrateBps) * TARGET_SHARE);
        long current = encoderBitrateBps;
        if (current > 0 && Math.abs(wanted - current) > current * RENDITION_STEP) {
            restartRequested = true;
        }
    }

    /** Stops the encoder and the reading thread. */
    @Override
    public synchronized void close() {
        running = false;
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
