package io.smoothcast.transport;

import io.netty.buffer.ByteBuf;
import io.smoothcast.transport.internal.netty.DatagramReceiver;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who runs a client's engine: its I/O thread, one call at a time, until the engine is closed; or,
 * for good, a thread closing the client whose I/O thread did not run the engine's close in time
 * (busy with another client's work on a shared thread, starved, or held in an application
 * callback). The engine is single-threaded and its counters have a single writer: a hand-over
 * while no call runs (a compare-and-set, so the taker sees everything the I/O thread wrote)
 * keeps that true, since no later call of the I/O thread touches the engine again.
 *
 * <p>Thread-safe. Each call on the I/O thread costs a compare-and-set and a volatile store.
 */
final class EngineTurns {
    private static final int IDLE = 0;
    private static final int RUNNING = 1;
    private static final int CLOSED = 2;

    private final AtomicInteger state = new AtomicInteger(IDLE);

    /**
     * Runs one engine call on the I/O thread, unless the engine is closed (then it is skipped).
     *
     * @param call the call
     */
    void run(Runnable call) {
        if (enter()) {
            try {
                call.run();
            } finally {
                leave();
            }
        }
    }

    /**
     * Runs the engine's close on the I/O thread, unless a closing thread has taken the engine
     * ({@link #take}); no call runs after it.
     *
     * @param close the engine's close
     */
    void close(Runnable close) {
        if (enter()) {
            try {
                close.run();
            } finally {
                state.set(CLOSED);
            }
        }
    }

    /**
     * Called by the I/O thread before each engine call.
     *
     * @return whether the call may run; false once the engine is closed (then the call is skipped)
     */
    private boolean enter() {
        return state.compareAndSet(IDLE, RUNNING);
    }

    /** Called by the I/O thread after an engine call that {@link #enter}ed. */
    private void leave() {
        state.set(IDLE);
    }

    /**
     * Takes the engine for good, from the thread closing the client, if it is not closed yet and
     * no call runs on it now; the I/O thread runs nothing on it afterwards.
     *
     * @return whether the caller now owns the engine; false if it was closed already, or if a
     *     call is running (the I/O thread is held inside the engine: the close queued behind that
     *     call runs when it returns)
     */
    boolean take() {
        return state.compareAndSet(IDLE, CLOSED);
    }

    /**
     * @param receiver the engine, fed datagrams by the I/O thread
     * @return the receiver that feeds it only in this thread's turns
     */
    DatagramReceiver guard(DatagramReceiver receiver) {
        return new DatagramReceiver() {
            @Override
            public void onDatagram(ByteBuf datagram, InetSocketAddress sender, long nowNs) {
                if (enter()) {
                    try {
                        receiver.onDatagram(datagram, sender, nowNs);
                    } finally {
                        leave();
                    }
                }
            }

            @Override
            public void onHandlerFailure(RuntimeException failure) {
                if (enter()) {
                    try {
                        receiver.onHandlerFailure(failure);
                    } finally {
                        leave();
                    }
                }
            }
        };
    }
}
