package io.smoothcast.samples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.smoothcast.samples.internal.HostPort;
import io.smoothcast.samples.load.LoadPublishers;
import io.smoothcast.samples.load.LoadReport;
import io.smoothcast.samples.load.LoadSubscribers;
import io.smoothcast.security.TokenClaims;
import io.smoothcast.security.TokenIssuer;
import io.smoothcast.security.TokenKey;
import io.smoothcast.security.TokenRole;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadtest}: points N synthetic publishers and M lightweight synthetic viewers at one
 * node, ramps them up, holds for the duration, and reports what the node carried: packets and
 * bits per second, loss, latency percentiles, freezes and errors.
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load a relay node with synthetic publishers and viewers and report what it held.",
            "The report gives packets and bits per second, loss, latency percentiles, freezes and errors."
                + " Viewers are lightweight UDP clients speaking PROTOCOL.md (no retransmission requests),"
                + " so loss is what the node and the network dropped. Latency needs the publishers in this"
                + " process (--publishers > 0); with --publishers 0 the viewers watch existing --stream(s)."},
        footer = {"", "Exit codes: 0 run completed (read the report), 2 bad arguments.", "",
            "Examples:",
            "  smoothcast loadtest --node relay.example:7000 --publishers 2 --viewers 500 \\",
            "      --ramp-up 10 --duration 60 --json load.json",
            "  smoothcast loadtest --node 127.0.0.1:7000 --publishers 0 --stream my-show \\",
            "      --viewers 200",
            "  smoothcast loadtest --node relay.example:7000 --token-key k1=$SECRET_HEX \\",
            "      --viewers 100", "",
            "The report's \"window\" section is the measurement after the ramp-up (rates, loss,"
                + " latency); \"sinceStartIncludingRampUp\" holds the totals from the start, ramp-up included."})
public final class LoadtestCommand implements Callable<Integer> {

    /** Tokens minted by {@code --token-key} outlive the planned run by this much, seconds. */
    private static final long TOKEN_MARGIN_S = 3600;
    private static final LoadReport.Publishers NO_PUBLISHERS = new LoadReport.Publishers(0, 0, 0, 0, 0, 0);

    @Option(names = "--node", required = true, converter = HostPort.Remote.class, paramLabel = "HOST:PORT",
            description = "The node under test.")
    InetSocketAddress node;

    @Option(names = "--publishers", defaultValue = "1",
            description = "Synthetic publishers, 0-1000, each with its own stream (default ${DEFAULT-VALUE}).")
    int publishers;

    @Option(names = "--viewers", defaultValue = "10",
            description = "Synthetic viewers, 1-20000, spread over the streams (default ${DEFAULT-VALUE}).")
    int viewers;

    @Option(names = "--ramp-up", defaultValue = "5", paramLabel = "SECONDS",
            description = "Publishers, then viewers, start evenly over this time, 0-3600 (default ${DEFAULT-VALUE}).")
    int rampUpS;

    @Option(names = "--duration", defaultValue = "30", paramLabel = "SECONDS",
            description = "Measurement after the ramp-up, 1-86400 (default ${DEFAULT-VALUE}).")
    int durationS;

    @Option(names = "--fps", defaultValue = "25", description = "Publisher frame rate, 1-120 (default ${DEFAULT-VALUE}).")
    int fps;

    @Option(names = "--bitrate", defaultValue = "500000", paramLabel = "BPS",
            description = "Bitrate of each publisher, 16000-50000000 (default ${DEFAULT-VALUE}).")
    long bitrateBps;

    @Option(names = "--stream", paramLabel = "ID",
            description = "Watch this existing stream (repeatable); only with --publishers 0.")
    List<String> streams;

    @Option(names = "--stream-prefix", defaultValue = "loadtest",
            description = "Stream ids of the publishers: PREFIX-0, PREFIX-1, ... (default ${DEFAULT-VALUE}).")
    String streamPrefix;

    @Option(names = "--freeze-ms", defaultValue = "500",
            description = "A viewer without a new frame this long counts one freeze, 1-60000 (default ${DEFAULT-VALUE}).")
    int freezeMs;

