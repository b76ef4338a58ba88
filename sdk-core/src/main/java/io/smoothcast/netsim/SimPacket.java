package io.smoothcast.netsim;

/**
 * A packet as an endpoint of the {@link NetworkSimulator} receives it. It is a flyweight: the
 * simulator reuses the instance, so read it during {@link SimEndpoint#onPacket} and keep no
 * reference (the {@link #payload()} object itself belongs to whoever sent it and may be kept).
 *
 * <p>Thread-safety: confined to the simulator's thread.
 */
public final class SimPacket {

    int flowId;
    Direction direction;
    long sequence;
    int sizeBytes;
    long sendTimeNs;
    long arrivalTimeNs;
    long queueDelayNs;
    Object payload;

    SimPacket() {
    }

    /** @return the flow the packet belongs to */
    public int flowId() {
        return flowId;
    }

    /** @return which way it travelled */
    public Direction direction() {
        return direction;
    }

    /** @return the sequence number its sender gave it (e.g. a transport-wide sequence number) */
    public long sequence() {
        return sequence;
    }

    /** @return its size on the wire, in bytes */
    public int sizeBytes() {
        return sizeBytes;
    }

    /** @return when it was sent, in ns of virtual time */
    public long sendTimeNs() {
        return sendTimeNs;
    }

    /** @return when it arrived, in ns of virtual time */
    public long arrivalTimeNs() {
        return arrivalTimeNs;
    }

    /** @return how long it waited in the shared link's queue, in ns */
    public long queueDelayNs() {
        return queueDelayNs;
    }

    /** @return what the sender attached (feedback content, an ack), or null */
    public Object payload() {
        return payload;
    }
}
