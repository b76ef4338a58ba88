package io.smoothcast.transport.internal.netty;

/**
 * Receives, for each datagram a {@link DatagramHandler} read, how long it stayed in the process:
 * from the time it was stamped on reading to the end of a flush that wrote what the logic sent in
 * answer to it. When a relay spreads a packet's copies over several fan-out threads
 * ({@link FanOutLanes}), each thread that wrote copies of it reports its own flush, with the same
 * read stamp: the datagram's residence (the time its last copy went to the kernel) is the largest
 * of the values reported for that stamp. For measurement harnesses; production nodes set none.
 *
 * <p>Called on the event loops of the node (several at once when it has several fan-out
 * threads); implementations must be thread-safe, must not block for long and should not allocate.
 */
@FunctionalInterface
public interface ResidenceRecorder {

    /**
     * Records one flush's share of one datagram's residence.
     *
     * @param readStampNs when the datagram was read, in nanoseconds of the handler's clock: the
     *     key that ties together the reports of the threads that wrote its copies
     * @param residenceNs flush end minus read stamp, in nanoseconds
     * @param drained whether the flush left nothing queued (false: part of the writes waited for
     *     the socket to become writable, so the real residence is longer)
     */
    void record(long readStampNs, long residenceNs, boolean drained);
}
