package io.smoothcast.history;

import io.smoothcast.alert.AlertEvent;
import io.smoothcast.alert.AlertListener;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps history file I/O off the media path: {@link #offer(Object)} stamps a snapshot or event
 * with the wall clock and puts it in a bounded queue without blocking; one daemon thread
 * ("smoothcast-history") takes records from the queue, appends them with a
 * {@link HistoryWriter}, and flushes whenever the queue runs empty. When the queue is full the
 * record is dropped and counted ({@link #droppedRecords()}): losing history beats stalling
 * media.
 *
 * <p>Thread-safety: {@link #offer}, the counters and {@link #alertListener()} may be used from
 * any thread; {@link #close()} from one. A record offered while {@link #close()} runs may be
 * lost without being counted; stop producers before closing. The wrapped {@link HistoryWriter} is used only by the
 * writer thread from construction on.
 */
public final class BackgroundHistoryWriter implements AutoCloseable {

    /** Default queue capacity, records. */
    public static final int DEFAULT_CAPACITY = 8_192;

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundHistoryWriter.class);
    /** Tells the writer thread that everything before it was written and it should stop. */
    private static final Object STOP = new Object();

    private final HistoryWriter writer;
    private final LongSupplier wallClockMs;
    private final BlockingQueue<Object> queue;
    private final Thread thread;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean closed;

    /**
     * Starts the writer thread.
     *
     * @param writer the writer to feed; not null; owned (and closed) by this object from now on
     * @param capacity the queue's capacity, records; >= 1
     * @param wallClockMs the wall clock stamped on records, ms since the epoch; not null
     */
    public BackgroundHistoryWriter(HistoryWriter writer, int capacity, LongSupplier wallClockMs) {
        if (writer == null) {
            throw new IllegalArgumentException("writer must not be null");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
        }
        if (wallClockMs == null) {
            throw new IllegalArgumentException("wallClockMs must not be null");
        }
        this.writer = writer;
        this.wallClockMs = wallClockMs;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, "smoothcast-history");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues a snapshot or event for writing; never blocks.
     *
     * @param snapshotOrEvent a {@link io.smoothcast.stats.ReceiveStreamStats},
     *     {@link io.smoothcast.stats.SendStreamStats}, {@link io.smoothcast.stats.NodeStats} or
     *     {@link AlertEvent}
     * @return true if queued; false if the queue was full or this writer is closed (counted as
     *     dropped)
     * @throws IllegalArgumentException if the value is of another type
     */
    public boolean offer(Object snapshotOrEvent) {
        HistoryRecord record = new HistoryRecord(wallClockMs.getAsLong(), snapshotOrEvent);
        if (closed || !queue.offer(record)) {
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    /**
     * @return a listener that offers every raised and cleared alert event; its callbacks never
     *     block, so it is safe on the evaluator's thread
     */
    public AlertListener alertListener() {
        return new AlertListener() {
            @Override
            public void onRaised(AlertEvent event) {
                offer(event);
            }

            @Override
            public void onCleared(AlertEvent event) {
                offer(event);
            }
        };
    }

    /** @return records dropped because the queue was full or the writer closed */
    public long droppedRecords() {
        return dropped.get();
    }

    /** @return records appended to files */
    public long writtenRecords() {
        return written.get();
    }

    /** @return records that could not be written (I/O errors, logged) */
    public long failedRecords() {
        return failures.get();
    }

    /**
     * Stops accepting records, waits until every queued record is written, and closes the
     * files.
     *
     * @throws InterruptedException if interrupted while waiting for the writer thread
     */
    @Override
    public void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        // put, not offer: the writer thread keeps draining, so a full queue frees a slot.
        queue.put(STOP);
        thread.join();
    }

    private void run() {
        try {
            while (true) {
                Object item = queue.take();
                if (item == STOP) {
                    break;
                }
                write((HistoryRecord) item);
                if (queue.isEmpty()) {
                    flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                writer.close();
            } catch (IOException e) {
                LOG.warn("closing the history file failed", e);
            }
        }
    }

    private void write(HistoryRecord record) {
        try {
            writer.append(record);
            written.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            long n = failures.incrementAndGet();
            if (Long.bitCount(n) == 1) {
                // Log the 1st, 2nd, 4th, 8th ... failure: a full disk must not flood the log.
                LOG.warn("writing history failed ({} failures so far)", n, e);
            }
        }
    }

    private void flush() {
        try {
            writer.flush();
        } catch (IOException e) {
            failures.incrementAndGet();
            LOG.warn("flushing history failed", e);
        }
    }
}
