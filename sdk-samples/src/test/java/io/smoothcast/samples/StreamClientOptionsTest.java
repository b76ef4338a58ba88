package io.smoothcast.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.smoothcast.security.FrameKey;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The options that {@code broadcast} and {@code view} share through one mixin. No sockets are opened. */
class StreamClientOptionsTest {

    private static final String KEY = "7=00112233445566778899aabbccddeeff";
    private static final String[] SHARED = {"--node", "--stream", "--e2e-key", "--token", "--http-port"};

    @Test
    void broadcastAndView_bothAcceptTheSharedOptions() {
        for (String command : new String[] {"broadcast", "view"}) {
            CommandLine cli = SmoothcastCli.newCommandLine();
            cli.parseArgs(command, "--node", "127.0.0.1:7000", "--stream", "show", "--e2e-key", KEY,
                    "--token", "tok.en-1", "--http-port", "0");
            CommandLine sub = cli.getSubcommands().get(command);
            StreamClientOptions options = streamClient(sub.getCommand());
            assertEquals(List.of(new InetSocketAddress("127.0.0.1", 7000)), options.nodes, command);
            assertEquals("show", options.streamId, command);
            assertEquals("tok.en-1", options.token, command);
            assertEquals(0, options.httpPort, command);
            List<FrameKey> keys = options.frameKeys(sub.getCommandSpec());
            assertEquals(1, keys.size(), command);
            assertEquals(7, keys.get(0).keyId(), command);
        }
    }

    @Test
    void broadcastAndView_takeSeveralNodes_repeatedOrCommaSeparated_bestFirst() {
        for (String command : new String[] {"broadcast", "view"}) {
            CommandLine cli = SmoothcastCli.newCommandLine();
            cli.parseArgs(command, "--node", "127.0.0.1:7000,127.0.0.1:7001", "--node", "127.0.0.1:7002");
            StreamClientOptions options = streamClient(cli.getSubcommands().get(command).getCommand());
            assertEquals(List.of(new InetSocketAddress("127.0.0.1", 7000), new InetSocketAddress("127.0.0.1", 7001),
                    new InetSocketAddress("127.0.0.1", 7002)), options.nodes, command);
        }
    }

    @Test
    void broadcastAndView_describeTheSharedOptionsAlike() {
        CommandLine cli = SmoothcastCli.newCommandLine();
        CommandLine broadcast = cli.getSubcommands().get("broadcast");
        CommandLine view = cli.getSubcommands().get("view");
        for (String name : SHARED) {
            OptionSpec inBroadcast = broadcast.getCommandSpec().findOption(name);
            OptionSpec inView = view.getCommandSpec().findOption(name);
            assertNotNull(inBroadcast, name);
            assertNotNull(inView, name);
            assertArrayEquals(inBroadcast.description(), inView.description(), name);
            assertEquals(inBroadcast.paramLabel(), inView.paramLabel(), name);
            assertEquals(inBroadcast.required(), inView.required(), name);
        }
    }

    @Test
    void badSharedValues_areUsageErrorsNamingTheOption_inBothCommands() {
        for (String command : new String[] {"broadcast", "view"}) {
            assertUsageError("--http-port", command, "--node", "7000", "--http-port", "70000");
            assertUsageError("--token", command, "--node", "7000", "--token", "has space");
            assertUsageError("--e2e-key", command, "--node", "7000", "--e2e-key", "1=00");
            assertUsageError("--node", command, "--node", "7000", "--node", "7000");
        }
        assertUsageError("--e2e-key", "broadcast", "--node", "7000", "--e2e-key", KEY, "--e2e-key", KEY);
        assertUsageError("--e2e-key", "view", "--node", "7000", "--e2e-key", KEY, "--e2e-key", KEY,
                "--e2e-key", KEY, "--e2e-key", KEY, "--e2e-key", KEY);
    }

    private static StreamClientOptions streamClient(Object command) {
        if (command instanceof BroadcastCommand broadcast) {
            return broadcast.streamClient;
        }
        return ((ViewCommand) command).streamClient;
    }

    /** A usage error from the shared option's own check (not, say, the missing --node). */
    private static void assertUsageError(String option, String... args) {
        CliRun.assertUsageError("Invalid value for option '" + option + "'", args);
    }
}
