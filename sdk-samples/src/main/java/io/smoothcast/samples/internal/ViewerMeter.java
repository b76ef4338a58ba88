package io.smoothcast.samples.internal;

import io.smoothcast.transport.ConnectionState;
import io.smoothcast.transport.MediaKind;
import io.smoothcast.transport.ReceivedFrame;
import io.smoothcast.transport.ViewerListener;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Measures what a viewer plays: received bitrate, latency from capture to playout (for the
 * synthetic stream, whose frames carry their capture time) and integrity, and optionally copies
 * every video frame to an output stream (an Annex-B {@code .h264} file when the broadcaster
 * sends H.264).
 *
 * <p>Thread-safe: frames arrive on the viewer's playout thread, {@link #sample} may be called
 * from any thread. It stays valid across viewers (a demo viewer that fails over keeps its meter).
 */
public final class ViewerMeter implements ViewerListener {

    /** A pause in video playout at least this long counts as a stall, whatever its cause. */
    public static final long STALL_NS = 500_000_000L;

    private final SyntheticFrames frames = new SyntheticFrames();
    private final OutputStream output;
    private final AudioSink audioOutput;
    private final AtomicLong audioFramesWritten = new AtomicLong();
    private final Consumer<IOException> onOutputError;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong videoFrames = new AtomicLong();
    private final AtomicLong latencySumNs = new AtomicLong();
    private final AtomicLong latencyCount = new AtomicLong();
    private final AtomicLong corruptFrames = new AtomicLong();
    private final AtomicLong framesWritten = new AtomicLong();
    private volatile ConnectionState state = ConnectionState.NEW;
    private final ConnectionOutcome outcome = new ConnectionOutcome();
    private volatile boolean outputBroken;
    private boolean seenKeyframe;
    /** Playout thread only. */
    private long lastVideoFrameNs = Long.MIN_VALUE;
    private final AtomicLong stalls = new AtomicLong();
    private volatile long longestGapNs;
    private byte[] scratch = new byte[64 * 1024];
    private long lastSampleNs = -1;
    private long lastBytes;
    private long lastLatencySumNs;
    private long lastLatencyCount;

    /**
     * @param output where video frames are copied, or {@code null}
     * @param onOutputError told once when writing fails (for example the player closed the pipe)
     */
    public ViewerMeter(OutputStream output, Consumer<IOException> onOutputError) {
        this(output, null, onOutputError);
    }

    /**
     * @param output where video frames are copied, or {@code null}
     * @param audioOutput where audio frames are copied (from the first keyframe on, like video), or
     *     {@code null}
     * @param onOutputError told once when writing fails (for example the player closed the pipe)
     */
    public ViewerMeter(OutputStream output, AudioSink audioOutput, Consumer<IOException> onOutputError) {
        this.output = output;
        this.audioOutput = audioOutput;
        this.onOutputError = onOutputError;
    }

    /** A meter that writes nothing. */
    public ViewerMeter() {
        this(null, e -> { });
    }

    @Override
    public void onFrame(ReceivedFrame frame) {
        int length = frame.length();
        bytes.addAndGet(length);
        if (frame.kind() == MediaKind.AUDIO) {
            writeAudio(frame, length);
            return;
        }
        if (frame.kind() != MediaKind.VIDEO) {
            return;
        }
        videoFrames.incrementAndGet();
        long nowNs = System.nanoTime();
        if (lastVideoFrameNs != Long.MIN_VALUE) {
            long gapNs = nowNs - lastVideoFrameNs;
            if (gapNs >= STALL_NS) {
                stalls.incrementAndGet();
            }
            if (gapNs > longestGapNs) {
                longestGapNs = gapNs;
            }
        }
        lastVideoFrameNs = nowNs;
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        frame.copyTo(scratch, 0);
        SyntheticFrames.Header header = frames.verify(scratch, length);
        if (header != null) {
            latencySumNs.addAndGet(WallClock.epochNs() - header.captureEpochNs());
            latencyCount.incrementAndGet();
        } else if (length >= SyntheticFrames.HEADER_BYTES && startsWithMagic(scratch)) {
            corruptFrames.incrementAndGet();
        }
        // A file or player can only decode from a keyframe on.
        seenKeyframe |= frame.keyframe();
        if (output != null && seenKeyframe && !outputBroken) {
            try {
                output.write(scratch, 0, length);
                framesWritten.incrementAndGet();
            } catch (IOException e) {
                outputBroken = true;
                onOutputError.accept(e);
            }
        }
    }

