package io.smoothcast.quality;

import io.smoothcast.stats.Direction;

/**
 * Told when the quality level of a stream changes. Callbacks run on the thread that calls
 * {@link QualityMonitor#update}; they must be fast and must not throw.
 */
public interface QualityListener {

    /** A listener that ignores every change. */
    QualityListener NONE = new QualityListener() { };

    /**
     * The level of a stream at an endpoint, in one direction, changed.
     *
     * @param streamId the stream
     * @param endpointId the measuring endpoint ("" if there is only one)
     * @param direction send or receive
     * @param previous the level before (UNKNOWN for a stream seen for the first time)
     * @param current the new level
     * @param timeNs the snapshot's instant, monotonic nanoseconds
     */
    default void onQualityChanged(String streamId, String endpointId, Direction direction,
            QualityLevel previous, QualityLevel current, long timeNs) {
    }
}
