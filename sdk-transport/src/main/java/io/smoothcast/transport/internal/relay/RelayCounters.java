package io.smoothcast.transport.internal.relay;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters written by the relay's single I/O thread and read by any thread. A single writer
 * needs no atomic read-modify-write: a plain read and an ordered ({@code lazySet}, release) store
 * is enough for readers to see every update in order, and costs no fence on x86.
 *
 * <p>Thread-safety: {@link #increment}, {@link #add} and {@link #set} only on the owning I/O
 * thread; {@link #get} from any thread.
 */
public final class RelayCounters {

    private final AtomicLongArray values = new AtomicLongArray(RelayCounter.values().length);

    void increment(RelayCounter counter) {
        add(counter, 1);
    }

    void add(RelayCounter counter, long delta) {
        int i = counter.ordinal();
        values.lazySet(i, values.get(i) + delta);
    }

    void set(RelayCounter counter, long value) {
        values.lazySet(counter.ordinal(), value);
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
