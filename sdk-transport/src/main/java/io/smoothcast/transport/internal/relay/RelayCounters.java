package io.smoothcast.transport.internal.relay;

import io.smoothcast.transport.internal.SingleWriterCounters;

/**
 * The relay's counters, written by its single I/O thread and read by any thread: a
 * {@link SingleWriterCounters} indexed by {@link RelayCounter}, so that callers name a counter
 * instead of passing a bare index.
 *
 * <p>Thread-safety: {@link #increment}, {@link #add} and {@link #set} only on the owning I/O
 * thread; {@link #get} from any thread.
 */
public final class RelayCounters {

    private final SingleWriterCounters values = new SingleWriterCounters(RelayCounter.values().length);

    void increment(RelayCounter counter) {
        values.increment(counter.ordinal());
    }

    void add(RelayCounter counter, long delta) {
        values.add(counter.ordinal(), delta);
    }

    void set(RelayCounter counter, long value) {
        values.set(counter.ordinal(), value);
    }

    /**
     * Reads a counter.
     *
     * @param counter which one
     * @return its latest published value
     */
    public long get(RelayCounter counter) {
        return values.get(counter.ordinal());
    }
}
