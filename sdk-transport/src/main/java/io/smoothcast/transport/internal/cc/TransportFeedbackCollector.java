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
 * <p>Arrivals recorded as untimed (read after a stall of the receiver's own reader, so their
 * time is the read's, not the arrival's) are still reported as received, and the feedback that
 * reports them is preceded, in the same datagram, by an {@link UntimedArrivalsReport} naming the
 * range of numbers from the first to the last of them.
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
    private final boolean[] untimed = new boolean[WINDOW];
    private final UntimedArrivalsReport untimedReport = new UntimedArrivalsReport();
    private final TransportCcFeedbackWriter writer = new TransportCcFeedbackWriter(MAX_PACKETS_PER_FEEDBACK);
    private boolean started;
    private long highest;
    private long nextToReport;
    private int feedbackCount;
    private long untimedReportsWritten;

    /**
     * Records an arrival whose time is the packet's arrival.
     *
     * @param transportSequence the 16-bit transport-wide sequence number from the packet
     * @param arrivalNs when it arrived, in ns of the receiver's clock
     */
    public void onPacket(int transportSequence, long arrivalNs) {
        onPacket(transportSequence, arrivalNs, false);
    }

    /**
     * Records an arrival.
     *
     * @param transportSequence the 16-bit transport-wide sequence number from the packet
     * @param arrivalNs when it arrived (or was read), in ns of the receiver's clock
     * @param readAfterStall whether the time is only when the receiver read it after a stall of
     *     its own, not when it arrived
     */
    public void onPacket(int transportSequence, long arrivalNs, boolean readAfterStall) {
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
        untimed[slot] = readAfterStall;
        if (unwrapped > highest) {
            highest = unwrapped;
            if (highest - nextToReport >= WINDOW) {
                nextToReport = highest - WINDOW + 1;
            }
        }
    }

    /**
     * Writes the feedback for everything not reported yet, preceded by an
     * {@link UntimedArrivalsReport} when it reports untimed arrivals.
     *
     * @param destination where to write; 1500 bytes from {@code offset} always suffice
     * @param offset index of the first byte
     * @param senderSsrc SSRC of the feedback's sender (the node)
     * @param mediaSsrc SSRC of the media sender
     * @return the length in bytes of what was written (one RTCP datagram), or 0 if there is
     *     nothing new to report
     */
    public int writeFeedback(byte[] destination, int offset, int senderSsrc, int mediaSsrc) {
        if (!started || nextToReport > highest) {
            return 0;
        }
        writer.reset(senderSsrc, mediaSsrc, (int) (nextToReport & 0xFFFF), feedbackCount++);
        long s = nextToReport;
        long end = Math.min(highest, nextToReport + MAX_PACKETS_PER_FEEDBACK - 1);
        long firstUntimed = -1;
        long lastUntimed = -1;
        for (; s <= end; s++) {
            int slot = (int) (s & (WINDOW - 1));
            boolean received = sequenceAt[slot] == s;
            boolean added = received ? writer.addReceived(arrivalUs[slot]) : writer.addLost();
            if (!added) {
                break; // the rest goes in the next feedback
            }
            if (received && untimed[slot]) {
                firstUntimed = firstUntimed < 0 ? s : firstUntimed;
                lastUntimed = s;
            }
        }
        if (s == nextToReport) {
            return 0;
        }
        int reportLength = 0;
        if (firstUntimed >= 0) {
            reportLength = untimedReport.write(destination, offset, senderSsrc, (int) (firstUntimed & 0xFFFF),
                    (int) (lastUntimed - firstUntimed + 1));
            if (reportLength <= 0) {
                return 0;
            }
        }
        int length = writer.write(destination, offset + reportLength, destination.length - offset - reportLength);
        if (length <= 0) {
            return 0;
        }
        nextToReport = s;
        untimedReportsWritten += reportLength > 0 ? 1 : 0;
        return reportLength + length;
    }

    /** How many {@link UntimedArrivalsReport}s {@link #writeFeedback} has written so far. */
    public long untimedReportsWritten() {
        return untimedReportsWritten;
    }
}
