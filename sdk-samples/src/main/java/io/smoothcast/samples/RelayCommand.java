package io.smoothcast.samples;

import io.smoothcast.samples.internal.Format;
import io.smoothcast.samples.internal.HostPort;
import io.smoothcast.samples.internal.OpsEndpoint;
import io.smoothcast.samples.internal.RunLoop;
import io.smoothcast.samples.ops.AlertPrinter;
import io.smoothcast.samples.ops.OpsHttpServer;
import io.smoothcast.transport.OpsMonitor;
import io.smoothcast.transport.RelayNode;
import io.smoothcast.transport.RelayStats;
import io.smoothcast.transport.VideoPayloadFormat;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code smoothcast relay}: runs one relay node until Ctrl-C or the end of {@code --duration},
 * watched by an {@link OpsMonitor} whose raised and cleared alerts are printed; with
 * {@code --http-port} it also serves Prometheus metrics and the live dashboard.
 */
@Command(name = "relay", mixinStandardHelpOptions = true,
        description = "Run a relay node: broadcasters publish to it, viewers watch through it.",
        footer = {"", "Examples:",
            "  smoothcast relay --port 7000 --region eu-west",
            "  smoothcast relay --port 7001 --region sa-east --upstream 10.0.0.5:7000",
            "  smoothcast relay --bind 0.0.0.0 --port 7000 --duration 60",
            "  smoothcast relay --port 7000 --token-key k1=$SECRET_HEX",
            "      (viewers and broadcasters then need --token)",
            "  smoothcast relay --port 7000 --http-port 9100",
            "      (dashboard http://127.0.0.1:9100/, scrape /metrics)",
            "  smoothcast relay --port 7000 --video-payload-format 96=h264",
            "      (ingest of H.264 simulcast on payload type 96)",
            "  smoothcast relay --port 7000 --fan-out-threads 2",
            "      (copies of each packet sent by two threads at once)",
            "",
            "Status line, every --status-interval: sessions, publishers, subscribers, streams (info repeats:"
                + " STREAM_INFO messages told subscribers again, three times per change of a stream's tracks, as"
                + " they are not acknowledged), pkt/s and kbps forwarded, rtx (retransmissions sent), rtx limited (NACKed packets not resent: over the"
                + " subscriber's budget, half its downlink estimate per second, or past 256 in one NACK), rtx misses"
                + " (NACKed packets no longer cached), tail probes (a quiet track's newest packet resent so a lost end"
                + " of a burst is noticed; limited: refused by that budget), I/O thread stalls (over 40 ms without a"
                + " tick or a read), copies refused (by the kernel on the native fan-out path), tokens accepted"
                + " (expired, role kept: a repeat of a role the session held, accepted with an expired token) and"
                + " rejected (with --token-key), and retransmissions from the source of packets already held: ones"
                + " the node asked for (source rtx) and tail loss probes it did not (source probes), rate limited"
                + " (datagrams of sources without an accepted PUBLISH or SUBSCRIBE over the per-source limit; publishers"
                + " over their cap: their RTP packets dropped); only when not 0: ABUSE (PUBLISH and SUBSCRIBE without"
                + " the return-routability cookie, half-open sessions evicted by newer ones, replies suppressed as"
                + " larger than their request, control messages of sessions over their cap), OVERLOAD (copies dropped"
                + " for a fan-out thread 64 packets behind, datagrams dropped for a protocol thread 1,024 behind),"
                + " RESTARTS (tracks whose publisher restarted its numbering with the same SSRCs; sessions taken over"
                + " by a client restarted on their address; such takeovers held until the new session echoes the"
                + " node's cookie, rising alone: someone spoofs clients' addresses), HANDLER FAILURES (a defect of"
                + " the node) and RTX BUILD FAILURES (PROTOCOL.md section 3).",
            "", "Exit codes: 0 ran until stopped, 1 could not start, 2 bad arguments."})
final class RelayCommand implements Callable<Integer> {

