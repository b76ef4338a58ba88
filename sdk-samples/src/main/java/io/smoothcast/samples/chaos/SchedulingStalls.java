package io.smoothcast.samples.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * How long this JVM's threads were kept off the CPU: a background thread asks to sleep
 * {@value #PERIOD_MS} ms at a time and records each wake-up later than {@value #STALL_MS} ms
 * beyond that. On a loaded machine the viewers' own threads are held back the same way, and a
 * viewer whose I/O or playout thread does not run for longer than its playout delay loses
 * frames that no network redundancy can save; the summary lists the stalls so that such a loss
 * can be told from one the SDK caused.
 *
 * <p>Thread-safe: the monitor thread writes, the run reads.
 */
final class SchedulingStalls implements AutoCloseable {

    static final int PERIOD_MS = 5;
    static final int STALL_MS = 100;
    /** Stalls listed; the count and the longest cover all of them. */
    static final int LISTED = 50;

    private final long originNs;
    private final List<String> listed = new ArrayList<>();
    private final SamplingThread thread;
    private long count;
    private long longestMs;

    /** @param originNs the run's time origin, {@link System#nanoTime()} scale */
    SchedulingStalls(long originNs) {
        this.originNs = originNs;
        thread = new SamplingThread("chaos-scheduling-stalls", this::watch);
    }

    private void watch(BooleanSupplier running) {
        long beforeNs = System.nanoTime();
        while (running.getAsBoolean()) {
            try {
                Thread.sleep(PERIOD_MS); // the measurement itself: how late does a short sleep end
            } catch (InterruptedException e) {
                return;
            }
            long afterNs = System.nanoTime();
            long lateMs = TimeUnit.NANOSECONDS.toMillis(afterNs - beforeNs) - PERIOD_MS;
            if (lateMs >= STALL_MS) {
                synchronized (this) {
                    count++;
                    longestMs = Math.max(longestMs, lateMs);
                    if (listed.size() < LISTED) {
                        listed.add(TimeUnit.NANOSECONDS.toMillis(beforeNs - originNs) + " ms: " + lateMs + " ms");
                    }
                }
            }
            beforeNs = afterNs;
        }
    }

    /** @return stalls of at least {@value #STALL_MS} ms so far */
    synchronized long count() {
        return count;
    }

    /** @return the longest stall so far, ms (0 if none reached {@value #STALL_MS} ms) */
    synchronized long longestMs() {
        return longestMs;
    }

    /** @return the first {@value #LISTED} stalls, "start ms after the origin: length ms" */
    synchronized List<String> listed() {
        return List.copyOf(listed);
    }

    @Override
    public void close() {
        thread.close();
    }
}
