package io.smoothcast.transport.internal.netty;

/**
 * Receives, for each datagram a {@link DatagramHandler} read, how long it stayed in the process:
 * from the time the handler stamped it on reading to the end of the flush that wrote what the
 * logic sent in answer to its read batch (for a relay: the time its last copy went to the kernel).
 * For measurement harnesses; production nodes set none.
 *
 * <p>Called on the channel's event loop only; implementations must not block or allocate.
 */
@FunctionalInterface
public interface ResidenceRecorder {

    /**
     * Records one datagram's residence.
     *
     * @param residenceNs flush end minus receive stamp, in nanoseconds of the handler's clock
     * @param drained whether the flush left nothing queued (false: part of the batch's writes
     *     waited for the socket to become writable, so the real residence is longer)
     */
    void record(long residenceNs, boolean drained);
}
