package io.smoothcast.transport.internal.client;

/**
 * Tells, for the first packet of a simulcast layer after a silence of at least
 * {@link LayerGate#STOPPED_LAYER_NS}, whether the node resumed the layer (its numbering moved on
 * while the viewer was not sent it: the buffer restarts there) or the same stream simply goes
 * on (this thread or the path stalled, and the packets queued meanwhile are read now: a restart
 * would cut the frame under way in two).
 *
 * <p>The rule compares the numbering's jump with the silence. A resumed layer's numbering moved
 * on by about what the source sent during the pause, which is nearly all of the silence. A
 * stream that went on continues right after its last number read, a few numbers further if
 * packets were lost on the way. So a jump of at most half the numbers the silence would have
 * carried at the layer's own rate ({@link ReceptionStatistics#numbersPerSecond}, measured on
 * media time) is a continuation, and anything more a resume. The very next number is always a
 * continuation; a number not ahead (another numbering) is always a resume; so is any jump while
 * the rate is not known yet (the layer's first 0.1 s).
 *
 * <p>Stateless; thread-safe.
 */
final class LayerResumeRule {

    /** The largest share of the silence's expected numbers a continuation may skip. */
    static final double MAX_CONTINUATION_SHARE = 0.5;

    private LayerResumeRule() {
    }

    /**
     * @param ahead how far the packet's number lies ahead of the highest read (0 if not ahead)
     * @param silentNs how long the layer was silent before it, in ns
     * @param numbersPerSecond the layer's numbering rate, or 0 if not known
     * @return whether the node resumed the layer (restart the buffer), rather than the stream going on
     */
    static boolean isResume(int ahead, long silentNs, double numbersPerSecond) {
        if (ahead == 1) {
            return false;
        }
        if (ahead <= 0 || numbersPerSecond <= 0) {
            return true;
        }
        double expected = numbersPerSecond * silentNs / 1e9;
        return ahead > expected * MAX_CONTINUATION_SHARE;
    }
}