    /** Names of the status line's ABUSE part, in the order of its counts. */
    private static final List<String> ABUSE_PARTS = List.of("routability failures", "half-open evicted",
            "amplification suppressed", "peer control limited");
    /** Names of the status line's OVERLOAD part, in the order of its counts. */
    private static final List<String> OVERLOAD_PARTS = List.of("fan-out lane dropped", "hand-off dropped");
    /** Names of the status line's RESTARTS part, in the order of {@link #restarts}'s counts. */
    private static final List<String> RESTART_PARTS = List.of("source restarts", "session takeovers",
            "takeovers held");

    @Spec
    CommandSpec spec;

    @Option(names = "--port", description = "UDP port to listen on (0 = any free port). Default: ${DEFAULT-VALUE}.")
    int port = 7000;

    @Option(names = "--bind", description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
    String bind = "127.0.0.1";

    @Option(names = "--region", description = "Name shown in the status lines, e.g. eu-west. Default: ${DEFAULT-VALUE}.")
    String region = "local";

    @Option(names = "--upstream", converter = HostPort.Remote.class, paramLabel = "HOST:PORT",
            description = "Cascade: fetch streams nobody publishes here from this node.")
    InetSocketAddress upstream;

    @Option(names = "--node-id", description = "Node id sent in HELLO_ACK (default: random).")
    Integer nodeId;

    @Option(names = "--duration", paramLabel = "SECONDS",
            description = "Stop after this many seconds (0 = until Ctrl-C). Default: ${DEFAULT-VALUE}.")
    double durationS;

    @Option(names = "--upstream-token-key", paramLabel = "ID=HEX",
            description = "With --upstream: sign this node's upstream SUBSCRIBEs with this cluster key (the upstream"
                    + " relay's --token-key list must include it).")
    String upstreamTokenKey;

    @Option(names = "--token-key", paramLabel = "ID=HEX",
            description = "Require tokens (see the token command) signed with this key; repeat to accept two keys during a rotation.")
    java.util.List<String> tokenKeys = new java.util.ArrayList<>();

    @Option(names = "--status-interval", paramLabel = "MS",
            description = "Milliseconds between status lines. Default: ${DEFAULT-VALUE}.")
    long statusIntervalMs = 1000;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Serve the dashboard (/), Prometheus metrics (/metrics) and diagnostics (/diag) over HTTP"
                    + " on --bind:PORT (0 = any free port). Default: no HTTP endpoint.")
    Integer httpPort;

    @Option(names = "--video-payload-format", paramLabel = "PT=FORMAT",
            description = "How video published with RTP payload type PT (0-127) is laid out, so that simulcast layer"
                    + " switches happen at its keyframes: generic (what the SDK's broadcaster sends), h264 (RFC 6184)"
                    + " or h265 (RFC 7798); repeat for several payload types. Default: generic for every payload type.")
    java.util.List<String> videoPayloadFormats = new java.util.ArrayList<>();

    @Option(names = "--fan-out-threads", paramLabel = "N",
            description = "Threads that send the copies of each forwarded packet (1-64): with more than one, the node's"
                    + " subscribers are spread over that many sockets sharing its port, so the copies of a packet leave"
                    + " in parallel (epoll only; with NIO the node uses one). Default: 2 with at least 4 processors, else 1.")
    Integer fanOutThreads;

