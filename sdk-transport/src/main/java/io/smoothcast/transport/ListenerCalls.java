package io.smoothcast.transport;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a client's application listeners as the listeners' contracts say: none once the client
 * has told {@code onStateChanged(CLOSED)}, and an exception a listener throws is logged, not
 * passed on. Every callback of a {@link Broadcaster} or {@link Viewer} but {@code onStateChanged}
 * itself goes through here.
 *
 * <p>Why a check per call, not once per engine call: a close from a callback returns at once and
 * only queues the engine's close, so the rest of that engine call (further events of the same
 * tick), the rest of the Netty read batch and the tasks queued before the close still run on the
 * engine, and a playout pass goes on with its other due frames; all of them must stay silent.
 * A callback that had already started on another thread (the playout thread, or an I/O thread
 * held past a close's wait) may still be running while {@code CLOSED} is told: no check can stop
 * what has begun.
 *
 * <p>Thread-safe if {@code closed} is (the clients read a volatile state).
 */
final class ListenerCalls {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerCalls.class);

    private final BooleanSupplier closed;

    /** @param closed whether the client has told its listener {@code CLOSED} */
    ListenerCalls(BooleanSupplier closed) {
        this.closed = closed;
    }

    /** @return false once the client has told its listener {@code CLOSED}: no callback runs then */
    boolean open() {
        return !closed.getAsBoolean();
    }

    /**
     * Runs one callback unless the client is closed.
     *
     * @param callback the listener's interface and method, for the log ("ViewerListener.onFrame")
     * @param call the callback
     */
    void call(String callback, Runnable call) {
        if (open()) {
            try {
                call.run();
            } catch (RuntimeException e) {
                LOG.warn("{} threw", callback, e);
            }
        }
    }

    /**
     * {@link #call(String, Runnable)} for a callback of one argument, without a capturing lambda
     * per call (the viewer's frames).
     *
     * @param callback the listener's interface and method, for the log
     * @param call the callback
     * @param argument its argument
     * @param <T> the argument's type
     */
    <T> void call(String callback, Consumer<T> call, T argument) {
        if (open()) {
            try {
                call.accept(argument);
            } catch (RuntimeException e) {
                LOG.warn("{} threw", callback, e);
            }
        }
    }
}