    /** Audio joins the file together with the first decodable video frame. */
    private void writeAudio(ReceivedFrame frame, int length) {
        if (audioOutput == null || !seenKeyframe || outputBroken) {
            return;
        }
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        frame.copyTo(scratch, 0);
        try {
            if (audioOutput.writeAudio(scratch, 0, length)) {
                audioFramesWritten.incrementAndGet();
            }
        } catch (IOException e) {
            outputBroken = true;
            onOutputError.accept(e);
        }
    }

    /** @return audio frames copied to the audio output */
    public long audioFramesWritten() {
        return audioFramesWritten.get();
    }

    private static boolean startsWithMagic(byte[] b) {
        return b[0] == 'S' && b[1] == 'M' && b[2] == 'C' && b[3] == 'F';
    }

    @Override
    public void onStateChanged(ConnectionState newState, String reason) {
        state = newState;
        outcome.onStateChanged(newState, reason);
    }

    /** @return how the viewer's connection went, for a command's closing message */
    public ConnectionOutcome outcome() {
        return outcome;
    }

    /** @return the last connection state a viewer reported to this meter; {@code NEW} before the first */
    public ConnectionState state() {
        return state;
    }

    /** @return video frames played so far */
    public long videoFrames() {
        return videoFrames.get();
    }

    /** @return bytes played so far, all tracks */
    public long bytes() {
        return bytes.get();
    }

    /** @return video frames written to the output (from the first keyframe on) */
    public long framesWritten() {
        return framesWritten.get();
    }

    /**
     * @return pauses of at least {@link #STALL_NS} between two played video frames, counted by
     *     the application's clock (so a pause while switching nodes counts too)
     */
    public long stalls() {
        return stalls.get();
    }

    /** @return the longest pause between two played video frames so far, in ms */
    public double longestGapMs() {
        return longestGapNs / 1e6;
    }

    /** @return synthetic frames whose checksum did not match */
    public long corruptFrames() {
        return corruptFrames.get();
    }

    /** @return mean capture-to-playout latency since start in ms, or -1 if nothing was measured */
    public double meanLatencyMs() {
        long n = latencyCount.get();
        return n == 0 ? -1 : latencySumNs.get() / (double) n / 1e6;
    }

    /**
     * What happened since the previous call. Call from one thread at a time.
     *
     * @param nowNs the current {@link System#nanoTime()}
     * @return bitrate and mean latency over the interval (zero and -1 on the first call)
     */
    public synchronized Sample sample(long nowNs) {
        long b = bytes.get();
        long sum = latencySumNs.get();
        long count = latencyCount.get();
        Sample s;
        if (lastSampleNs < 0 || nowNs <= lastSampleNs) {
            s = new Sample(0, -1);
        } else {
            long bitrate = (b - lastBytes) * 8L * 1_000_000_000L / (nowNs - lastSampleNs);
            double latencyMs = count == lastLatencyCount ? -1 : (sum - lastLatencySumNs) / (double) (count - lastLatencyCount) / 1e6;
            s = new Sample(bitrate, latencyMs);
        }
        lastSampleNs = nowNs;
        lastBytes = b;
        lastLatencySumNs = sum;
        lastLatencyCount = count;
        return s;
    }

    /**
     * @param bitrateBps bits per second played over the interval
     * @param latencyMs mean capture-to-playout latency over the interval, -1 if unknown
     */
    public record Sample(long bitrateBps, double latencyMs) {
    }
}
