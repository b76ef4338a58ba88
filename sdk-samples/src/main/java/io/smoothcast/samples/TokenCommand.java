package io.smoothcast.samples;

import io.smoothcast.security.TokenClaims;
import io.smoothcast.security.TokenIssuer;
import io.smoothcast.security.TokenKey;
import io.smoothcast.security.TokenRole;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code smoothcast token}: mints an HMAC-SHA256 token (SECURITY.md) for the samples, as an
 * application's server would with {@link TokenIssuer}. Prints the token on one line.
 *
 * <p>Not for production key handling: the secret is on the command line (visible in the
 * process list and shell history).
 */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = "Mint a publish or subscribe token for a stream (HMAC-SHA256, SECURITY.md).",
        footer = {"", "Examples:",
            "  smoothcast token --secret $(openssl rand -hex 32) --key-id k1 --stream show \\",
            "      --role publish",
            "", "Exit codes: 0 token printed, 2 bad arguments."})
public final class TokenCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--secret", required = true, paramLabel = "HEX",
            description = "signing secret, 32-64 bytes as hex (64-128 hex digits); the relay needs the same")
    String secretHex;

    @Option(names = "--key-id", required = true, paramLabel = "ID",
            description = "key id the relay selects the secret by (1-32 of A-Z a-z 0-9 . _ -)")
    String keyId;

    @Option(names = "--stream", required = true, paramLabel = "ID", description = "stream id the token is for")
    String streamId;

    @Option(names = "--role", required = true, paramLabel = "ROLE", description = "publish or subscribe")
    String role;

    @Option(names = "--ttl", defaultValue = "3600", paramLabel = "SECONDS",
            description = "lifetime in seconds from now, 1-31536000 (default: ${DEFAULT-VALUE})")
    long ttlSeconds;

    @Option(names = "--region", paramLabel = "NAME", description = "limit the token to nodes of this region")
    String region;

    @Option(names = "--node", paramLabel = "ID", description = "limit the token to this node")
    String nodeId;

    @Override
    public Integer call() {
        if (ttlSeconds < 1 || ttlSeconds > 31_536_000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ttl must be 1-31536000 seconds: " + ttlSeconds);
        }
        TokenRole tokenRole = switch (role.toLowerCase(Locale.ROOT)) {
            case "publish" -> TokenRole.PUBLISH;
            case "subscribe" -> TokenRole.SUBSCRIBE;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--role must be publish or subscribe: " + role);
        };
        byte[] secret = null;
        try {
            secret = parseSecret(secretHex);
        } catch (IllegalArgumentException e) {
            // Shared with --token-key and --upstream-token-key: the option is named here.
            Arguments.check(spec, false, "--secret", e.getMessage());
        }
        TokenKey key;
        try {
            key = TokenKey.of(keyId, secret);
            TokenClaims.Builder claims = TokenClaims.builder(streamId, tokenRole,
                    System.currentTimeMillis() / 1000 + ttlSeconds);
            if (region != null) {
                claims.region(region);
            }
            if (nodeId != null) {
                claims.nodeId(nodeId);
            }
            spec.commandLine().getOut().println(new TokenIssuer(key).issue(claims.build()));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        spec.commandLine().getOut().flush();
        return 0;
    }

    /**
     * Parses a signing secret given as hex (shared with the commands that verify tokens).
     *
     * @param hex 64-128 hex digits
     * @return the secret bytes
     * @throws IllegalArgumentException if not hex or of the wrong length
     */
    static byte[] parseSecret(String hex) {
        byte[] secret;
        try {
            secret = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the secret must be hex digits (an even number of 0-9 a-f)");
        }
        if (secret.length < TokenKey.MIN_SECRET_BYTES || secret.length > TokenKey.MAX_SECRET_BYTES) {
            throw new IllegalArgumentException("the secret must be " + TokenKey.MIN_SECRET_BYTES + "-"
                    + TokenKey.MAX_SECRET_BYTES + " bytes (" + 2 * TokenKey.MIN_SECRET_BYTES + "-"
                    + 2 * TokenKey.MAX_SECRET_BYTES + " hex digits): " + secret.length + " bytes");
        }
        return secret;
    }
}
