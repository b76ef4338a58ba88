package io.smoothcast.netsim;

/** The way a packet travels in the {@link NetworkSimulator}. */
public enum Direction {
    /** From a flow's sender to its receiver, through the forward (bottleneck) link. */
    FORWARD,
    /** From a flow's receiver back to its sender (feedback, acks), through the reverse link. */
    REVERSE
}
