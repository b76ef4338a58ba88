package io.smoothcast.benchmarks.scenarios;

/**
 * A send-side rate controller as the harness's {@link MediaSender} drives it: it is told about
 * every packet sent and every feedback message, and is asked for a target bitrate. Adapters wrap
 * the controller under test and the baselines so they all run with the same media source,
 * pacer and ABR.
 *
 * <p>Single-threaded: called on the simulator's thread in virtual time.
 */
interface RateController {

    /**
     * A media or padding packet left the pacer.
     *
     * @param sequence its transport-wide sequence number (0, 1, 2, ... per flow)
     * @param sizeBytes its size on the wire
     * @param isProbe whether it was sent as part of a probe the controller asked for
     * @param nowNs the virtual time
     */
    void onPacketSent(long sequence, int sizeBytes, boolean isProbe, long nowNs);

    /**
     * A feedback packet arrived from the receiver.
     *
     * @param payload what the receiver sent ({@code ArrivalReport} or {@link RembMessage})
     * @param nowNs the virtual time
     */
    void onFeedback(Object payload, long nowNs);

    /**
     * Called on every sender wake-up (at least every few milliseconds) for time-driven work such
     * as feedback timeouts.
     *
     * @param nowNs the virtual time
     */
    default void onTick(long nowNs) {
    }

    /** Returns the target bitrate for the encoder, in bits per second. */
    long targetBitrateBps();

    /**
     * Returns the rate at which the pacer should send padding now, in bits per second, when the
     * controller probes for more capacity; 0 when it does not.
     *
     * @param nowNs the virtual time
     */
    default long probeBitrateBps(long nowNs) {
        return 0;
    }

    /**
     * Returns the rate the pacer sends queued media at, in bits per second. By default
     * {@link MediaSender#PACING_FACTOR} times the target, as libwebrtc's pacer does.
     */
    default long pacingBitrateBps() {
        return (long) (targetBitrateBps() * MediaSender.PACING_FACTOR);
    }
}
