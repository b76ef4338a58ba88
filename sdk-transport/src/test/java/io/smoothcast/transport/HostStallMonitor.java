package io.smoothcast.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures how long this JVM's threads were kept off the CPU while an integration test ran: a
 * daemon thread asks to wake every millisecond and records every wake-up later than
 * {@link #STALL_NS} as a host stall (the interval in which it could not run). The nodes,
 * emulators and clients of a test run in the same JVM at the same priority, so they were held
 * up about as long. On this build machine (2 cores shared with other builds) such stalls reach
 * hundreds of ms; during one, no relay, emulator or viewer thread can move a packet, whatever the
 * product does.
 *
 * <p>Tests use it to tell, and report, how much of a gap between frames was the host's: a gap
 * minus the stall time inside it is the time the product had and did not deliver. Thread-safe.
 */
final class HostStallMonitor implements AutoCloseable {

    /** How often the monitor asks to wake, in ns. */
    static final long TICK_NS = TimeUnit.MILLISECONDS.toNanos(1);
    /** A wake-up this much later than asked, in ns, is recorded as a stall. */
    static final long STALL_NS = TimeUnit.MILLISECONDS.toNanos(20);

    /** Recorded stalls as {start, end} on {@link System#nanoTime()}, in order; guarded by itself. */
    private final List<long[]> stalls = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private HostStallMonitor() {
        thread = new Thread(this::watch, "host-stall-monitor");
        thread.setDaemon(true);
    }

    /** @return a monitor watching from now until {@link #close()} */
    static HostStallMonitor start() {
        HostStallMonitor monitor = new HostStallMonitor();
        monitor.thread.start();
        return monitor;
    }

    private void watch() {
        long lastNs = System.nanoTime();
        while (running) {
            LockSupport.parkNanos(TICK_NS);
            long nowNs = System.nanoTime();
            if (nowNs - lastNs - TICK_NS > STALL_NS) {
                synchronized (stalls) {
                    stalls.add(new long[] {lastNs + TICK_NS, nowNs});
                }
            }
            lastNs = nowNs;
        }
    }

    /**
     * How much of {@code [fromNs, toNs]} (on {@link System#nanoTime()}) lay inside recorded stalls.
     *
     * @return the overlap, in ns
     */
    long stalledNs(long fromNs, long toNs) {
        long total = 0;
        synchronized (stalls) {
            for (long[] s : stalls) {
                long overlap = Math.min(toNs, s[1]) - Math.max(fromNs, s[0]);
                if (overlap > 0) {
                    total += overlap;
                }
            }
        }
        return total;
    }

    /**
     * The longest gap between consecutive times, less the host stalls inside it: the longest
     * time the process could run without the event these times record.
     *
     * @param timesNs event times on {@link System#nanoTime()}, in order
     * @return in ns; 0 for fewer than two times
     */
    long longestGapWithoutStallsNs(List<Long> timesNs) {
        long longest = 0;
        for (int i = 1; i < timesNs.size(); i++) {
            long from = timesNs.get(i - 1);
            long to = timesNs.get(i);
            longest = Math.max(longest, to - from - stalledNs(from, to));
        }
        return longest;
    }

    /** @return the longest recorded stall, in ns; 0 if none */
    long longestNs() {
        long longest = 0;
        synchronized (stalls) {
            for (long[] s : stalls) {
                longest = Math.max(longest, s[1] - s[0]);
            }
        }
        return longest;
    }

    /**
     * For failure messages and the test's printed figures.
     *
     * @param originNs the test's start, on {@link System#nanoTime()}: stalls are given from it
     * @return count, total and longest stall, and the ten longest as "length@start"
     */
    String describe(long originNs) {
        List<long[]> copy;
        synchronized (stalls) {
            copy = new ArrayList<>(stalls);
        }
        long total = 0;
        for (long[] s : copy) {
            total += s[1] - s[0];
        }
        copy.sort((x, y) -> Long.compare(y[1] - y[0], x[1] - x[0]));
        StringBuilder b = new StringBuilder("host stalls over ").append(STALL_NS / 1_000_000).append(" ms: ")
                .append(copy.size()).append(", total ").append(total / 1_000_000).append(" ms");
        for (int i = 0; i < Math.min(10, copy.size()); i++) {
            long[] s = copy.get(i);
            b.append(i == 0 ? " (" : " ").append((s[1] - s[0]) / 1_000_000).append(" ms@")
                    .append(String.format("%.1f", (s[0] - originNs) / 1e9)).append('s');
        }
        return copy.isEmpty() ? b.toString() : b.append(')').toString();
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
