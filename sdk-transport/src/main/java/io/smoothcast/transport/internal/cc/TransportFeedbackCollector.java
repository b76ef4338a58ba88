package io.smoothcast.transport.internal.cc;

import io.smoothcast.rtp.SequenceNumbers;
import io.smoothcast.rtp.TransportCcFeedbackWriter;

/**
 * The receiving end of transport-wide congestion control
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01) for one sender: remembers when each
 * transport-wide sequence number arrived and writes feedback covering every number from the
 * last one reported to the highest seen, missing ones reported as lost.
 *
 * <p>At most {@value #WINDOW} numbers are remembered; if the sender races further ahead between
 * two feedbacks, the oldest unreported numbers are skipped. A packet arriving after its number
 * was reported lost is not reported again.
 *
 * <p>Not thread-safe: the I/O thread that receives the sender's packets. Allocates nothing after
 * construction.
 */
public final class TransportFeedbackCollector {

    /** Sequence numbers remembered between two feedbacks. */
    public static final int WINDOW = 4096;

    /**
     * Most packets one feedback reports, so it stays well under 1200 bytes; call
     * {@link #writeFeedback} again while it returns more than 0.
     */
    public static final int MAX_PACKETS_PER_FEEDBACK = 500;

    private final long[] arrivalUs = new long[WINDOW];
    private final long[] sequenceAt = new long[WINDOW];
    private final TransportCcFeedbackWriter writer = new TransportCcFeedbackWriter(MAX_PACKETS_PER_FEEDBACK);
    private boolean started;
    private long highest;
    private long nextToReport;
    private int feedbackCount;

    /**
     * Records an arrival.
     *
     * @param transportSequence the 16-bit transport-wide sequence number from the packet
     * @param arrivalNs when it arrived, in ns of the receiver's clock
     */
    public void onPacket(int transportSequence, long arrivalNs) {
        long unwrapped;
        if (!started) {
            started = true;
            unwrapped = 1L << 20 | (transportSequence & 0xFFFF); // positive, room to go back
            highest = unwrapped;
            nextToReport = unwrapped;
        } else {
            unwrapped = highest + SequenceNumbers.distance((int) highest, transportSequence);
        }
        if (unwrapped < nextToReport || highest - unwrapped >= WINDOW) {
            return; // already reported (as lost), or too old to matter
        }
        int slot = (int) (unwrapped & (WINDOW - 1));
        sequenceAt[slot] = unwrapped;
        arrivalUs[slot] = arrivalNs / 1000;
        if (unwrapped > highest) {
            highest = unwrapped;
            if (highest - nextToReport >= WINDOW) {
                nextToReport = highest - WINDOW + 1;
            }
        }
    }

    /**
     * Writes the feedback for everything not reported yet.
     *
     * @param destination where to write; 1500 bytes from {@code offset} always suffice
     * @param offset index of the first byte
     * @param senderSsrc SSRC of the feedback's sender (the node)
     * @param mediaSsrc SSRC of the media sender
     * @return the feedback's length in bytes, or 0 if there is nothing new to report
     */
    public int writeFeedback(byte[] destination, int offset, int senderSsrc, int mediaSsrc) {
        if (!started || nextToReport > highest) {
            return 0;
        }
        writer.reset(senderSsrc, mediaSsrc, (int) (nextToReport & 0xFFFF), feedbackCount++);
        long s = nextToReport;
        long end = Math.min(highest, nextToReport + MAX_PACKETS_PER_FEEDBACK - 1);
        for (; s <= end; s++) {
            int slot = (int) (s & (WINDOW - 1));
            boolean added = sequenceAt[slot] == s ? writer.addReceived(arrivalUs[slot]) : writer.addLost();
            if (!added) {
                break; // the rest goes in the next feedback
            }
        }
        if (s == nextToReport) {
            return 0;
        }
        int length = writer.write(destination, offset, destination.length - offset);
        if (length <= 0) {
            return 0;
        }
        nextToReport = s;
        return length;
    }
}
