package io.smoothcast.cc.internal;

/** The delay-based detector's hypothesis about the bottleneck queue. */
public enum BandwidthUsage {
    /** The queue is neither growing nor draining noticeably. */
    NORMAL,
    /** The queue is draining: we send less than the path carries. */
    UNDERUSING,
    /** The queue is growing: we send more than the path carries. */
    OVERUSING
}