    @Override
    public Integer call() {
        Arguments.check(spec, port >= 0 && port <= 65_535, "--port", "must be 0-65535: " + port);
        Arguments.check(spec, durationS >= 0, "--duration", "must be >= 0: " + durationS);
        Arguments.check(spec, statusIntervalMs >= 10, "--status-interval", "must be >= 10 ms: " + statusIntervalMs);
        Arguments.check(spec, httpPort == null || httpPort >= 0 && httpPort <= 65_535, "--http-port",
                "must be 0-65535: " + httpPort);
        PrintWriter out = spec.commandLine().getOut();
        RelayNode.Builder builder = RelayNode.builder().bindAddress(new InetSocketAddress(bind, port));
        Arguments.check(spec, upstreamTokenKey == null || upstream != null, "--upstream-token-key", "needs --upstream");
        if (upstreamTokenKey != null) {
            int eq = upstreamTokenKey.indexOf('=');
            Arguments.check(spec, eq > 0, "--upstream-token-key", "must be ID=HEX: " + upstreamTokenKey);
            try {
                builder.upstreamTokenIssuer(new io.smoothcast.security.TokenIssuer(io.smoothcast.security.TokenKey.of(
                        upstreamTokenKey.substring(0, eq), TokenCommand.parseSecret(upstreamTokenKey.substring(eq + 1)))));
            } catch (IllegalArgumentException e) {
                Arguments.check(spec, false, "--upstream-token-key", e.getMessage());
            }
        }
        for (String entry : videoPayloadFormats) {
            try {
                PayloadTypeFormat parsed = PayloadTypeFormat.parse(entry);
                builder.videoPayloadFormat(parsed.payloadType(), parsed.format());
            } catch (IllegalArgumentException e) {
                Arguments.check(spec, false, "--video-payload-format", e.getMessage());
            }
        }
        if (fanOutThreads != null) {
            try {
                builder.fanOutThreads(fanOutThreads);
            } catch (IllegalArgumentException e) {
                Arguments.check(spec, false, "--fan-out-threads", e.getMessage());
            }
        }
        if (upstream != null) {
            builder.upstream(upstream);
        }
        if (nodeId != null) {
            builder.nodeId(nodeId);
        }
        if (!tokenKeys.isEmpty()) {
            // Tokens limited to a region are accepted only by relays started with that --region.
            io.smoothcast.security.TokenVerifier.Builder verifier = io.smoothcast.security.TokenVerifier.builder()
                    .allowedClockSkewSeconds(30);
            for (String key : tokenKeys) {
                int eq = key.indexOf('=');
                Arguments.check(spec, eq > 0, "--token-key", "must be ID=HEX: " + key);
                try {
                    verifier.addKey(io.smoothcast.security.TokenKey.of(key.substring(0, eq),
                            TokenCommand.parseSecret(key.substring(eq + 1))));
                } catch (IllegalArgumentException e) {
                    Arguments.check(spec, false, "--token-key", e.getMessage());
                }
            }
            try {
                verifier.region(region);
            } catch (IllegalArgumentException e) {
                Arguments.check(spec, false, "--region", e.getMessage());
            }
            builder.tokenVerifier(verifier.build());
        }
        try (RelayNode node = builder.build().start();
                OpsMonitor monitor = OpsMonitor.builder().alertListener(new AlertPrinter(out)).build()) {
            String nodeName = String.format("%08x", node.nodeId());
            monitor.watch(node, nodeName, region);
            monitor.start();
            synchronized (out) {
                out.printf("relay %s listening on %s (node id %s)%s%n", region, Format.address(node.localAddress()), nodeName,
                        upstream == null ? "" : ", upstream " + Format.address(upstream));
                out.flush();
            }
            try (OpsHttpServer http = OpsEndpoint.startIfAsked(monitor, bind, httpPort, config(), out)) {
                RunLoop.run(durationS, statusIntervalMs, elapsedNs -> {
                    RelayStats s = node.stats();
                    synchronized (out) {
                        out.printf("[%s] sessions %d, publishers %d, subscribers %d, streams %d (info repeats %d), %d pkt/s,"
                                + " %d kbps, rtx %d, rtx limited %d, rtx misses %d, tail probes %d (limited %d), I/O thread"
                                + " stalls %d, copies refused %d, tokens accepted %d (expired, role kept %d) rejected %d,"
                                + " source rtx already held %d, source probes already held %d, rate limited %d (publishers"
                                + " over their cap %d)%s%s%s%s%s%n",
                                region, s.sessions(), s.publishers(), s.subscribers(), s.streams(), s.streamInfoRepeated(),
                                s.packetsPerSecond(),
                                s.bitsPerSecond() / 1000, s.retransmissionsSent(), s.nackRetransmissionsLimited(),
                                s.retransmissionMisses(), s.tailProbesSent(), s.tailProbesLimited(), s.ioThreadStalls(),
                                s.nativeCopiesRefused(), s.tokensAccepted(), s.tokensExpiredRoleKept(), s.tokensRejected(),
                                s.sourceRetransmissionsAlreadyHeld(), s.sourceProbesAlreadyHeld(), s.rateLimitedDropped(),
                                s.publisherRateLimited(),
                                Format.whenAnyNonZero("ABUSE", ABUSE_PARTS, s.routabilityFailures(),
                                        s.halfOpenEvicted(), s.amplificationSuppressed(), s.peerControlRateLimited()),
                                Format.whenAnyNonZero("OVERLOAD", OVERLOAD_PARTS, s.fanOutLaneDropped(),
                                        s.handOffDropped()),
                                restarts(s.sourceRestarts(), s.sessionTakeovers(), s.sessionTakeoversHeld()),
                                s.handlerFailures() == 0 ? "" : ", HANDLER FAILURES " + s.handlerFailures(),
                                s.retransmissionBuildFailures() == 0 ? ""
                                        : ", RTX BUILD FAILURES " + s.retransmissionBuildFailures());
                        out.flush();
                    }
                });
            }
        } catch (java.io.UncheckedIOException e) {
            // start() throws this only when the socket cannot be bound: say what to change.
            spec.commandLine().getErr().println("relay: cannot listen on " + bind + ":" + port + ": " + e.getMessage()
                    + " (another relay or program may use that port: choose another --port, or --port 0 for any"
                    + " free one; --bind must be an address of this host)");
            return 1;
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("relay: could not run on " + bind + ":" + port + ": " + e.getMessage());
            return 1;
        }
        return 0;
    }

