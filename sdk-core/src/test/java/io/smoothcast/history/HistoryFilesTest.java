package io.smoothcast.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.alert.AlertEvaluator;
import io.smoothcast.alert.AlertEvent;
import io.smoothcast.alert.DefaultAlertRules;
import io.smoothcast.stats.ReceiveStreamStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryFilesTest {

    private static final long START_MS = 1_795_000_000_000L; // 2026-11-18
    private static final long MINUTE_MS = 60_000L;

    @TempDir
    Path dir;

    private final AtomicLong wallMs = new AtomicLong(START_MS);

    private static ReceiveStreamStats stats(long i) {
        return ReceiveStreamStats.builder("live").endpointId("v" + i).timestampNs(i * 2_000_000_000L)
                .packetsReceived(i).jitterMs(i % 7).build();
    }

    private List<HistoryRecord> readAll(HistoryReader reader) throws IOException {
        try (Stream<HistoryRecord> s = reader.records()) {
            return s.toList();
        }
    }

    @Test
    void writeThenRead_givesTheRecordsBackInOrder() throws IOException {
        try (HistoryWriter w = HistoryWriter.builder(dir.resolve("new-subdir")).wallClockMs(wallMs::get).build()) {
            for (int i = 0; i < 50; i++) {
                w.append(stats(i));
                wallMs.addAndGet(2_000);
            }
        }
        HistoryReader reader = HistoryReader.of(dir.resolve("new-subdir"), HistoryWriter.DEFAULT_PREFIX);
        List<HistoryRecord> records = readAll(reader);
        assertEquals(50, records.size());
        for (int i = 0; i < 50; i++) {
            assertEquals(stats(i), records.get(i).value());
            assertEquals(START_MS + i * 2_000L, records.get(i).wallTimeMs());
        }
        assertEquals(0, reader.malformedLines());
    }

    @Test
    void sizeRotation_boundsFileSizeAndCount_keepingTheNewestRecords() throws IOException {
        int lineBytes = HistoryCodec.encode(new HistoryRecord(START_MS, stats(10))).length() + 1;
        try (HistoryWriter w = HistoryWriter.builder(dir).maxFileBytes(lineBytes * 4L).maxFiles(3)
                .wallClockMs(wallMs::get).build()) {
            for (int i = 10; i < 40; i++) {
                w.append(stats(i));
            }
        }
        HistoryReader reader = HistoryReader.of(dir, HistoryWriter.DEFAULT_PREFIX);
        List<Path> files = reader.files();
        assertEquals(3, files.size());
        for (Path f : files) {
            assertTrue(Files.size(f) <= lineBytes * 4L, f + " is " + Files.size(f) + " bytes");
        }
        List<HistoryRecord> records = readAll(reader);
        // 30 records, 4 per file: 8 files written, the newest 3 kept (4 + 4 + 2 records)
        assertEquals(10, records.size());
        assertEquals(stats(30), records.get(0).value());
        assertEquals(stats(39), records.get(9).value());
    }

    @Test
    void timeRotation_startsANewFileWhenTheCurrentOneIsTooOld() throws IOException {
        try (HistoryWriter w = HistoryWriter.builder(dir).maxFileAgeMs(60 * MINUTE_MS).wallClockMs(wallMs::get)
                .build()) {
            w.append(stats(1));
            Path first = w.currentFile();
            wallMs.addAndGet(60 * MINUTE_MS - 1);
            w.append(stats(2));
            assertEquals(first, w.currentFile());
            wallMs.addAndGet(1);
            w.append(stats(3));
            assertFalse(first.equals(w.currentFile()));
            assertTrue(w.currentFile().getFileName().toString().startsWith("smoothcast-history-20261118-"),
                    w.currentFile().toString());
        }
        assertEquals(2, HistoryReader.of(dir, HistoryWriter.DEFAULT_PREFIX).files().size());
    }

    @Test
    void filesOfOtherPrefixes_areNeitherReadNorPruned() throws IOException {
        Path foreign = Files.writeString(dir.resolve("other-20260101-000000-000-000000.jsonl"), "x\n");
        try (HistoryWriter w = HistoryWriter.builder(dir).filePrefix("mine").maxFiles(1).maxFileBytes(1)
                .wallClockMs(wallMs::get).build()) {
            w.append(stats(1));
            w.append(stats(2));
        }
        assertTrue(Files.exists(foreign));
        assertEquals(1, HistoryReader.of(dir, "mine").files().size());
        assertThrows(IllegalArgumentException.class, () -> HistoryWriter.builder(dir).filePrefix("../x"));
    }

    @Test
    void malformedLines_areSkippedAndCounted() throws IOException {
        Path file;
        try (HistoryWriter w = HistoryWriter.builder(dir).wallClockMs(wallMs::get).build()) {
            w.append(stats(1));
            file = w.currentFile();
        }
        String valid = HistoryCodec.encode(new HistoryRecord(START_MS, stats(2)));
        Files.writeString(file, String.join("\n",
                "not json",
                "{\"type\":\"receive\"",
                "",
                "{\"type\":\"receive\",\"wallTimeMs\":1,\"streamId\":\"s\",\"timestampNs\":1,\"jitterMs\":-4}",
                "x".repeat(5_000),
                valid + "\r") + "\n", StandardOpenOption.APPEND);
        Files.write(file, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}', '\n'}, StandardOpenOption.APPEND);

        HistoryReader reader = HistoryReader.of(dir, HistoryWriter.DEFAULT_PREFIX, 4_096);
        List<HistoryRecord> records = readAll(reader);
        assertEquals(List.of(stats(1), stats(2)), records.stream().map(HistoryRecord::value).toList());
        assertEquals(5, reader.malformedLines());
    }

    @Test
    void truncatedLastLine_isCountedNotFatal() throws IOException {
        try (HistoryWriter w = HistoryWriter.builder(dir).wallClockMs(wallMs::get).build()) {
            w.append(stats(1));
            w.flush();
            Files.writeString(w.currentFile(), "{\"type\":\"rec", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        }
        HistoryReader reader = HistoryReader.of(dir, HistoryWriter.DEFAULT_PREFIX);
        assertEquals(1, readAll(reader).size());
        assertEquals(1, reader.malformedLines());
    }

    @Test
    void missingDirectory_readsAsEmpty() throws IOException {
        HistoryReader reader = HistoryReader.of(dir.resolve("absent"), HistoryWriter.DEFAULT_PREFIX);
        assertTrue(reader.files().isEmpty());
        assertTrue(readAll(reader).isEmpty());
    }

    @Test
    void backgroundWriter_writesEverythingOfferedBeforeClose_andAlertsFromTheEvaluator()
            throws IOException, InterruptedException {
        HistoryWriter files = HistoryWriter.builder(dir).wallClockMs(wallMs::get).build();
        BackgroundHistoryWriter background = new BackgroundHistoryWriter(files, 10_000, wallMs::get);
        AlertEvaluator evaluator = AlertEvaluator.builder().rules(DefaultAlertRules.create())
                .listener(background.alertListener()).build();
        for (int i = 0; i < 1_000; i++) {
            ReceiveStreamStats s = stats(i);
            assertTrue(background.offer(s));
            evaluator.onStats(s);
        }
        evaluator.tick(5_000L * 2_000_000_000L);
        background.close();
        assertFalse(background.offer(stats(0)), "closed: offers are refused");
        assertEquals(1, background.droppedRecords());
        assertEquals(0, background.failedRecords());

        List<HistoryRecord> records = readAll(HistoryReader.of(dir, HistoryWriter.DEFAULT_PREFIX));
        List<HistoryRecord> alerts = records.stream().filter(r -> r.kind() == HistoryRecord.Kind.ALERT).toList();
        assertEquals(1_000 + alerts.size(), records.size());
        assertEquals(background.writtenRecords(), records.size());
        assertEquals("stream-down", alerts.get(0).as(AlertEvent.class).ruleId(), "no media was ever received");
        assertThrows(IllegalArgumentException.class, () -> background.offer("not a record"));
    }
}
