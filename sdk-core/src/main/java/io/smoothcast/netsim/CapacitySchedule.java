package io.smoothcast.netsim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * The capacity of a link over time: a list of steps, each holding a bitrate from its start until
 * the next step starts. Times are offsets from the schedule's origin (the link decides where the
 * origin lies on its own time axis), in nanoseconds.
 *
 * <p>A step may have a capacity of 0 bit/s: that is a real outage (nothing is serialized while it
 * lasts), never a division by zero.
 *
 * <p>After the last step the schedule either {@linkplain AfterEnd#REPEAT repeats} from its start
 * or {@linkplain AfterEnd#HOLD holds} the last value forever; the caller chooses.
 *
 * <p>Thread-safety: immutable, safe to share between threads.
 */
public final class CapacitySchedule {

    /** What a schedule does after its last step has run for its length. */
    public enum AfterEnd {
        /** Start again from the first step. */
        REPEAT,
        /** Keep the last step's capacity forever. */
        HOLD
    }

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long[] stepStartNs;
    private final long[] stepBitrateBps;
    private final long durationNs;
    private final AfterEnd afterEnd;
    /** Bits the link carries over one whole period; used to skip whole periods when repeating. */
    private final double bitsPerPeriod;

    private CapacitySchedule(long[] stepStartNs, long[] stepBitrateBps, long durationNs, AfterEnd afterEnd) {
        this.stepStartNs = stepStartNs;
        this.stepBitrateBps = stepBitrateBps;
        this.durationNs = durationNs;
        this.afterEnd = afterEnd;
        double bits = 0;
        for (int i = 0; i < stepStartNs.length; i++) {
            bits += stepBitrateBps[i] * (double) (stepEndNs(i) - stepStartNs[i]) / NANOS_PER_SECOND;
        }
        this.bitsPerPeriod = bits;
    }

    /**
     * A capacity that never changes (one step with a nominal {@link #durationNs()} of 1 s, held).
     *
     * @param bitrateBps the capacity in bit/s; must be &gt;= 0
     * @return the schedule
     */
    public static CapacitySchedule constant(long bitrateBps) {
        requireBitrate(bitrateBps, "bitrateBps");
        return new CapacitySchedule(new long[] {0L}, new long[] {bitrateBps}, NANOS_PER_SECOND, AfterEnd.HOLD);
    }

    /**
     * A schedule of steps.
     *
     * @param stepStartNs start offset of each step in ns; the first must be 0, then strictly
     *     increasing
     * @param stepBitrateBps the capacity of each step in bit/s, each &gt;= 0; same length as
     *     {@code stepStartNs}
     * @param durationNs the length of the whole schedule in ns (the last step lasts until then);
     *     must be greater than the last start
     * @param afterEnd what happens after {@code durationNs}
     * @return the schedule (the arrays are copied)
     */
    public static CapacitySchedule steps(long[] stepStartNs, long[] stepBitrateBps, long durationNs, AfterEnd afterEnd) {
        Objects.requireNonNull(stepStartNs, "stepStartNs");
        Objects.requireNonNull(stepBitrateBps, "stepBitrateBps");
        Objects.requireNonNull(afterEnd, "afterEnd");
        if (stepStartNs.length == 0 || stepStartNs.length != stepBitrateBps.length) {
            throw new IllegalArgumentException("stepStartNs and stepBitrateBps must be non-empty and of equal length: "
                    + stepStartNs.length + " vs " + stepBitrateBps.length);
        }
        if (stepStartNs[0] != 0) {
            throw new IllegalArgumentException("stepStartNs[0] must be 0: " + stepStartNs[0]);
        }
        for (int i = 0; i < stepStartNs.length; i++) {
            if (i > 0 && stepStartNs[i] <= stepStartNs[i - 1]) {
                throw new IllegalArgumentException("stepStartNs must be strictly increasing at index " + i);
            }
            requireBitrate(stepBitrateBps[i], "stepBitrateBps[" + i + "]");
        }
        if (durationNs <= stepStartNs[stepStartNs.length - 1]) {
            throw new IllegalArgumentException("durationNs must be after the last step start: " + durationNs);
        }
        return new CapacitySchedule(stepStartNs.clone(), stepBitrateBps.clone(), durationNs, afterEnd);
    }

    /**
     * Reads a trace file in the format of the shared traces ({@code time_s<TAB>Mbps} per line,
     * {@code #} comments, optional {@code # total_duration_s: N}). Mbps means 10^6 bit/s.
     *
     * <p>When the file gives no total duration (Norway, FCC), the last step is given the mean
     * length of the other steps, so a repeating schedule does not drop it and the period has a
     * defined length.
     *
     * @param file the trace file (UTF-8)
     * @param afterEnd what happens after the trace ends
     * @return the schedule
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the content is not a valid trace (the message names
     *     the line)
     */
    public static CapacitySchedule fromTraceFile(Path file, AfterEnd afterEnd) throws IOException {
        Objects.requireNonNull(file, "file");
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return fromTrace(reader, afterEnd);
        }
    }

    /**
     * Parses trace text; see {@link #fromTraceFile(Path, AfterEnd)}.
     *
     * @param text the whole trace
     * @param afterEnd what happens after the trace ends
     * @return the schedule
     */
    public static CapacitySchedule fromTraceText(String text, AfterEnd afterEnd) {
        Objects.requireNonNull(text, "text");
        try {
            return fromTrace(new StringReader(text), afterEnd);
        } catch (IOException e) {
            throw new IllegalStateException("a StringReader does not throw", e);
        }
    }

    private static CapacitySchedule fromTrace(Reader reader, AfterEnd afterEnd) throws IOException {
        Objects.requireNonNull(afterEnd, "afterEnd");
        BufferedReader lines = new BufferedReader(reader);
        long[] starts = new long[64];
        long[] rates = new long[64];
        int count = 0;
        long totalDurationNs = -1;
        int lineNumber = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            lineNumber++;
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.startsWith("#")) {
                String comment = trimmed.substring(1).strip();
                if (comment.startsWith("total_duration_s:")) {
                    double seconds = parseNumber(comment.substring("total_duration_s:".length()).strip(), lineNumber);
                    totalDurationNs = secondsToNs(seconds, lineNumber);
                }
                continue;
            }
            String[] fields = trimmed.split("\\s+");
            if (fields.length != 2) {
                throw new IllegalArgumentException("trace line " + lineNumber + ": expected 'time_s<TAB>Mbps': " + line);
            }
            long startNs = secondsToNs(parseNumber(fields[0], lineNumber), lineNumber);
            double mbps = parseNumber(fields[1], lineNumber);
            if (mbps < 0 || mbps > 1e6) {
                throw new IllegalArgumentException("trace line " + lineNumber + ": Mbps out of range: " + fields[1]);
            }
            if (count == 0 && startNs != 0) {
                throw new IllegalArgumentException("trace line " + lineNumber + ": the first step must start at 0");
            }
            if (count > 0 && startNs <= starts[count - 1]) {
                throw new IllegalArgumentException("trace line " + lineNumber + ": time_s must be strictly increasing");
            }
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
                rates = Arrays.copyOf(rates, count * 2);
            }
            starts[count] = startNs;
            rates[count] = Math.round(mbps * 1e6);
            count++;
        }
        if (count == 0) {
            throw new IllegalArgumentException("trace has no steps");
        }
        long lastStartNs = starts[count - 1];
        long durationNs;
        if (totalDurationNs >= 0) {
            if (totalDurationNs <= lastStartNs) {
                throw new IllegalArgumentException("total_duration_s must be after the last step");
            }
            durationNs = totalDurationNs;
        } else if (count == 1) {
            durationNs = NANOS_PER_SECOND;
        } else {
            durationNs = lastStartNs + lastStartNs / (count - 1);
        }
        return new CapacitySchedule(Arrays.copyOf(starts, count), Arrays.copyOf(rates, count), durationNs, afterEnd);
    }

    private static double parseNumber(String text, int lineNumber) {
        try {
            double value = Double.parseDouble(text);
            if (!Double.isFinite(value)) {
                throw new NumberFormatException("not finite");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("trace line " + lineNumber + ": not a number: " + text, e);
        }
    }

    private static long secondsToNs(double seconds, int lineNumber) {
        if (seconds < 0 || seconds > 1e7) {
            throw new IllegalArgumentException("trace line " + lineNumber + ": time out of range: " + seconds);
        }
        return Math.round(seconds * NANOS_PER_SECOND);
    }

    private static void requireBitrate(long bitrateBps, String name) {
        if (bitrateBps < 0) {
            throw new IllegalArgumentException(name + " must be >= 0: " + bitrateBps);
        }
    }

    /** @return the length of one pass through the schedule, in ns */
    public long durationNs() {
        return durationNs;
    }

    /** @return what happens after the last step */
    public AfterEnd afterEnd() {
        return afterEnd;
    }

    /** @return the number of steps */
    public int stepCount() {
        return stepStartNs.length;
    }

    /**
     * @return the time-weighted mean capacity over one pass, in bit/s
     */
    public double meanBitrateBps() {
        return bitsPerPeriod * NANOS_PER_SECOND / durationNs;
    }

    /**
     * The capacity at an offset from the origin. Offsets before the origin read the first step.
     *
     * @param offsetNs time since the schedule origin, in ns
     * @return the capacity in bit/s
     */
    public long bitrateBpsAt(long offsetNs) {
        return stepBitrateBps[stepIndexAt(offsetNs)];
    }

    /**
     * Finds when a link following this schedule, starting to serialize {@code bits} at
     * {@code startOffsetNs}, has finished (integrating the capacity across steps and outages).
     *
     * @param startOffsetNs when serialization starts, in ns since the origin
     * @param bits how many bits to serialize; must be &gt;= 0 and at most 2^40
     * @return the offset in ns when the last bit is out, or {@link Long#MAX_VALUE} if the
     *     schedule never carries that many bits (a held outage)
     */
    public long transmissionEndNs(long startOffsetNs, long bits) {
        if (bits < 0 || bits > (1L << 40)) {
            throw new IllegalArgumentException("bits must be in [0, 2^40]: " + bits);
        }
        long timeNs = Math.max(0L, startOffsetNs);
        double remainingBits = bits;
        // Bounded: each iteration ends a step; whole periods are skipped arithmetically below.
        while (true) {
            if (remainingBits <= 0) {
                return timeNs;
            }
            long periodStartNs = 0;
            long localNs = timeNs;
            if (timeNs >= durationNs) {
                if (afterEnd == AfterEnd.HOLD) {
                    long rate = stepBitrateBps[stepBitrateBps.length - 1];
                    if (rate == 0) {
                        return Long.MAX_VALUE;
                    }
                    return saturatedAdd(timeNs, ceilNs(remainingBits, rate));
                }
                if (bitsPerPeriod <= 0) {
                    return Long.MAX_VALUE;
                }
                periodStartNs = timeNs - timeNs % durationNs;
                localNs = timeNs - periodStartNs;
                if (localNs == 0 && remainingBits > bitsPerPeriod) {
                    long wholePeriods = (long) Math.floor((remainingBits - 1e-9) / bitsPerPeriod);
                    if (wholePeriods > 0) {
                        remainingBits -= wholePeriods * bitsPerPeriod;
                        timeNs = saturatedAdd(timeNs, wholePeriods * durationNs);
                        if (timeNs == Long.MAX_VALUE) {
                            return Long.MAX_VALUE;
                        }
                        continue;
                    }
                }
            }
            int index = stepIndexAt(localNs);
            long rate = stepBitrateBps[index];
            long stepEndNs = periodStartNs + stepEndNs(index);
            long available = stepEndNs - timeNs;
            if (rate > 0) {
                long neededNs = ceilNs(remainingBits, rate);
                if (neededNs <= available) {
                    return timeNs + neededNs;
                }
                remainingBits -= rate * (double) available / NANOS_PER_SECOND;
            }
            timeNs = stepEndNs;
        }
    }

    private static long ceilNs(double bits, long rateBps) {
        double ns = Math.ceil(bits * NANOS_PER_SECOND / rateBps);
        return ns >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) ns;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    private long stepEndNs(int index) {
        return index + 1 < stepStartNs.length ? stepStartNs[index + 1] : durationNs;
    }

    private int stepIndexAt(long offsetNs) {
        if (offsetNs <= 0) {
            return 0;
        }
        long localNs = offsetNs;
        if (offsetNs >= durationNs) {
            if (afterEnd == AfterEnd.HOLD) {
                return stepStartNs.length - 1;
            }
            localNs = offsetNs % durationNs;
        }
        int found = Arrays.binarySearch(stepStartNs, localNs);
        return found >= 0 ? found : -found - 2;
    }

    @Override
    public String toString() {
        return "CapacitySchedule[" + stepStartNs.length + " steps, " + durationNs / 1_000_000 + " ms, " + afterEnd
                + ", mean " + Math.round(meanBitrateBps()) + " bps]";
    }
}
