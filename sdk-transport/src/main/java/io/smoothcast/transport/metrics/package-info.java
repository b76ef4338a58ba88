/**
 * Metrics export of an {@link io.smoothcast.transport.OpsMonitor}: {@link
 * io.smoothcast.transport.metrics.OpsMetrics} names the metrics the Prometheus way,
 * {@link io.smoothcast.transport.metrics.PrometheusText} writes them in the text exposition format
 * 0.0.4 for a scrape endpoint, and {@link io.smoothcast.transport.metrics.SmoothcastMeterBinder}
 * registers them with Micrometer (an optional dependency: add {@code micrometer-core} to use it).
 */
package io.smoothcast.transport.metrics;
