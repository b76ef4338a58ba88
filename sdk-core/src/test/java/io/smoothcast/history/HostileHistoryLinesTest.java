package io.smoothcast.history;

import static org.junit.jupiter.api.Assertions.fail;

import io.smoothcast.history.internal.JsonParseException;
import io.smoothcast.history.internal.JsonParser;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * History files are untrusted input: random and mutated lines must give a record or an
 * IllegalArgumentException, never another exception or a hang.
 */
class HostileHistoryLinesTest {

    private static final String ALPHABET = "{}[]\":,.-+eE0123456789truefalsn \\/u\t\nabcxyzé\u0000\uD800";

    @Test
    void randomText_isParsedOrRejectedCleanly() {
        long seed = 5150L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 20_000; i++) {
            int length = random.nextInt(60);
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < length; j++) {
                sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            String text = sb.toString();
            try {
                JsonParser.parse(text);
            } catch (JsonParseException expected) {
                // rejected with a reason: fine
            } catch (RuntimeException e) {
                fail("seed " + seed + " iteration " + i + ": " + e + " for " + text);
            }
        }
    }

    @Test
    void mutatedValidLines_decodeOrAreRejectedCleanly() {
        long seed = 8086L;
        SplittableRandom random = new SplittableRandom(seed);
        String[] valid = {
            HistoryCodec.encode(new HistoryRecord(1, HistoryCodecTest.receive())),
            HistoryCodec.encode(new HistoryRecord(2, HistoryCodecTest.send())),
            HistoryCodec.encode(new HistoryRecord(3, HistoryCodecTest.node())),
            HistoryCodec.encode(new HistoryRecord(4, HistoryCodecTest.alert())),
        };
        for (int i = 0; i < 20_000; i++) {
            StringBuilder line = new StringBuilder(valid[random.nextInt(valid.length)]);
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits && line.length() > 0; e++) {
                int at = random.nextInt(line.length());
                char c = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
                switch (random.nextInt(3)) {
                    case 0 -> line.setCharAt(at, c);
                    case 1 -> line.insert(at, c);
                    default -> line.deleteCharAt(at);
                }
            }
            try {
                HistoryCodec.decode(line.toString());
            } catch (IllegalArgumentException expected) {
                // malformed record: the reader counts and skips it
            } catch (RuntimeException e) {
                fail("seed " + seed + " iteration " + i + ": " + e + " for " + line);
            }
        }
    }
}
