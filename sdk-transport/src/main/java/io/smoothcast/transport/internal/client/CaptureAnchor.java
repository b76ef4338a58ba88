package io.smoothcast.transport.internal.client;

import io.smoothcast.jitter.internal.SeqLockedCounters;

/**
 * For one received track, the pairing of an RTP timestamp with the wall-clock capture time the
 * broadcaster stamped on it (abs-capture-time, first packet of each frame). RTP timestamps are
 * the capture clock at the track's clock rate, so any later frame's capture time follows from
 * its timestamp: this is how the playout thread learns a frame's capture time although the jitter
 * buffer does not carry header extensions. The pairing is renewed on every stamped packet, so a
 * change of timestamp origin (a new publisher session on the same track) is followed at once.
 *
 * <p>Thread-safety: {@link #update} and {@link #latestCaptureUnixNs} belong to the I/O thread,
 * {@link #captureUnixNs} and {@link #anchorRtpTimestamp} to the playout thread (its scratch copy
 * is not shared); the pair is published under a sequence lock,
 * so the reader never combines the timestamp of one update with the time of another. Allocates
 * nothing after construction.
 */
public final class CaptureAnchor {

    /** Returned by {@link #captureUnixNs} while no stamped packet has arrived. */
    public static final long UNKNOWN = Long.MIN_VALUE;

    private static final int RTP_TIMESTAMP = 0;
    private static final int CAPTURE_UNIX_NS = 1;
    private static final int SET = 2;

    private final long clockRateHz;
    private final SeqLockedCounters pair = new SeqLockedCounters(3);
    private final long[] copy = new long[3];
    /** The writer's own copy of the pair, for {@link #latestCaptureUnixNs} (I/O thread). */
    private boolean writerSet;
    private int writerRtpTimestamp;
    private long writerCaptureUnixNs;
    /** Set by the I/O thread when the track list changes; read by both threads. */
    private volatile boolean latencyCounted;

    /** @param clockRateHz the track's RTP clock rate, Hz, > 0 */
    public CaptureAnchor(int clockRateHz) {
        if (clockRateHz <= 0) {
            throw new IllegalArgumentException("clockRateHz must be > 0: " + clockRateHz);
        }
        this.clockRateHz = clockRateHz;
    }

    /**
     * Chooses whether this track's frames count in the viewer's latency: the video track's do
     * (its frames are what freezes and what the jitter-buffer delay describes), the audio
     * track's only in an audio-only stream. I/O thread only.
     *
     * @param counted true to count
     */
    public void latencyCounted(boolean counted) {
        latencyCounted = counted;
    }

    /** @return whether this track's frames count in the viewer's latency; any thread */
    public boolean latencyCounted() {
        return latencyCounted;
    }

    /**
     * Records a stamped packet. I/O thread only.
     *
     * @param rtpTimestamp the packet's RTP timestamp
     * @param captureUnixNs its capture time, ns since 1970 UTC
     */
    public void update(int rtpTimestamp, long captureUnixNs) {
        writerSet = true;
        writerRtpTimestamp = rtpTimestamp;
        writerCaptureUnixNs = captureUnixNs;
        long token = pair.beginWrite();
        pair.set(RTP_TIMESTAMP, rtpTimestamp);
        pair.set(CAPTURE_UNIX_NS, captureUnixNs);
        pair.set(SET, 1);
        pair.endWrite(token);
    }

    /**
     * The capture time of a packet of this track, from the last pair recorded. I/O thread only
     * (the writer's copy: no sequence lock).
     *
     * @param rtpTimestamp the packet's RTP timestamp
     * @return its capture time in ns since 1970 UTC, or {@link #UNKNOWN}
     */
    public long latestCaptureUnixNs(int rtpTimestamp) {
        return writerSet ? extrapolate(writerRtpTimestamp, writerCaptureUnixNs, rtpTimestamp) : UNKNOWN;
    }

    /**
     * The RTP timestamp of the last pair recorded, a timestamp whose capture time
     * {@link #captureUnixNs} knows without extrapolating far. Playout thread only.
     *
     * @return the timestamp (meaningless while {@link #captureUnixNs} returns {@link #UNKNOWN})
     */
    public int anchorRtpTimestamp() {
        pair.read(copy);
        return (int) copy[RTP_TIMESTAMP];
    }

    /**
     * The capture time of a frame of this track. Playout thread only.
     *
     * @param rtpTimestamp the frame's RTP timestamp
     * @return its capture time in ns since 1970 UTC, or {@link #UNKNOWN}
     */
    public long captureUnixNs(int rtpTimestamp) {
        pair.read(copy);
        if (copy[SET] == 0) {
            return UNKNOWN;
        }
        return extrapolate((int) copy[RTP_TIMESTAMP], copy[CAPTURE_UNIX_NS], rtpTimestamp);
    }

    private long extrapolate(int anchorRtpTimestamp, long anchorCaptureUnixNs, int rtpTimestamp) {
        // Signed 32-bit difference: correct across the timestamp's wrap-around.
        int ticks = rtpTimestamp - anchorRtpTimestamp;
        return anchorCaptureUnixNs + ticks * 1_000_000_000L / clockRateHz;
    }
}
