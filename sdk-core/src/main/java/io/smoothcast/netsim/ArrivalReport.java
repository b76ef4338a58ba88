package io.smoothcast.netsim;

import io.smoothcast.cc.TransportFeedback;

/**
 * The content of one feedback packet sent by {@link ArrivalFeedbackReceiver}: for each sequence
 * number in {@code [baseSequence, baseSequence + count)}, whether it arrived and when, the way a
 * transport-wide congestion control feedback reports it.
 *
 * <p>Thread-safety: immutable once sent, safe to read from any thread.
 */
public final class ArrivalReport {

    private final long feedbackSequence;
    private final long baseSequence;
    private final long[] arrivalTimeNs;
    private final boolean[] received;

    ArrivalReport(long feedbackSequence, long baseSequence, long[] arrivalTimeNs, boolean[] received) {
        this.feedbackSequence = feedbackSequence;
        this.baseSequence = baseSequence;
        this.arrivalTimeNs = arrivalTimeNs;
        this.received = received;
    }

    /** @return a counter of feedback packets from this receiver (0, 1, 2, ...); gaps mean lost feedback */
    public long feedbackSequence() {
        return feedbackSequence;
    }

    /** @return the first sequence number covered */
    public long baseSequence() {
        return baseSequence;
    }

    /** @return how many consecutive sequence numbers are covered */
    public int count() {
        return received.length;
    }

    /**
     * @param index 0 to {@code count() - 1}
     * @return whether sequence {@code baseSequence() + index} arrived
     */
    public boolean received(int index) {
        return received[index];
    }

    /**
     * @param index 0 to {@code count() - 1}
     * @return arrival time of sequence {@code baseSequence() + index} in virtual ns; meaningless
     *     if it did not arrive
     */
    public long arrivalTimeNs(int index) {
        return arrivalTimeNs[index];
    }

    /**
     * Writes this report into {@code feedback} for a congestion controller, replacing what it
     * held: each covered sequence number as received at its arrival time (virtual ns), or as lost.
     * {@code feedback} should have room for {@link #count()} packets
     * ({@link ArrivalFeedbackReceiver#MAX_PACKETS_PER_REPORT} is enough); what does not fit is left out.
     *
     * @param feedback the feedback to fill; touched only by the calling thread
     */
    public void copyTo(TransportFeedback feedback) {
        feedback.clear();
        for (int i = 0; i < received.length; i++) {
            long sequence = baseSequence + i;
            if (received[i]) {
                feedback.addReceived(sequence, arrivalTimeNs[i]);
            } else {
                feedback.addLost(sequence);
            }
        }
    }
}
