package io.smoothcast.transport.metrics;

import java.util.List;

/**
 * Writes metric families in the Prometheus text exposition format, version 0.0.4: a {@code # HELP}
 * and a {@code # TYPE} line per family, then one {@code name{label="value",...} value} line per
 * sample. Label values are escaped (backslash, double quote, line feed), help text too (backslash,
 * line feed); values are written as integers when they are whole, otherwise as Java doubles, and
 * as {@code NaN}, {@code +Inf} or {@code -Inf}.
 *
 * <p>Stateless; thread-safe.
 */
public final class PrometheusText {

    /** The Content-Type a scrape endpoint answers with. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {
    }

    /**
     * @param families the metrics; not null
     * @return the exposition text, ending with a line feed
     */
    public static String write(List<MetricFamily> families) {
        if (families == null) {
            throw new IllegalArgumentException("families must not be null");
        }
        StringBuilder sb = new StringBuilder(4096);
        for (MetricFamily f : families) {
            sb.append("# HELP ").append(f.name()).append(' ');
            escape(sb, f.help(), false);
            sb.append('\n');
            sb.append("# TYPE ").append(f.name()).append(' ')
                    .append(f.type() == MetricFamily.Type.COUNTER ? "counter" : "gauge").append('\n');
            for (MetricFamily.Sample s : f.samples()) {
                sb.append(f.name());
                if (!s.labelNames().isEmpty()) {
                    sb.append('{');
                    for (int i = 0; i < s.labelNames().size(); i++) {
                        if (i > 0) {
                            sb.append(',');
                        }
                        sb.append(s.labelNames().get(i)).append("=\"");
                        escape(sb, s.labelValues().get(i), true);
                        sb.append('"');
                    }
                    sb.append('}');
                }
                sb.append(' ');
                value(sb, s.value());
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static void value(StringBuilder sb, double v) {
        if (Double.isNaN(v)) {
            sb.append("NaN");
        } else if (Double.isInfinite(v)) {
            sb.append(v > 0 ? "+Inf" : "-Inf");
        } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            sb.append((long) v);
        } else {
            sb.append(v);
        }
    }

    private static void escape(StringBuilder sb, String text, boolean quote) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '"' -> sb.append(quote ? "\\\"" : "\"");
                default -> sb.append(c);
            }
        }
    }
}
