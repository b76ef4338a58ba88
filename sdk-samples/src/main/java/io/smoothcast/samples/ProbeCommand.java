package io.smoothcast.samples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.smoothcast.samples.internal.Format;
import io.smoothcast.samples.internal.HostPort;
import io.smoothcast.transport.NodeInfo;
import io.smoothcast.transport.NodeProbe;
import io.smoothcast.transport.ProbeReport;
import io.smoothcast.transport.ProbeResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code smoothcast probe}: the last-mile probe ({@link NodeProbe}) against a list of relay
 * nodes. Prints every node ranked best first (round trip, jitter, loss, bottleneck bandwidth,
 * load, score), the recommended node and the starting bitrate a broadcaster should use there;
 * {@code --json} also writes the report as JSON.
 */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Measure the path to each relay node and recommend one and a starting bitrate.",
            "Measures round trip, jitter, loss, bottleneck bandwidth and load of each node and ranks the"
                + " nodes, as the SDK does before connecting."},
        footer = {"", "Examples:",
            "  smoothcast probe --node 10.0.0.1:7000 --node 10.0.0.2:7000",
            "  smoothcast probe --node eu-west=10.0.0.1:7000,ap-east=10.0.1.1:7000 \\",
            "      --json probe.json",
            "  smoothcast probe --node 10.0.0.1:7000 --discover",
            "", "Exit codes: 0 a node was recommended, 1 no node answered, 2 bad arguments."})
final class ProbeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--node", required = true, split = ",", paramLabel = "[REGION=]HOST:PORT",
            description = "A node to probe, optionally labelled with its region; repeat or separate with commas (1-64).")
    List<String> nodeTexts;

    @Option(names = "--discover",
            description = "Ask the given nodes for their cluster's member list and probe those members instead.")
    boolean discover;

    @Option(names = "--pings", paramLabel = "N", description = "Pings per node, 2-100. Default: ${DEFAULT-VALUE}.")
    int pings = 10;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report to FILE as JSON.")
    Path json;

    @Override
    public Integer call() throws InterruptedException {
        List<NodeInfo> nodes = parseNodes();
        Arguments.check(spec, pings >= 2 && pings <= 100, "--pings", "must be 2-100: " + pings);
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            Arguments.check(spec, parent != null && Files.isDirectory(parent), "--json",
                    "directory " + parent + " does not exist");
        }
        PrintWriter out = spec.commandLine().getOut();
        NodeProbe probe = NodeProbe.builder().pings(pings).build();
        ProbeReport report;
        try {
            if (discover) {
                List<NodeInfo> members = probe.fetchMembers(nodes.stream().map(NodeInfo::address).toList());
                if (members.isEmpty()) {
                    out.println("no node answered with a member list; probing the given nodes");
                } else {
                    out.printf("discovered %d members%n", members.size());
                    nodes = members.size() > 64 ? members.subList(0, 64) : members;
                }
            }
            report = probe.probe(nodes);
        } catch (RuntimeException e) { // no socket, or the probe's I/O thread stuck
            spec.commandLine().getErr().println("probe: " + e.getMessage());
            return 1;
        }
        for (String line : table(report)) {
            out.println(line);
        }
        NodeInfo best = report.recommended();
        if (best != null) {
            out.printf(Locale.ROOT, "recommended: %s%s, start at %s%n", Format.address(best.address()),
                    best.region().isEmpty() ? "" : " (" + best.region() + ")", Format.bitrate(report.startBitrateBps()));
        }
        out.flush();
        if (json != null) {
            try {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), toJson(report));
            } catch (IOException e) {
                spec.commandLine().getErr().println("probe: cannot write " + json + ": " + e.getMessage());
                return 1;
            }
        }
        if (best == null) {
            spec.commandLine().getErr().println("probe: no node answered");
            return 1;
        }
        return 0;
    }

    private List<NodeInfo> parseNodes() {
        Arguments.check(spec, nodeTexts.size() <= 64, "--node", "at most 64 nodes: " + nodeTexts.size());
        List<NodeInfo> nodes = new ArrayList<>();
        Set<InetSocketAddress> seen = new HashSet<>();
        for (String text : nodeTexts) {
            int eq = text.indexOf('=');
            String region = eq < 0 ? "" : text.substring(0, eq);
            Arguments.check(spec, NodeInfo.isValidRegion(region), "--node",
                    "region must be 0-" + NodeInfo.MAX_REGION_LENGTH + " characters from A-Z a-z 0-9 . _ -: " + text);
            InetSocketAddress address;
            try {
                address = HostPort.parseRemote(text.substring(eq + 1));
            } catch (CommandLine.TypeConversionException e) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "Invalid value for option '--node': " + e.getMessage());
            }
            Arguments.check(spec, seen.add(address), "--node", "listed twice: " + text);
            nodes.add(new NodeInfo(address, region));
        }
        return nodes;
    }

    static List<String> table(ProbeReport report) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%4s  %-21s %-10s %9s %9s %6s %11s %7s %8s",
                "rank", "node", "region", "rtt", "jitter", "loss", "bandwidth", "clients", "score"));
        int rank = 1;
        for (ProbeResult r : report.ranked()) {
            lines.add(String.format(Locale.ROOT, "%4s  %-21s %-10s %9s %9s %6s %11s %7s %8s",
                    r.reachable() ? Integer.toString(rank++) : "-", Format.address(r.node().address()),
                    r.node().region().isEmpty() ? "-" : r.node().region(),
                    Double.isNaN(r.rttMs()) ? "-" : String.format(Locale.ROOT, "%.1f ms", r.rttMs()),
                    r.reachable() ? String.format(Locale.ROOT, "%.1f ms", r.jitterMs()) : "-",
                    String.format(Locale.ROOT, "%.0f%%", r.lossFraction() * 100),
                    r.bandwidthBps() < 0 ? "-" : Format.bitrate(r.bandwidthBps()),
                    r.clients() < 0 ? "-" : Integer.toString(r.clients()),
                    r.reachable() ? String.format(Locale.ROOT, "%.1f", r.score()) : "unreachable"));
        }
        lines.add(String.format(Locale.ROOT, "probed %d nodes in %d ms", report.ranked().size(), report.durationMs()));
        return lines;
    }

    private static Map<String, Object> toJson(ProbeReport report) {
        Map<String, Object> root = new LinkedHashMap<>();
        NodeInfo best = report.recommended();
        root.put("recommended", best == null ? null : Format.address(best.address()));
        root.put("startBitrateBps", report.startBitrateBps());
        root.put("durationMs", report.durationMs());
        List<Map<String, Object>> ranked = new ArrayList<>();
        for (ProbeResult r : report.ranked()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("address", Format.address(r.node().address()));
            row.put("region", r.node().region());
            row.put("reachable", r.reachable());
            row.put("rttMs", Double.isNaN(r.rttMs()) ? null : r.rttMs());
            row.put("jitterMs", r.jitterMs());
            row.put("lossFraction", r.lossFraction());
            row.put("bandwidthBps", r.bandwidthBps() < 0 ? null : r.bandwidthBps());
            row.put("clients", r.clients() < 0 ? null : r.clients());
            row.put("score", Double.isFinite(r.score()) ? r.score() : null);
            ranked.add(row);
        }
        root.put("ranked", ranked);
        return root;
    }
}
