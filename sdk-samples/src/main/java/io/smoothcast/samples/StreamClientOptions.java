package io.smoothcast.samples;

import io.smoothcast.samples.internal.HostPort;
import io.smoothcast.security.FrameKey;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options shared by the commands that join one stream on relay nodes ({@code broadcast} and
 * {@code view}), declared once as a picocli mixin so both commands spell and explain them alike.
 *
 * <p>Not thread-safe: picocli fills it, then the command's thread reads it.
 */
final class StreamClientOptions {

    @Option(names = "--node", required = true, split = ",", converter = HostPort.Remote.class, paramLabel = "HOST:PORT",
            description = "The relay node to connect to. Several (repeat the option, or separate them by commas),"
                    + " best first, up to 16: the client fails over to the next when its node dies, and moves to"
                    + " another while its node still answers (a degraded path; for view also no publisher, or no"
                    + " media).")
    List<InetSocketAddress> nodes;

    @Option(names = "--stream", description = "Stream id, 1-64 characters from letters, digits and . _ ~ -. Default: ${DEFAULT-VALUE}.")
    String streamId = "demo";

    @Option(names = "--e2e-key", paramLabel = "ID=HEX",
            description = "End-to-end frame encryption (SFrame, AES-128-GCM) with this key id and stream secret;"
                    + " relays need none. broadcast encrypts every frame with one key; view decrypts with the"
                    + " broadcaster's key, repeated (up to 4) during a key rotation, and counts refused frames.")
    List<String> e2eKeys = new ArrayList<>();

    @Option(names = "--token",
            description = "Token for the stream (see the token command), for relays that require one:"
                    + " a publish token for broadcast, a subscribe token for view.")
    String token;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Serve this client's Prometheus metrics (/metrics), dashboard (/) and diagnostics (/diag)"
                    + " on 127.0.0.1:PORT (0 = any free port); alerts are printed. Default: none.")
    Integer httpPort;

    /**
     * Rejects bad values with a usage error naming the option.
     *
     * @param spec the command's spec, for the error
     * @param maxE2eKeys how many {@code --e2e-key} options the command takes
     */
    void check(CommandSpec spec, int maxE2eKeys) {
        Arguments.check(spec, nodes.size() <= 16, "--node", "at most 16 nodes: " + nodes.size());
        Arguments.check(spec, nodes.stream().distinct().count() == nodes.size(), "--node", "a node given twice: " + nodes);
        Arguments.check(spec, e2eKeys.size() <= maxE2eKeys, "--e2e-key",
                "at most " + maxE2eKeys + (maxE2eKeys == 1 ? " key: " : " keys: ") + e2eKeys.size());
        Arguments.check(spec, token == null || token.matches("[A-Za-z0-9_.-]{1,512}"), "--token",
                "must be a token printed by the token command");
        Arguments.check(spec, httpPort == null || httpPort >= 0 && httpPort <= 65_535, "--http-port",
                "must be 0-65535: " + httpPort);
    }

    /**
     * @param spec the command's spec, for the error
     * @return the parsed {@code --e2e-key} values, in the order given
     */
    List<FrameKey> frameKeys(CommandSpec spec) {
        List<FrameKey> keys = new ArrayList<>(e2eKeys.size());
        for (String text : e2eKeys) {
            try {
                keys.add(FrameKeyOption.parse(text));
            } catch (IllegalArgumentException e) {
                Arguments.check(spec, false, "--e2e-key", e.getMessage());
            }
        }
        return keys;
    }
}
