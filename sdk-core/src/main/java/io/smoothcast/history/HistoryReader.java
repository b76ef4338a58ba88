package io.smoothcast.history;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the records of the history files written by {@link HistoryWriter} back, oldest file
 * first, line by line: files are opened one at a time and never loaded whole.
 *
 * <p>Files are untrusted (truncated by a crash, edited by hand): a line that is not a valid
 * record (bad JSON, wrong field types, out-of-range values, longer than
 * {@link #DEFAULT_MAX_LINE_CHARS} bytes, bad UTF-8) is skipped and counted in
 * {@link #malformedLines()}; reading goes on with the next line.
 *
 * <p>Not thread-safe: one thread consumes a stream; the malformed-line count is for that thread.
 */
public final class HistoryReader {

    /** Longest line accepted, bytes: 1 MiB. */
    public static final int DEFAULT_MAX_LINE_CHARS = 1 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(HistoryReader.class);

    private final Path directory;
    private final String prefix;
    private final int maxLineChars;
    private long malformedLines;

    private HistoryReader(Path directory, String prefix, int maxLineChars) {
        this.directory = directory;
        this.prefix = prefix;
        this.maxLineChars = maxLineChars;
    }

    /**
     * @param directory the history directory; not null
     * @param filePrefix the writer's file prefix (usually {@link HistoryWriter#DEFAULT_PREFIX})
     * @return a reader
     */
    public static HistoryReader of(Path directory, String filePrefix) {
        return of(directory, filePrefix, DEFAULT_MAX_LINE_CHARS);
    }

    /**
     * @param directory the history directory; not null
     * @param filePrefix the writer's file prefix; not empty
     * @param maxLineChars longest line accepted, bytes of UTF-8; >= 16
     * @return a reader
     */
    public static HistoryReader of(Path directory, String filePrefix, int maxLineChars) {
        if (directory == null) {
            throw new IllegalArgumentException("directory must not be null");
        }
        if (filePrefix == null || filePrefix.isEmpty()) {
            throw new IllegalArgumentException("filePrefix must not be empty: " + filePrefix);
        }
        if (maxLineChars < 16) {
            throw new IllegalArgumentException("maxLineChars must be >= 16: " + maxLineChars);
        }
        return new HistoryReader(directory, filePrefix, maxLineChars);
    }

    /**
     * @return the history files, oldest first (empty if the directory does not exist)
     * @throws IOException if the directory cannot be listed
     */
    public List<Path> files() throws IOException {
        return listFiles(directory, prefix);
    }

    static List<Path> listFiles(Path directory, String prefix) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory, prefix + "-*" + HistoryWriter.SUFFIX)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
        } catch (NoSuchFileException missing) {
            return files;
        }
        files.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return files;
    }

    /**
     * Streams every valid record, oldest first. Close the stream (try-with-resources) to close
     * the open file.
     *
     * @return a lazy stream of records; consuming it throws {@link UncheckedIOException} if a
     *     listed file exists but cannot be opened (a file deleted meanwhile is skipped)
     * @throws IOException if the directory cannot be listed
     */
    public Stream<HistoryRecord> records() throws IOException {
        RecordIterator it = new RecordIterator(files());
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL),
                false).onClose(it::close);
    }

    /** @return lines skipped as malformed so far */
    public long malformedLines() {
        return malformedLines;
    }

    /** Walks the files line by line, decoding each line. */
    private final class RecordIterator implements Iterator<HistoryRecord> {
        private static final int LINE = 0;
        private static final int END = 1;
        private static final int TOO_LONG = 2;

        private final Iterator<Path> files;
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        private InputStream in;
        private Path current;
        private HistoryRecord next;
        private byte[] line = new byte[256];
        private int lineLength;

        RecordIterator(List<Path> files) {
            this.files = files.iterator();
        }

        @Override
        public boolean hasNext() {
            while (next == null) {
                if (in == null) {
                    if (!files.hasNext()) {
                        return false;
                    }
                    current = files.next();
                    in = open(current);
                    continue;
                }
                int result;
                try {
                    result = readLine();
                } catch (IOException e) {
                    malformed("read failed (" + e.getMessage() + "), rest of the file skipped");
                    closeCurrent();
                    continue;
                }
                if (result == END) {
                    closeCurrent();
                } else if (result == TOO_LONG) {
                    malformed("line longer than " + maxLineChars + " bytes");
                } else if (lineLength > 0) {
                    decode();
                }
            }
            return true;
        }

        private void decode() {
            String text;
            try {
                text = utf8.decode(ByteBuffer.wrap(line, 0, lineLength)).toString();
            } catch (CharacterCodingException e) {
                malformed("not UTF-8");
                return;
            }
            try {
                next = HistoryCodec.decode(text);
            } catch (IllegalArgumentException bad) {
                malformed(bad.getMessage());
            }
        }

        @Override
        public HistoryRecord next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            HistoryRecord r = next;
            next = null;
            return r;
        }

        /**
         * Reads the bytes of one line (without "\n" or a trailing "\r") into {@code line}; an
         * over-long line is consumed and reported; a last line without "\n" counts as a line.
         */
        private int readLine() throws IOException {
            lineLength = 0;
            boolean tooLong = false;
            boolean any = false;
            int c;
            while ((c = in.read()) != -1) {
                any = true;
                if (c == '\n') {
                    break;
                }
                if (tooLong) {
                    continue;
                }
                if (lineLength >= maxLineChars) {
                    tooLong = true;
                    continue;
                }
                if (lineLength == line.length) {
                    line = Arrays.copyOf(line, Math.min(maxLineChars, line.length * 2));
                }
                line[lineLength++] = (byte) c;
            }
            if (!any) {
                return END;
            }
            if (tooLong) {
                return TOO_LONG;
            }
            if (lineLength > 0 && line[lineLength - 1] == '\r') {
                lineLength--;
            }
            return LINE;
        }

        private InputStream open(Path file) {
            try {
                return new BufferedInputStream(Files.newInputStream(file));
            } catch (NoSuchFileException deleted) {
                return null; // pruned by a writer since it was listed
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open " + file, e);
            }
        }

        private void malformed(String why) {
            malformedLines++;
            LOG.debug("skipping malformed history line in {}: {}", current, why);
        }

        private void closeCurrent() {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException e) {
                    LOG.debug("closing {} failed", current, e);
                }
                in = null;
            }
        }

        void close() {
            closeCurrent();
        }
    }
}