    /**
     * The status line's RESTARTS part, only while one of its counts is not 0: restarts of clients
     * that an operator looks into when they recur (a publisher, or a client on the same address).
     *
     * @param sourceRestarts tracks whose source restarted its numbering ({@code RelayStats.sourceRestarts})
     * @param sessionTakeovers sessions taken over by another session id from their address
     * @param sessionTakeoversHeld such HELLOs held until that id's cookie is echoed
     * @return {@code ", RESTARTS source restarts N, session takeovers N, takeovers held N"} or ""
     */
    static String restarts(long sourceRestarts, long sessionTakeovers, long sessionTakeoversHeld) {
        return Format.whenAnyNonZero("RESTARTS", RESTART_PARTS, sourceRestarts, sessionTakeovers,
                sessionTakeoversHeld);
    }

    /**
     * One {@code --video-payload-format} value: an RTP payload type and the layout of the video
     * it carries.
     *
     * @param payloadType the RTP payload type, 0-127
     * @param format its layout
     */
    record PayloadTypeFormat(int payloadType, VideoPayloadFormat format) {

        /**
         * @param value {@code PT=FORMAT}, e.g. {@code 96=h264}; the format's case does not matter
         * @return the parsed pair
         * @throws IllegalArgumentException with a message for the user if the value is malformed
         */
        static PayloadTypeFormat parse(String value) {
            int eq = value.indexOf('=');
            if (eq <= 0 || eq == value.length() - 1) {
                throw new IllegalArgumentException("must be PT=FORMAT, e.g. 96=h264: " + value);
            }
            int payloadType;
            try {
                payloadType = Integer.parseInt(value.substring(0, eq).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("payload type must be a number 0-127: " + value);
            }
            if (payloadType < 0 || payloadType > 127) {
                throw new IllegalArgumentException("payload type must be 0-127: " + value);
            }
            String name = value.substring(eq + 1).trim().toUpperCase(java.util.Locale.ROOT);
            for (VideoPayloadFormat format : VideoPayloadFormat.values()) {
                if (format.name().equals(name)) {
                    return new PayloadTypeFormat(payloadType, format);
                }
            }
            throw new IllegalArgumentException("format must be generic, h264 or h265: " + value);
        }
    }

    private Map<String, String> config() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("bind", bind);
        c.put("port", Integer.toString(port));
        c.put("region", region);
        c.put("upstream", upstream == null ? "" : Format.address(upstream));
        c.put("httpPort", String.valueOf(httpPort));
        c.put("videoPayloadFormats", String.join(",", videoPayloadFormats));
        c.put("fanOutThreads", fanOutThreads == null ? "default" : fanOutThreads.toString());
        return c;
    }
}
