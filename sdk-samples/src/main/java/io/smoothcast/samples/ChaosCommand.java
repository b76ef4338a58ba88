package io.smoothcast.samples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.smoothcast.samples.chaos.ChaosPlan;
import io.smoothcast.samples.chaos.ChaosRun;
import io.smoothcast.samples.chaos.ChaosSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chaos}: one broadcaster, N viewers and three relay nodes on 127.0.0.1 for a bounded
 * time, while nodes are killed and restarted and the emulators in front of them inject loss
 * bursts and capacity drops (a seeded plan). Checks every frame every viewer gets and writes a
 * JSON summary; exits 1 when an invariant broke.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {"Kill and restart relay nodes and inject loss bursts and capacity drops on loopback.",
            "Checks that every viewer recovers and gets every frame in order, once, intact."},
        footer = {"", "Exit codes: 0 all invariants held, 1 an invariant broke, 2 bad arguments.", "",
            "Examples:",
            "  smoothcast chaos --duration 30 --json chaos.json",
            "  smoothcast chaos --duration 3600 --seed 7 --mode redundant"})
public final class ChaosCommand implements Callable<Integer> {

    /** Which failover modes to run. */
    enum Mode { failover, redundant, both }

    @Option(names = "--duration", defaultValue = "30", paramLabel = "SECONDS",
            description = "Length of each mode's run in seconds, 15-86400 (default ${DEFAULT-VALUE}).")
    int durationS;

    @Option(names = "--viewers", defaultValue = "20", description = "Viewers, 1-200 (default ${DEFAULT-VALUE}).")
    int viewers;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the fault plan (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--mode", defaultValue = "both",
            description = "failover, redundant or both (default ${DEFAULT-VALUE}).")
    Mode mode;

    @Option(names = "--fps", defaultValue = "25", description = "Video frames per second, 1-60 (default ${DEFAULT-VALUE}).")
    int fps;

    @Option(names = "--bitrate", defaultValue = "200000", paramLabel = "BPS",
            description = "Video bitrate in bits per second, 16000-10000000 (default ${DEFAULT-VALUE}).")
    long bitrateBps;

    @Option(names = "--impair-all-paths", description = "Loss bursts and capacity drops hit every node's downlink at once"
        + " (the viewers' own access network) instead of one node's (default: one).")
    boolean impairAllPaths;

    @Option(names = "--kills-only", description = "Only node kills: no loss bursts, no capacity drops.")
    boolean killsOnly;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the summary to this JSON file.")
    Path json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final int NODES = 3;

    @Override
    public Integer call() throws Exception {
        Arguments.requireRange(spec, "--duration", durationS, 15, 86_400);
        Arguments.requireRange(spec, "--viewers", viewers, 1, 200);
        Arguments.requireRange(spec, "--fps", fps, 1, 60);
        Arguments.requireRange(spec, "--bitrate", bitrateBps, 16_000, 10_000_000);
        PrintWriter out = spec.commandLine().getOut();
        // Nominal downlink: ample for every viewer on one node; a drop leaves about 60 % of the load.
        long loadBps = viewers * bitrateBps * 12 / 10;
        long nominalBps = Math.max(50_000_000L, 4 * loadBps);
        List<ChaosSummary> runs = new ArrayList<>();
        ChaosPlan plan = ChaosPlan.generate(seed, durationS * 1000L, NODES, nominalBps, loadBps * 6 / 10,
                impairAllPaths, killsOnly);
        if (mode != Mode.redundant) {
            runs.add(new ChaosRun(plan, false, viewers, fps, bitrateBps, out).run());
        }
        if (mode != Mode.failover) {
            runs.add(new ChaosRun(plan, true, viewers, fps, bitrateBps, out).run());
        }
        boolean held = runs.stream().allMatch(ChaosSummary::invariantsHold);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("date", Instant.now().toString());
        result.put("invariantsHold", held);
        result.put("runs", runs);
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        String text = mapper.writeValueAsString(result);
        out.println(text);
        out.flush();
        if (json != null) {
            mapper.writeValue(json.toFile(), result);
        }
        return held ? 0 : 1;
    }
}
