package io.smoothcast.samples.internal;

import io.smoothcast.samples.ops.AlertPrinter;
import io.smoothcast.samples.ops.DiagnosticsBundle;
import io.smoothcast.samples.ops.OpsHttpServer;
import io.smoothcast.samples.ops.RecentSnapshots;
import io.smoothcast.transport.OpsMonitor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The optional {@code --http-port} of the sample commands: serves a monitor's Prometheus metrics
 * ({@code /metrics}), live dashboard ({@code /}) and diagnostics bundle ({@code /diag}, with the
 * command's configuration) on {@link OpsHttpServer}, and prints where.
 *
 * <p>Not thread-safe: start and close from the command's thread.
 */
public final class OpsEndpoint {

    /** A running monitor and HTTP endpoint; closing it stops both and throws nothing. */
    public interface Running extends AutoCloseable {
        @Override
        void close();
    }

    private OpsEndpoint() {
    }

    /**
     * Starts the HTTP endpoint, or nothing when {@code port} is null (the option was not given).
     *
     * @param monitor the monitor to serve (a snapshot listener is added to it for /diag)
     * @param host the address to listen on
     * @param port the TCP port (0 = any free port), or null for no endpoint
     * @param config the command's options, for the diagnostics bundle (secrets are redacted there)
     * @param out where the URLs are printed
     * @return the running server, or null when {@code port} is null
     */
    public static OpsHttpServer startIfAsked(OpsMonitor monitor, String host, Integer port, Map<String, String> config,
            PrintWriter out) {
        if (port == null) {
            return null;
        }
        RecentSnapshots recent = new RecentSnapshots(RecentSnapshots.DEFAULT_CAPACITY);
        monitor.addSnapshotListener(recent);
        Map<String, String> copy = new LinkedHashMap<>(config);
        OpsHttpServer server = OpsHttpServer.start(monitor, () -> bundle(copy, recent), new InetSocketAddress(host, port));
        synchronized (out) {
            out.println("http: dashboard " + server.url() + ", metrics " + server.url() + "metrics, diagnostics "
                    + server.url() + "diag");
            out.flush();
        }
        return server;
    }

    /**
     * For the client commands ({@code broadcast}, {@code view}): when {@code port} is given, starts
     * a monitor over what {@code watch} registers, prints its alerts, and serves it over HTTP on
     * 127.0.0.1.
     *
     * @param port the TCP port (0 = any free port), or null for nothing
     * @param watch registers the client with the monitor
     * @param config the command's options, for the diagnostics bundle
     * @param out where the URLs and alerts are printed
     * @return closes the server and the monitor; does nothing when {@code port} is null
     */
    public static Running monitorIfAsked(Integer port, Consumer<OpsMonitor> watch, Map<String, String> config,
            PrintWriter out) {
        if (port == null) {
            return () -> { };
        }
        OpsMonitor monitor = OpsMonitor.builder().alertListener(new AlertPrinter(out)).build();
        try {
            watch.accept(monitor);
            monitor.start();
            OpsHttpServer server = startIfAsked(monitor, "127.0.0.1", port, config, out);
            return () -> {
                server.close();
                monitor.close();
            };
        } catch (RuntimeException e) {
            monitor.close();
            throw e;
        }
    }

    private static byte[] bundle(Map<String, String> config, RecentSnapshots recent) {
        try {
            return DiagnosticsBundle.builder().configuration(config).snapshots(recent.list()).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
