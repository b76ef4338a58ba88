package io.smoothcast.history.internal;

import java.util.Map;

/**
 * Writes one JSON object (RFC 8259) into a {@link StringBuilder}, field by field. Strings are
 * escaped so that any Java string, including control characters and unpaired surrogates, reads
 * back identical; non-finite doubles (NaN, infinities), which JSON cannot hold, are written as
 * {@code null}. Nested objects of integers are supported for maps such as viewers per stream.
 *
 * <p>Not thread-safe; reusable after {@link #reset()}.
 */
public final class JsonObjectWriter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out;
    private boolean firstField = true;

    /**
     * @param out where the object is written; the caller owns it
     */
    public JsonObjectWriter(StringBuilder out) {
        this.out = out;
        out.append('{');
    }

    /** Starts a new object in the (cleared) builder. */
    public void reset() {
        out.setLength(0);
        out.append('{');
        firstField = true;
    }

    /**
     * @param name field name
     * @param value string value (null writes null)
     * @return this writer
     */
    public JsonObjectWriter field(String name, String value) {
        name(name);
        if (value == null) {
            out.append("null");
        } else {
            quote(value, out);
        }
        return this;
    }

    /**
     * @param name field name
     * @param value integer value
     * @return this writer
     */
    public JsonObjectWriter field(String name, long value) {
        name(name);
        out.append(value);
        return this;
    }

    /**
     * @param name field name
     * @param value number; NaN and infinities are written as null
     * @return this writer
     */
    public JsonObjectWriter field(String name, double value) {
        name(name);
        if (Double.isFinite(value)) {
            out.append(value);
        } else {
            out.append("null");
        }
        return this;
    }

    /**
     * @param name field name
     * @param value boolean value
     * @return this writer
     */
    public JsonObjectWriter field(String name, boolean value) {
        name(name);
        out.append(value);
        return this;
    }

    /**
     * @param name field name
     * @param value a map written as a nested object of integers
     * @return this writer
     */
    public JsonObjectWriter field(String name, Map<String, Integer> value) {
        name(name);
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, Integer> e : value.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            quote(e.getKey(), out);
            out.append(':').append(e.getValue().intValue());
        }
        out.append('}');
        return this;
    }

    /**
     * Closes the object.
     * @return the builder holding it
     */
    public StringBuilder end() {
        out.append('}');
        return out;
    }

    private void name(String name) {
        if (!firstField) {
            out.append(',');
        }
        firstField = false;
        quote(name, out);
        out.append(':');
    }

    /**
     * Appends a JSON string literal.
     *
     * @param s any string
     * @param out where to append
     */
    public static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029 || c == 0x7F) {
                        unicodeEscape(c, out);
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        // An unpaired surrogate cannot be encoded in UTF-8; the escape keeps it exact.
                        unicodeEscape(c, out);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void unicodeEscape(char c, StringBuilder out) {
        out.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
    }
}
