package io.smoothcast.transport.metrics;

import java.util.List;

/**
 * One metric with its samples, named the Prometheus way: base units (seconds, bytes, ratios 0-1)
 * in the name, {@code _total} at the end of counters, and labels that name streams, nodes,
 * regions and grades, never single users.
 *
 * <p>Immutable record; thread-safe.
 *
 * @param name the metric's name, for example {@code smoothcast_stream_received_bytes_total}
 * @param type counter (only goes up) or gauge
 * @param help one line saying what it measures
 * @param samples one value per label set
 */
public record MetricFamily(String name, Type type, String help, List<Sample> samples) {

    /** Prometheus metric types used here. */
    public enum Type {
        /** A cumulative value that only goes up (restarts at 0 with the process). */
        COUNTER,
        /** A value that goes up and down. */
        GAUGE
    }

    /**
     * Copies the samples and checks the name.
     *
     * @param name the metric name; [a-zA-Z_:][a-zA-Z0-9_:]*
     * @param type counter or gauge; not null
     * @param help what it measures; not null
     * @param samples the samples; not null
     */
    public MetricFamily {
        if (name == null || !name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
            throw new IllegalArgumentException("name is not a valid metric name: " + name);
        }
        if (type == null || help == null || samples == null) {
            throw new IllegalArgumentException("type, help and samples must not be null");
        }
        if (type == Type.COUNTER && !name.endsWith("_total")) {
            throw new IllegalArgumentException("counter names end in _total: " + name);
        }
        samples = List.copyOf(samples);
    }

    /**
     * One value of a metric.
     *
     * @param labelNames label names, in output order
     * @param labelValues label values, one per name
     * @param value the value (NaN when unknown)
     */
    public record Sample(List<String> labelNames, List<String> labelValues, double value) {

        /**
         * Copies the label lists.
         *
         * @param labelNames label names
         * @param labelValues label values, one per name
         * @param value the value
         */
        public Sample {
            labelNames = List.copyOf(labelNames);
            labelValues = List.copyOf(labelValues);
            if (labelNames.size() != labelValues.size()) {
                throw new IllegalArgumentException("labelNames and labelValues differ in size: "
                        + labelNames + " / " + labelValues);
            }
        }
    }
}
