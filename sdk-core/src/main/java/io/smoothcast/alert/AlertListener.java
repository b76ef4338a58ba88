package io.smoothcast.alert;

/**
 * Told when alerts are raised and cleared. Callbacks run synchronously on the thread that feeds
 * the {@link AlertEvaluator} (the statistics thread, never the media I/O thread); they must be
 * fast, must not throw, and must not call back into the evaluator. An exception thrown by a
 * callback is logged and counted, and does not disturb the evaluator.
 */
public interface AlertListener {

    /** A listener that ignores every event. */
    AlertListener NONE = new AlertListener() { };

    /**
     * An alert was raised.
     *
     * @param event the RAISED event
     */
    default void onRaised(AlertEvent event) {
    }

    /**
     * An alert was cleared.
     *
     * @param event the CLEARED event, with the same incident id as its RAISED event
     */
    default void onCleared(AlertEvent event) {
    }
}
