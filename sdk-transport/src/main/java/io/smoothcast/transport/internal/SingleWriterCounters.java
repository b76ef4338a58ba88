package io.smoothcast.transport.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A fixed set of counters written by one thread and read by any: the writer does a plain read and
 * an ordered ({@code lazySet}, release) store, which is enough with a single writer and costs no
 * fence on x86.
 *
 * <p>Thread-safety: {@link #increment}, {@link #add} and {@link #set} from the one owning thread;
 * {@link #get} from any thread.
 */
public final class SingleWriterCounters {

    private final AtomicLongArray values;

    /**
     * @param size number of counters
     */
    public SingleWriterCounters(int size) {
        values = new AtomicLongArray(size);
    }

    /** Adds one to counter {@code index}. */
    public void increment(int index) {
        add(index, 1);
    }

    /** Adds {@code delta} to counter {@code index}. */
    public void add(int index, long delta) {
        values.lazySet(index, values.get(index) + delta);
    }

    /** Sets counter {@code index} (for gauges). */
    public void set(int index, long value) {
        values.lazySet(index, value);
    }

    /** Reads counter {@code index}. */
    public long get(int index) {
        return values.get(index);
    }
}
