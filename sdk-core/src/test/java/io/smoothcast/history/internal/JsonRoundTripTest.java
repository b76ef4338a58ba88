package io.smoothcast.history.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class JsonRoundTripTest {

    private static String roundTrip(String s) {
        StringBuilder sb = new StringBuilder();
        new JsonObjectWriter(sb).field("s", s).end();
        return (String) JsonParser.parseObject(sb.toString()).get("s");
    }

    private static String quoted(String s) {
        StringBuilder sb = new StringBuilder();
        JsonObjectWriter.quote(s, sb);
        return sb.toString();
    }

    @Test
    void escaping_specialCharacters() {
        assertEquals("\"a\\\"b\\\\c\"", quoted("a\"b\\c"));
        assertEquals("\"\\n\\r\\t\\b\\f\"", quoted("\n\r\t\b\f"));
        assertEquals("\"\\u0000\\u001f\\u007f\"", quoted("\u0000\u001f\u007f"));
        assertEquals("\"\\u2028\\u2029\"", quoted("\u2028\u2029"));
        assertEquals("\"/é日本\uD83D\uDE00\"", quoted("/é日本\uD83D\uDE00"), "pairs and non-ASCII stay literal");
        assertEquals("\"\\ud800x\\udc00\"", quoted("\uD800x\uDC00"), "unpaired surrogates are escaped");
    }

    @Test
    void everyCharacter_roundTrips() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x3000; c++) {
            all.append(c);
        }
        all.append("\uD800\uDFFF\uDBFF\uDC00\uD800\uDC00\uFFFF");
        assertEquals(all.toString(), roundTrip(all.toString()));
    }

    @Test
    void randomStrings_roundTrip() {
        long seed = 1234L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 2_000; i++) {
            int length = random.nextInt(40);
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < length; j++) {
                int pick = random.nextInt(4);
                sb.append(switch (pick) {
                    case 0 -> (char) random.nextInt(0x20);
                    case 1 -> (char) random.nextInt(0x20, 0x80);
                    case 2 -> (char) random.nextInt(0xD800, 0xE000);
                    default -> (char) random.nextInt(0x10000);
                });
            }
            String s = sb.toString();
            assertEquals(s, roundTrip(s), "seed " + seed + " iteration " + i);
        }
    }

    @Test
    void numbers_roundTripExactly_andNonFiniteBecomeNull() {
        long seed = 99L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 2_000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            long l = random.nextLong();
            StringBuilder sb = new StringBuilder();
            new JsonObjectWriter(sb).field("d", d).field("l", l).end();
            Map<String, Object> m = JsonParser.parseObject(sb.toString());
            if (Double.isFinite(d)) {
                assertEquals(d, ((Number) m.get("d")).doubleValue(), "seed " + seed + " iteration " + i);
            } else {
                assertNull(m.get("d"));
            }
            assertEquals(l, m.get("l"), "seed " + seed + " iteration " + i);
        }
        StringBuilder sb = new StringBuilder();
        new JsonObjectWriter(sb).field("min", Long.MIN_VALUE).field("max", Long.MAX_VALUE).field("b", true).end();
        assertEquals(Map.of("min", Long.MIN_VALUE, "max", Long.MAX_VALUE, "b", true), JsonParser.parseObject(sb.toString()));
    }

    @Test
    void nestedCountsAndParserTypes() {
        Map<String, Integer> viewers = new TreeMap<>(Map.of("a\"", 1, "b", 0));
        StringBuilder sb = new StringBuilder();
        new JsonObjectWriter(sb).field("v", viewers).end();
        assertEquals(Map.of("v", Map.of("a\"", 1L, "b", 0L)), JsonParser.parseObject(sb.toString()));
        assertEquals(List.of(1L, 2.5, "x", false), JsonParser.parse(" [1, 2.5e0, \"x\", false] "));
        assertEquals(1e300 * 10, JsonParser.parse("1e301"));
        assertEquals(1.0e19, JsonParser.parse("10000000000000000000"), "too big for a long: a double");
        assertEquals("\u00e9/", JsonParser.parse("\"\\u00E9\\/\""));
    }

    @Test
    void malformedInput_isRejectedWithAnOffset() {
        String[] bad = {"", "{", "{\"a\":}", "{\"a\" 1}", "{\"a\":1,}", "{a:1}", "[1,]", "01", "-", "1.", "1e",
            "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"a\nb\"", "tru", "nul", "{\"a\":1} x", "+1", ".5",
            "{\"a\":1}}"};
        for (String s : bad) {
            JsonParseException e = assertThrows(JsonParseException.class, () -> JsonParser.parse(s), s);
            assertTrue(e.offset() >= 0 && e.offset() <= s.length(), s + " -> " + e.getMessage());
        }
        assertThrows(JsonParseException.class, () -> JsonParser.parseObject("[1]"));
    }

    @Test
    void deepNesting_isRejectedNotOverflowingTheStack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        JsonParseException e = assertThrows(JsonParseException.class, () -> JsonParser.parse(deep));
        assertTrue(e.getMessage().contains("nesting"));
        String ok = "[".repeat(JsonParser.MAX_DEPTH) + "]".repeat(JsonParser.MAX_DEPTH);
        JsonParser.parse(ok);
    }
}
