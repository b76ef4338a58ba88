package io.smoothcast.benchmarks.jitter;

/**
 * What the two threads of {@link JitterBufferSpscWindows} did in each window: polls that found
 * nothing (each followed by a yield), polls that delivered, the producer's waits at the in-flight
 * limit (each a yield), and each thread's CPU time. A window in which both threads were on a CPU
 * for most of the wall time was not disturbed by other processes, so its rate is the buffer's
 * own; those windows are split into fast and slow ones to compare the two modes the two-thread
 * runs settle into (BENCHMARKS.md, jitter buffer, sessions 6 and 7).
 *
 * <p>Not thread-safe; used by the consumer thread only.
 */
final class WindowCounts {

    static final int WALL_NS = 0;
    static final int DELIVERED = 1;
    static final int DELIVERING_POLLS = 2;
    static final int EMPTY_POLLS = 3;
    static final int PRODUCER_WAITS = 4;
    static final int PRODUCER_CPU_NS = 5;
    static final int CONSUMER_CPU_NS = 6;
    static final int FIELDS = 7;

    /** Both threads' CPU time at least this share of the window's wall time: undisturbed. */
    private static final double RUNNING_SHARE = 0.9;
    /** Undisturbed windows below this rate are the slow mode, in packets per second. */
    private static final double SLOW_BELOW_PPS = 10e6;

    /** Per window, the difference of each field over the window. */
    private final long[][] deltas;

    WindowCounts(int maxWindows) {
        deltas = new long[maxWindows][FIELDS];
    }

    /** Records window {@code index}, from the counts at its start and end. */
    void record(int index, long[] start, long[] end) {
        long[] d = deltas[index];
        for (int f = 0; f < FIELDS; f++) {
            d[f] = end[f] - start[f];
        }
    }

    /** Prints the undisturbed windows of the first {@code windows}, slow and fast separately. */
    void print(int windows) {
        Mode slow = new Mode();
        Mode fast = new Mode();
        int disturbed = 0;
        for (int i = 0; i < windows; i++) {
            long[] d = deltas[i];
            double wall = d[WALL_NS];
            if (d[PRODUCER_CPU_NS] < RUNNING_SHARE * wall || d[CONSUMER_CPU_NS] < RUNNING_SHARE * wall) {
                disturbed++;
                continue;
            }
            double pps = d[DELIVERED] * 1e9 / wall;
            (pps < SLOW_BELOW_PPS ? slow : fast).add(d);
        }
        System.out.printf("  windows with both threads on a CPU >= %.0f %% of the time: %d (disturbed: %d)%n",
                RUNNING_SHARE * 100, slow.windows + fast.windows, disturbed);
        slow.print("slow (< 10 M/s)");
        fast.print("fast (>= 10 M/s)");
    }

    /** Sums over the windows of one mode. */
    private static final class Mode {
        int windows;
        final long[] sum = new long[FIELDS];

        void add(long[] d) {
            windows++;
            for (int f = 0; f < FIELDS; f++) {
                sum[f] += d[f];
            }
        }

        void print(String name) {
            if (windows == 0) {
                System.out.printf("  %s: no window%n", name);
                return;
            }
            double wallS = sum[WALL_NS] / 1e9;
            double packets = sum[DELIVERED];
            System.out.printf("  %s: %d windows, %.2f M packets/s; per delivered packet: empty polls %.4f,"
                    + " producer waits %.4f; packets per delivering poll %.2f; yields per second: consumer %.0f,"
                    + " producer %.0f; CPU ns per packet: producer %.1f, consumer %.1f%n",
                    name, windows, packets / wallS / 1e6, sum[EMPTY_POLLS] / packets, sum[PRODUCER_WAITS] / packets,
                    packets / sum[DELIVERING_POLLS], sum[EMPTY_POLLS] / wallS, sum[PRODUCER_WAITS] / wallS,
                    sum[PRODUCER_CPU_NS] / packets, sum[CONSUMER_CPU_NS] / packets);
        }
    }
}