    @Option(names = "--token-key", paramLabel = "ID=HEX",
            description = "For nodes that require tokens: mint a PUBLISH token for each publisher's stream and a"
                + " SUBSCRIBE token for each watched stream with this key (the node's --token-key), valid for"
                + " the whole run plus an hour.")
    String tokenKey;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "For nodes that require tokens, without their key: the SUBSCRIBE token every viewer"
                + " sends (see the token command); only with --publishers 0 and one --stream.")
    String token;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report to this JSON file.")
    Path json;

    @Option(names = "--quiet", description = "No progress line every second.")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Arguments.requireRange(spec, "--publishers", publishers, 0, 1000);
        Arguments.requireRange(spec, "--viewers", viewers, 1, 20_000);
        Arguments.requireRange(spec, "--ramp-up", rampUpS, 0, 3600);
        Arguments.requireRange(spec, "--duration", durationS, 1, 86_400);
        Arguments.requireRange(spec, "--fps", fps, 1, 120);
        Arguments.requireRange(spec, "--bitrate", bitrateBps, 16_000, 50_000_000);
        Arguments.requireRange(spec, "--freeze-ms", freezeMs, 1, 60_000);
        if (node.isUnresolved()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--node: cannot resolve " + node.getHostString());
        }
        List<String> ids = streamIds();
        TokenIssuer issuer = tokenIssuer(ids);
        long expiresEpochS = System.currentTimeMillis() / 1000 + rampUpS + durationS + TOKEN_MARGIN_S;
        List<String> publishTokens = issuer == null ? null : tokens(issuer, ids, TokenRole.PUBLISH, expiresEpochS);
        List<String> subscribeTokens = issuer != null ? tokens(issuer, ids, TokenRole.SUBSCRIBE, expiresEpochS)
                : token != null ? List.of(token) : null;
        PrintWriter out = spec.commandLine().getOut();
        long rampUpMs = TimeUnit.SECONDS.toMillis(rampUpS);
        LoadPublishers pubs = publishers == 0 ? null
                : new LoadPublishers(node, ids, publishTokens, fps, bitrateBps, rampUpMs / 2);
        try (LoadSubscribers subs = new LoadSubscribers(node, ids, subscribeTokens, viewers,
                rampUpMs - rampUpMs / 2, freezeMs, System.nanoTime())) {
            if (pubs != null) {
                pubs.start();
                Thread.sleep(rampUpMs / 2); // publishers first, so early viewers find their stream
            }
            subs.start();
            Thread.sleep(rampUpMs - rampUpMs / 2);
            LoadReport.Viewers atStart = subs.snapshot();
            LoadReport.Publishers publishedAtStart = pubs == null ? NO_PUBLISHERS : pubs.snapshot();
            long windowStartNs = System.nanoTime();
            long endNs = windowStartNs + TimeUnit.SECONDS.toNanos(durationS);
            LoadReport.Viewers previous = atStart;
            while (System.nanoTime() - endNs < 0) {
                Thread.sleep(Math.min(1000, Math.max(1, TimeUnit.NANOSECONDS.toMillis(endNs - System.nanoTime()))));
                LoadReport.Viewers now = subs.snapshot();
                if (!quiet) {
                    out.printf(Locale.ROOT, "%5.1f s  subscribed %d/%d  %d pkt/s  since start: loss %.2f %%  freezes %d  errors %d%n",
                            (System.nanoTime() - windowStartNs) / 1e9, now.subscribed(), viewers,
                            now.packets() - previous.packets(), 100 * now.lossRatio(), now.freezes(),
                            now.errorReplies() + now.joinFailures());
                    out.flush();
                }
                previous = now;
            }
            double seconds = (System.nanoTime() - windowStartNs) / 1e9;
            LoadReport.Viewers end = subs.snapshot();
            LoadReport.Publishers published = pubs == null ? NO_PUBLISHERS : pubs.snapshot();
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("date", Instant.now().toString());
            report.putAll(LoadReport.summary(node.getHostString() + ":" + node.getPort(), seconds, end, atStart,
                    published, publishedAtStart));
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            out.println(mapper.writeValueAsString(report));
            out.flush();
            if (json != null) {
                mapper.writeValue(json.toFile(), report);
            }
            return 0;
        } finally {
            if (pubs != null) {
                pubs.close();
            }
        }
    }

    /** The key of {@code --token-key}, or null; checks the token options against each other. */
    private TokenIssuer tokenIssuer(List<String> ids) {
        Arguments.check(spec, tokenKey == null || token == null, "--token", "goes without --token-key (one or the other)");
        if (token != null) {
            Arguments.check(spec, publishers == 0 && ids.size() == 1, "--token",
                    "only with --publishers 0 and one --stream (use --token-key to mint tokens for several streams)");
            Arguments.check(spec, token.matches("[A-Za-z0-9_.-]{1,512}"), "--token",
                    "must be a token printed by the token command");
        }
        if (tokenKey == null) {
            return null;
        }
        int eq = tokenKey.indexOf('=');
        Arguments.check(spec, eq > 0, "--token-key", "must be ID=HEX");
        try {
            return new TokenIssuer(TokenKey.of(tokenKey.substring(0, eq), TokenCommand.parseSecret(tokenKey.substring(eq + 1))));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--token-key: " + e.getMessage());
        }
    }

    private static List<String> tokens(TokenIssuer issuer, List<String> ids, TokenRole role, long expiresEpochS) {
        List<String> tokens = new ArrayList<>(ids.size());
        for (String id : ids) {
            tokens.add(issuer.issue(TokenClaims.builder(id, role, expiresEpochS).build()));
        }
        return tokens;
    }

    private List<String> streamIds() {
        if (publishers == 0) {
            if (streams == null || streams.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--stream is required with --publishers 0 (the viewers need something to watch)");
            }
            for (String id : streams) {
                checkStreamId("--stream", id);
            }
            return List.copyOf(streams);
        }
        if (streams != null && !streams.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--stream only goes with --publishers 0 (publishers bring their own streams)");
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < publishers; i++) {
            ids.add(streamPrefix + "-" + i);
        }
        checkStreamId("--stream-prefix", ids.get(ids.size() - 1));
        return ids;
    }

    private void checkStreamId(String option, String id) {
        if (id.isEmpty() || id.length() > 64 || !id.matches("[A-Za-z0-9._~-]+")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    option + " must give stream ids of 1-64 characters of A-Z a-z 0-9 . _ ~ -: " + id);
        }
    }
}
