package io.smoothcast.cc;

/**
 * A reusable batch of transport-wide feedback entries: for each reported transport-wide sequence
 * number, either its receive time or that it was lost. The transport fills one from each
 * transport-cc feedback packet (unwrapping the 16-bit sequence numbers, converting the receiver's
 * reference time and deltas to nanoseconds) and hands it to
 * {@link CongestionController#onFeedback(TransportFeedback, long)}; then {@link #clear()} and
 * refill it. No allocation after construction.
 *
 * <p>Receive times are on the receiver's clock: only differences between them are used. Entries
 * should be in the order the packets arrived (for transport-cc: sequence order). A packet that
 * arrived but whose receive time is not its arrival time (a receiver or relay read it late, after
 * a stall of its own thread) is added {@linkplain #addReceivedUntimed untimed}: it counts as
 * received for the loss share and nothing else.
 *
 * <p>Thread-safety: not thread-safe; fill and consume it on one thread.
 */
public final class TransportFeedback {

    private final long[] sequences;
    private final long[] receiveTimesNs;
    private final boolean[] received;
    private final boolean[] timed;
    private int size;

    /** @param capacity the most entries one batch holds, &gt; 0 (a transport-cc packet covers up to 65535) */
    public TransportFeedback(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be > 0: " + capacity);
        }
        sequences = new long[capacity];
        receiveTimesNs = new long[capacity];
        received = new boolean[capacity];
        timed = new boolean[capacity];
    }

    /** Empties the batch for reuse. */
    public void clear() {
        size = 0;
    }

    /**
     * Adds a packet that arrived.
     *
     * @param transportSequence unwrapped transport-wide sequence number, &gt;= 0
     * @param receiveTimeNs its arrival time on the receiver's clock, in ns
     * @return false (and nothing added) if the batch is full or the sequence is negative
     */
    public boolean addReceived(long transportSequence, long receiveTimeNs) {
        return add(transportSequence, receiveTimeNs, true, true);
    }

    /**
     * Adds a packet that arrived at an unknown time: the receiver (or a relay on the way) said its
     * reported time is when a stalled thread read it, not when it arrived. It counts as received
     * for the loss share; its time is used for nothing.
     *
     * @param transportSequence unwrapped transport-wide sequence number, &gt;= 0
     * @return false (and nothing added) if the batch is full or the sequence is negative
     */
    public boolean addReceivedUntimed(long transportSequence) {
        return add(transportSequence, 0L, true, false);
    }

    /**
     * Adds a packet reported as not received.
     *
     * @param transportSequence unwrapped transport-wide sequence number, &gt;= 0
     * @return false (and nothing added) if the batch is full or the sequence is negative
     */
    public boolean addLost(long transportSequence) {
        return add(transportSequence, 0L, false, false);
    }

    private boolean add(long transportSequence, long receiveTimeNs, boolean wasReceived, boolean wasTimed) {
        if (size == sequences.length || transportSequence < 0) {
            return false;
        }
        sequences[size] = transportSequence;
        receiveTimesNs[size] = receiveTimeNs;
        received[size] = wasReceived;
        timed[size] = wasTimed;
        size++;
        return true;
    }

    /** @return the number of entries */
    public int size() {
        return size;
    }

    /** @return the most entries this batch can hold */
    public int capacity() {
        return sequences.length;
    }

    /**
     * @param index 0 to {@code size() - 1}
     * @return the entry's transport-wide sequence number
     */
    public long sequence(int index) {
        checkIndex(index);
        return sequences[index];
    }

    /**
     * @param index 0 to {@code size() - 1}
     * @return whether the entry's packet arrived
     */
    public boolean isReceived(int index) {
        checkIndex(index);
        return received[index];
    }

    /**
     * @param index 0 to {@code size() - 1}
     * @return whether the entry's packet arrived and {@link #receiveTimeNs} is its arrival time
     *     (false for a lost packet and for one {@linkplain #addReceivedUntimed received untimed})
     */
    public boolean hasReceiveTime(int index) {
        checkIndex(index);
        return timed[index];
    }

    /**
     * @param index 0 to {@code size() - 1}
     * @return the receive time in ns on the receiver's clock (0 for a lost packet or one received
     *     untimed)
     */
    public long receiveTimeNs(int index) {
        checkIndex(index);
        return receiveTimesNs[index];
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " outside [0, " + size + ")");
        }
    }
}
