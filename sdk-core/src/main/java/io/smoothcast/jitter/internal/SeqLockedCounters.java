package io.smoothcast.jitter.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A fixed set of {@code long} counters with one writer thread and any number of reader threads,
 * published under a sequence lock so that a reader always sees all counters from the same moment
 * (never half of one update and half of the next).
 *
 * <p>The writer brackets each group of changes with {@link #beginWrite()} and
 * {@link #endWrite(long)}; it never waits for readers. A reader copies the values and retries if the
 * version changed or was odd (a write in progress) while it copied. The version's
 * release/acquire pair plus the fences order the copies against the version checks.
 *
 * <p>The writer stores counters with plain writes (measured about 5 % of a jitter-buffer packet
 * cheaper than opaque ones, which also stop the JIT from combining a counter's load and store).
 * That is safe because of the version, not the access mode: every counter store lies after the
 * odd version store (store-store fence) and before the next even one (release), and a reader's
 * copies lie between its acquire of the version and its re-read (load-load fence). A reader whose
 * copy saw any store of a write, even a torn half of a {@code long}, therefore re-reads a
 * different version and retries; a snapshot it returns holds only values from before or only
 * from after each write. Readers load with opaque access so each copy is a real load.
 *
 * <p>Thread-safety: {@code beginWrite}, {@code endWrite}, {@code set}, {@code add} and
 * {@code get} belong to the single writer thread; {@link #read(long[])} may be called from any
 * thread. Allocates nothing after construction.
 */
public final class SeqLockedCounters {

    private static final VarHandle VERSION;
    private static final VarHandle VALUES = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            VERSION = MethodHandles.lookup().findVarHandle(SeqLockedCounters.class, "version", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The counters. The writer reads them back with plain loads: it is the only thread that
     * stores to them, so program order alone makes its own latest stores visible to it.
     */
    private final long[] values;
    @SuppressWarnings("unused") // accessed through VERSION
    private volatile long version;
    /**
     * The version the writer's open or last write ends with, read with a plain load: the writer
     * is the only thread that stores the version, so it need not load the shared field.
     */
    private long writerVersion;

    /**
     * Creates a block of counters, all zero.
     *
     * @param size number of counters; at least 1
     */
    public SeqLockedCounters(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1: " + size);
        }
        values = new long[size];
    }

    /** @return the number of counters */
    public int size() {
        return values.length;
    }

    /**
     * Starts a group of changes: readers that overlap it will retry. Writer thread only.
     *
     * @return the token to pass to {@link #endWrite(long)}
     */
    public long beginWrite() {
        long v = writerVersion + 1;
        // The even version endWrite stores, kept now: endWrite then stores the token it is given
        // instead of loading this field again after the fence below (which makes the JIT reload
        // every field).
        writerVersion = v + 1;
        VERSION.setOpaque(this, v);
        // The odd version must be visible before any counter store that follows.
        VarHandle.storeStoreFence();
        return v;
    }

    /**
     * Ends a group of changes started by {@link #beginWrite()}. Writer thread only.
     *
     * @param token what that {@code beginWrite} returned
     */
    public void endWrite(long token) {
        // Release: every counter store above happens-before a reader that acquires this version.
        VERSION.setRelease(this, token + 1);
    }

    /**
     * Sets one counter; call between {@link #beginWrite()} and {@link #endWrite(long)}. Stores
     * nothing when the value is unchanged: gauges set on every packet are mostly steady, and a
     * skipped store cannot make a reader's snapshot inconsistent.
     *
     * @param index counter index
     * @param value new value
     */
    public void set(int index, long value) {
        if (values[index] != value) {
            values[index] = value;
        }
    }

    /**
     * Stores one counter, for a writer that keeps the running value itself (a store without the
     * load of {@link #add} or {@link #set}); call between {@link #beginWrite()} and
     * {@link #endWrite(long)}.
     *
     * @param index counter index
     * @param value new value
     */
    public void put(int index, long value) {
        values[index] = value;
    }

    /**
     * Adds to one counter; call between {@link #beginWrite()} and {@link #endWrite(long)}.
     *
     * @param index counter index
     * @param delta amount to add
     */
    public void add(int index, long delta) {
        values[index] += delta;
    }

    /**
     * The writer's current value of one counter. Writer thread only.
     *
     * @param index counter index
     * @return the value last set by the writer
     */
    public long get(int index) {
        return values[index];
    }

    /**
     * Copies a consistent snapshot of every counter. Any thread; never blocks the writer (it
     * spins only while a write is in progress, which is a handful of stores).
     *
     * @param into destination, at least {@link #size()} long
     */
    public void read(long[] into) {
        if (into.length < values.length) {
            throw new IllegalArgumentException("into must hold " + values.length + " values: " + into.length);
        }
        while (true) {
            long before = (long) VERSION.getAcquire(this);
            if ((before & 1) == 0) {
                for (int i = 0; i < values.length; i++) {
                    into[i] = (long) VALUES.getOpaque(values, i);
                }
                // The copies above must complete before the version is read again.
                VarHandle.loadLoadFence();
                long after = (long) VERSION.getOpaque(this);
                if (after == before) {
                    return;
                }
            }
            Thread.onSpinWait();
        }
    }
}
