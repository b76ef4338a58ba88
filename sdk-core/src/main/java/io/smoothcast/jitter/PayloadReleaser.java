package io.smoothcast.jitter;

/**
 * Takes back the payload memory of packets offered with
 * {@link SpscJitterBuffer#offerBorrowed}, which the buffer keeps in place instead of copying.
 *
 * <p>Ownership: a borrowed payload belongs to the buffer from the moment {@code offerBorrowed}
 * returns {@link OfferResult#ACCEPTED} (any other result leaves it with the caller) until the
 * buffer passes its owner to {@link #release}. That happens exactly once per accepted packet, on
 * the consumer thread inside {@link SpscJitterBuffer#poll}: after the {@link FrameHandler}
 * returned for a delivered frame, or when the packet is given up (its frame could not be
 * completed in time, the buffer overflowed, or a stream restart made it unplayable). The caller
 * must not write to the memory while the buffer owns it. Packets still held when the buffer is
 * abandoned are never released.
 *
 * <p>Thread-safety: called on the consumer thread, while the producer thread may be taking memory
 * from the same pool, so a shared pool must be safe for that (for example a single-producer
 * single-consumer queue, or a reference-counted buffer such as Netty's {@code ByteBuf}). It must
 * be quick and must not throw. If it throws, the exception propagates out of {@code poll}, the
 * delivery or give-up in progress still completes (state and statistics stay consistent), and
 * the owners it had not yet handed back are never handed back.
 */
@FunctionalInterface
public interface PayloadReleaser {

    /**
     * @param owner the object given to {@code offerBorrowed} with the payload, never null
     */
    void release(Object owner);
}
