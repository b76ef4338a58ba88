package io.smoothcast.benchmarks.scenarios;

import java.util.Arrays;

/**
 * What happened to every frame of one media flow: when it was captured, at which bitrate, how
 * many of its packets arrived and when the last one did. The {@link MediaSender} registers frames
 * and packets; the {@link RunRecorder} reports arrivals and drops by transport-wide sequence
 * number.
 *
 * <p>A frame <em>stalls</em> when it cannot be shown within the playout budget: a packet of it
 * never arrived (dropped and not repaired by a retransmission), the pacer discarded it as too
 * late, or its last packet (a retransmission, maybe) arrived more than the budget after capture.
 *
 * <p>Single-threaded (the simulator's thread).
 */
final class FrameLedger {

    private static final int NO_FRAME = -1;

    private long[] captureNs = new long[1024];
    private long[] bitrateBps = new long[1024];
    private int[] rendition = new int[1024];
    private int[] packetsTotal = new int[1024];
    private int[] packetsArrived = new int[1024];
    private long[] lastArrivalNs = new long[1024];
    private boolean[] discarded = new boolean[1024];
    private int frameCount;
    private int[] frameOfSequence = new int[4096];
    private long sequenceCount;
    private long mediaPacketsSent;

    /** Registers a frame and returns its id. */
    int newFrame(long captureTimeNs, int packets, long encoderBitrateBps, int renditionIndex) {
        if (frameCount == captureNs.length) {
            int n = frameCount * 2;
            captureNs = Arrays.copyOf(captureNs, n);
            bitrateBps = Arrays.copyOf(bitrateBps, n);
            rendition = Arrays.copyOf(rendition, n);
            packetsTotal = Arrays.copyOf(packetsTotal, n);
            packetsArrived = Arrays.copyOf(packetsArrived, n);
            lastArrivalNs = Arrays.copyOf(lastArrivalNs, n);
            discarded = Arrays.copyOf(discarded, n);
        }
        int id = frameCount++;
        captureNs[id] = captureTimeNs;
        bitrateBps[id] = encoderBitrateBps;
        rendition[id] = renditionIndex;
        packetsTotal[id] = packets;
        return id;
    }

    /** Records that a packet with this sequence left the sender, for a frame or as padding (-1). */
    void onSent(long sequence, int frameId) {
        if (sequence != sequenceCount) {
            throw new IllegalStateException("sequences must be sent in order: " + sequence);
        }
        if (sequence >= frameOfSequence.length) {
            frameOfSequence = Arrays.copyOf(frameOfSequence, frameOfSequence.length * 2);
        }
        frameOfSequence[(int) sequence] = frameId < 0 ? NO_FRAME : frameId;
        sequenceCount++;
        if (frameId >= 0) {
            mediaPacketsSent++;
        }
    }

    /** Whether the packet with this sequence carried media (not padding, not unknown). */
    boolean isMedia(long sequence) {
        return frameOf(sequence) != NO_FRAME;
    }

    /** Returns how many media packets (padding excluded) were sent. */
    long mediaPacketsSent() {
        return mediaPacketsSent;
    }

    void onDelivered(long sequence, long arrivalTimeNs) {
        int frame = frameOf(sequence);
        if (frame != NO_FRAME) {
            packetsArrived[frame]++;
            lastArrivalNs[frame] = Math.max(lastArrivalNs[frame], arrivalTimeNs);
        }
    }

    /** The sender discarded the frame's remaining packets because they were already too late. */
    void onDiscarded(int frameId) {
        discarded[frameId] = true;
    }

    /** Whether the sender discarded the frame (it cannot be repaired). */
    boolean isDiscarded(int frameId) {
        return discarded[frameId];
    }

    /** Returns the frame a sent sequence number carried, or -1 for padding or unknown. */
    int frameOfSequence(long sequence) {
        return frameOf(sequence);
    }

    private int frameOf(long sequence) {
        return sequence >= 0 && sequence < sequenceCount ? frameOfSequence[(int) sequence] : NO_FRAME;
    }

    int frameCount() {
        return frameCount;
    }

    long captureNs(int frame) {
        return captureNs[frame];
    }

    long bitrateBps(int frame) {
        return bitrateBps[frame];
    }

    int rendition(int frame) {
        return rendition[frame];
    }

    /** Whether the frame missed the playout budget (see the class comment). */
    boolean stalled(int frame, long budgetNs) {
        return discarded[frame] || packetsArrived[frame] < packetsTotal[frame]
                || lastArrivalNs[frame] - captureNs[frame] > budgetNs;
    }
}
