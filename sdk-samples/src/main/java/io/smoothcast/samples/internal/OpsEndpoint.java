package io.smoothcast.samples.internal;

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

/**
 * The optional {@code --http-port} of the sample commands: serves a monitor's Prometheus metrics
 * ({@code /metrics}), live dashboard ({@code /}) and diagnostics bundle ({@code /diag}, with the
 * command's configuration) on {@link OpsHttpServer}, and prints where.
 *
 * <p>Not thread-safe: start and close from the command's thread.
 */
public final class OpsEndpoint {

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

    private static byte[] bundle(Map<String, String> config, RecentSnapshots recent) {
        try {
            return DiagnosticsBundle.builder().configuration(config).snapshots(recent.list()).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
