/**
 * Operability for the sample apps: {@link io.smoothcast.samples.ops.OpsHttpServer} serves an
 * {@link io.smoothcast.transport.OpsMonitor}'s Prometheus metrics ({@code /metrics}), live
 * dashboard ({@code /}, uPlot charts fed by server-sent events every second) and diagnostics
 * bundle ({@code /diag}); {@link io.smoothcast.samples.ops.DiagnosticsBundle} builds that bundle
 * with secrets redacted; {@link io.smoothcast.samples.ops.AlertPrinter} prints alerts on a
 * console; {@link io.smoothcast.samples.ops.LiveDemo} is a local relay, broadcaster and viewers to
 * watch.
 *
 * <p>Wiring a relay:
 * <pre>{@code
 * OpsMonitor ops = OpsMonitor.builder().alertListener(new AlertPrinter(out)).build();
 * ops.watch(relay, "fra-1", "eu-central");
 * RecentSnapshots recent = new RecentSnapshots(RecentSnapshots.DEFAULT_CAPACITY);
 * ops.addSnapshotListener(recent);
 * ops.start();
 * Supplier<byte[]> diag = () -> {
 *     try {
 *         return DiagnosticsBundle.builder().configuration(settings).snapshots(recent.list()).build();
 *     } catch (IOException e) {
 *         throw new UncheckedIOException(e);              // answered with 500
 *     }
 * };
 * OpsHttpServer http = OpsHttpServer.start(ops, diag, new InetSocketAddress("127.0.0.1", 9090));
 * }</pre>
 */
package io.smoothcast.samples.ops;
