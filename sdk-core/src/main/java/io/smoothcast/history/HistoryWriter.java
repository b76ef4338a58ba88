package io.smoothcast.history;

import io.smoothcast.alert.AlertEvent;
import io.smoothcast.stats.NodeStats;
import io.smoothcast.stats.ReceiveStreamStats;
import io.smoothcast.stats.SendStreamStats;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Appends snapshots and alert events as JSON lines (one {@link HistoryRecord} per line, UTF-8)
 * to rotating files in a directory, for later analysis and reports.
 *
 * <p>Files are named {@code <prefix>-<yyyyMMdd-HHmmss-SSS>-<sequence>.jsonl} after the UTC time
 * they were opened, so their names sort in the order they were written. A new file is started
 * when the current one would exceed {@link Builder#maxFileBytes(long)} or is older than
 * {@link Builder#maxFileAgeMs(long)} (measured on the records' wall-clock times); after each new
 * file the oldest files with the same prefix are deleted so that at most
 * {@link Builder#maxFiles(int)} remain. Each writer starts a new file; it never appends to a file
 * of an earlier run.
 *
 * <p>Lines are buffered: call {@link #flush()} to push them to the file system (alert events are
 * flushed at once).
 *
 * <p>This class does blocking file I/O. Never call it from a media or network I/O thread: use
 * {@link BackgroundHistoryWriter}, which hands records to a writer thread through a bounded
 * queue. Not thread-safe: one thread uses an instance.
 */
public final class HistoryWriter implements Closeable {

    /** Default largest file size: 16 MiB. */
    public static final long DEFAULT_MAX_FILE_BYTES = 16L << 20;
    /** Default longest time one file covers: 1 h. */
    public static final long DEFAULT_MAX_FILE_AGE_MS = 3_600_000L;
    /** Default number of files kept: 48. */
    public static final int DEFAULT_MAX_FILES = 48;
    /** Default file name prefix. */
    public static final String DEFAULT_PREFIX = "smoothcast-history";
    /** File name suffix of history files. */
    public static final String SUFFIX = ".jsonl";

    private static final DateTimeFormatter NAME_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
    private static final int MAX_NAME_ATTEMPTS = 1_000;

    private final Path directory;
    private final String prefix;
    private final long maxFileBytes;
    private final long maxFileAgeMs;
    private final int maxFiles;
    private final LongSupplier wallClockMs;

    private BufferedWriter out;
    private Path currentFile;
    private long currentBytes;
    private long currentOpenedMs;
    private int sequence;
    private boolean closed;

    private HistoryWriter(Builder b) {
        this.directory = b.directory;
        this.prefix = b.prefix;
        this.maxFileBytes = b.maxFileBytes;
        this.maxFileAgeMs = b.maxFileAgeMs;
        this.maxFiles = b.maxFiles;
        this.wallClockMs = b.wallClockMs;
    }

    /**
     * @param directory where the files go; created if missing
     * @return a builder with the defaults
     */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /**
     * @param stats a snapshot, stamped with the wall clock now
     * @throws IOException if writing fails
     */
    public void append(ReceiveStreamStats stats) throws IOException {
        append(new HistoryRecord(wallClockMs.getAsLong(), stats));
    }

    /**
     * @param stats a snapshot, stamped with the wall clock now
     * @throws IOException if writing fails
     */
    public void append(SendStreamStats stats) throws IOException {
        append(new HistoryRecord(wallClockMs.getAsLong(), stats));
    }

    /**
     * @param stats a snapshot, stamped with the wall clock now
     * @throws IOException if writing fails
     */
    public void append(NodeStats stats) throws IOException {
        append(new HistoryRecord(wallClockMs.getAsLong(), stats));
    }

    /**
     * @param event an alert event, stamped with the wall clock now
     * @throws IOException if writing fails
     */
    public void append(AlertEvent event) throws IOException {
        append(new HistoryRecord(wallClockMs.getAsLong(), event));
    }

    /**
     * Appends a record as one line, rotating first if needed.
     *
     * @param record the record; not null
     * @throws IOException if the file cannot be written
     * @throws IllegalStateException after {@link #close()}
     */
    public void append(HistoryRecord record) throws IOException {
        if (record == null) {
            throw new IllegalArgumentException("record must not be null");
        }
        if (closed) {
            throw new IllegalStateException("history writer is closed");
        }
        String line = HistoryCodec.encode(record);
        long lineBytes = utf8Length(line) + 1;
        boolean tooBig = currentBytes > 0 && currentBytes + lineBytes > maxFileBytes;
        boolean tooOld = record.wallTimeMs() - currentOpenedMs >= maxFileAgeMs;
        if (out == null || tooBig || tooOld) {
            rotate(record.wallTimeMs());
        }
        out.write(line);
        out.write('\n');
        currentBytes += lineBytes;
        if (record.kind() == HistoryRecord.Kind.ALERT) {
            out.flush();
        }
    }

    /** @return the file being written, or null before the first record */
    public Path currentFile() {
        return currentFile;
    }

    /** @throws IOException if flushing fails */
    public void flush() throws IOException {
        if (out != null) {
            out.flush();
        }
    }

    /**
     * Flushes and closes the current file. Idempotent.
     * @throws IOException if closing fails
     */
    @Override
    public void close() throws IOException {
        closed = true;
        if (out != null) {
            BufferedWriter w = out;
            out = null;
            w.close();
        }
    }

    private void rotate(long wallTimeMs) throws IOException {
        if (out != null) {
            BufferedWriter w = out;
            out = null;
            w.close();
        }
        Files.createDirectories(directory);
        for (int attempt = 0; ; attempt++) {
            Path file = directory.resolve(prefix + "-" + NAME_TIME.format(Instant.ofEpochMilli(wallTimeMs)) + "-"
                    + String.format("%06d", sequence++) + SUFFIX);
            try {
                out = new BufferedWriter(new OutputStreamWriter(
                        Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        StandardCharsets.UTF_8));
                currentFile = file;
                break;
            } catch (FileAlreadyExistsException taken) {
                if (attempt >= MAX_NAME_ATTEMPTS) {
                    throw taken;
                }
            }
        }
        currentBytes = 0;
        currentOpenedMs = wallTimeMs;
        prune();
    }

    private void prune() throws IOException {
        List<Path> files = HistoryReader.listFiles(directory, prefix);
        for (int i = 0; i < files.size() - maxFiles; i++) {
            if (!files.get(i).equals(currentFile)) {
                Files.deleteIfExists(files.get(i));
            }
        }
    }

    private static long utf8Length(String s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** Collects a writer's settings. Not thread-safe. */
    public static final class Builder {
        private final Path directory;
        private String prefix = DEFAULT_PREFIX;
        private long maxFileBytes = DEFAULT_MAX_FILE_BYTES;
        private long maxFileAgeMs = DEFAULT_MAX_FILE_AGE_MS;
        private int maxFiles = DEFAULT_MAX_FILES;
        private LongSupplier wallClockMs = System::currentTimeMillis;

        private Builder(Path directory) {
            if (directory == null) {
                throw new IllegalArgumentException("directory must not be null");
            }
            this.directory = directory;
        }

        /**
         * @param v file name prefix: letters, digits, '.', '_' and '-' only; not empty; default
         *     {@value HistoryWriter#DEFAULT_PREFIX}
         * @return this builder
         */
        public Builder filePrefix(String v) {
            if (v == null || !v.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("filePrefix must be non-empty [A-Za-z0-9._-]: " + v);
            }
            prefix = v;
            return this;
        }

        /**
         * @param v largest file size, bytes; >= 1 (a longer line gets a file of its own); default
         *     {@value HistoryWriter#DEFAULT_MAX_FILE_BYTES} (16 MiB)
         * @return this builder
         */
        public Builder maxFileBytes(long v) {
            if (v < 1) {
                throw new IllegalArgumentException("maxFileBytes must be >= 1: " + v);
            }
            maxFileBytes = v;
            return this;
        }

        /**
         * @param v longest span of one file, ms; > 0 (Long.MAX_VALUE: size only); default
         *     {@value HistoryWriter#DEFAULT_MAX_FILE_AGE_MS} (1 hour)
         * @return this builder
         */
        public Builder maxFileAgeMs(long v) {
            if (v <= 0) {
                throw new IllegalArgumentException("maxFileAgeMs must be > 0: " + v);
            }
            maxFileAgeMs = v;
            return this;
        }

        /**
         * @param v files kept, the current one included; >= 1; default {@value HistoryWriter#DEFAULT_MAX_FILES}
         * @return this builder
         */
        public Builder maxFiles(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("maxFiles must be >= 1: " + v);
            }
            maxFiles = v;
            return this;
        }

        /**
         * @param v the wall clock, milliseconds since the epoch, for records appended without a
         *     time (tests pass a manual one); not null; default the system clock
         * @return this builder
         */
        public Builder wallClockMs(LongSupplier v) {
            if (v == null) {
                throw new IllegalArgumentException("wallClockMs must not be null");
            }
            wallClockMs = v;
            return this;
        }

        /** @return the writer; no file is created before the first record */
        public HistoryWriter build() {
            return new HistoryWriter(this);
        }
    }
}
