package io.smoothcast.benchmarks.scenarios;

import io.smoothcast.netsim.CapacitySchedule;
import io.smoothcast.netsim.CapacitySchedule.AfterEnd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The named scenarios: RFC 8867 section 5.1 to 5.8, two scenarios for the goals, and
 * one scenario per trace file of the Twitch, Norway and FCC sets.
 *
 * <p>RFC 8867 parameters used everywhere unless a case says otherwise: one-way propagation delay
 * 50 ms (RTT 100 ms), bottleneck queue 300 ms, reverse link 10 Mbps (not a bottleneck). Mbps
 * here are 10^6 bit/s (the RFC does not ask for 2^20).
 *
 * <p>Traces are read from a directory (default {@code traces}, relative to the working
 * directory: the repository's own copy when run from its root); they are not copied into the jar. A trace runs
 * with RTT 100 ms and a 300 ms queue; after its end it repeats. Its default duration is its own
 * length clamped to [{@value #MIN_TRACE_S}, {@value #MAX_TRACE_S}] seconds.
 */
final class ScenarioCatalog {

    static final long DEFAULT_ONE_WAY_DELAY_MS = 50;
    static final long DEFAULT_QUEUE_MS = 300;
    static final long REVERSE_CAPACITY_BPS = 10_000_000;
    static final double MIN_TRACE_S = 60;
    static final double MAX_TRACE_S = 300;
    private static final long SEED_SHORT_TCP = 0x8867_57L;

    private final Path tracesDir;

    ScenarioCatalog(Path tracesDir) {
        this.tracesDir = tracesDir;
    }

    /** Returns every scenario by name, in a stable order; trace scenarios only if the dir exists. */
    Map<String, ScenarioSpec> all() {
        Map<String, ScenarioSpec> all = new LinkedHashMap<>();
        for (ScenarioSpec s : rfc8867()) {
            all.put(s.name(), s);
        }
        for (ScenarioSpec s : goals()) {
            all.put(s.name(), s);
        }
        for (ScenarioSpec s : traces()) {
            all.put(s.name(), s);
        }
        return all;
    }

    static List<ScenarioSpec> rfc8867() {
        List<ScenarioSpec> list = new ArrayList<>();
        CapacitySchedule reverse = CapacitySchedule.constant(REVERSE_CAPACITY_BPS);
        list.add(new ScenarioSpec("rfc8867-5.1", steps(100, 0, 1.0, 40, 2.5, 60, 0.6, 80, 1.0),
                reverse, 50, 300, 0, 100, List.of(FlowSpec.media(0))));
        list.add(new ScenarioSpec("rfc8867-5.2",
                steps(125, 0, 4.0, 25, 2.0, 50, 3.5, 75, 1.0, 100, 2.0), reverse, 50, 300, 0, 125,
                List.of(FlowSpec.media(0), FlowSpec.media(0))));
        list.add(new ScenarioSpec("rfc8867-5.3", steps(100, 0, 2.0, 20, 1.0, 40, 0.5, 60, 2.0),
                steps(100, 0, 2.0, 35, 0.8, 70, 2.0), 50, 300, 0, 100,
                List.of(FlowSpec.media(0), FlowSpec.reverseMedia(0))));
        list.add(new ScenarioSpec("rfc8867-5.4", constantMbps(3.5), reverse, 50, 300, 0, 120,
                List.of(FlowSpec.media(0), FlowSpec.media(20), FlowSpec.media(40))));
        // Per-flow one-way delays 10, 25, 50, 100, 150 ms: a 10 ms link plus per-flow extras.
        list.add(new ScenarioSpec("rfc8867-5.5", constantMbps(4.0), reverse, 10, 300, 0, 300,
                List.of(FlowSpec.mediaWithDelay(0, 0), FlowSpec.mediaWithDelay(10, 15),
                        FlowSpec.mediaWithDelay(20, 40), FlowSpec.mediaWithDelay(30, 90),
                        FlowSpec.mediaWithDelay(40, 140))));
        list.add(new ScenarioSpec("rfc8867-5.6", constantMbps(2.0), reverse, 50, 300, 0, 120,
                List.of(FlowSpec.tcpLong(0), FlowSpec.media(5))));
        List<FlowSpec> shortTcp = new ArrayList<>(List.of(FlowSpec.media(5), FlowSpec.media(5)));
        shortTcp.addAll(shortTcpFlows(300));
        list.add(new ScenarioSpec("rfc8867-5.7", constantMbps(2.0), reverse, 50, 300, 0, 300,
                shortTcp));
        list.add(new ScenarioSpec("rfc8867-5.8", constantMbps(3.5), reverse, 50, 300, 0, 120,
                List.of(FlowSpec.media(0), FlowSpec.mediaWithPause(0, 40, 60), FlowSpec.media(0))));
        return list;
    }

    /**
     * Short TCP traffic for 5.7, after RFC 8868 section 6.1 scaled to a 2 Mbps link: 10 sources;
     * each source, after an idle time drawn from an exponential distribution (mean 10 s), starts
     * a burst of 3 parallel transfers of 30-50 kB. Start times are drawn up front from a fixed
     * seed (a burst does not wait for the previous one to finish).
     */
    static List<FlowSpec> shortTcpFlows(double durationS) {
        SplittableRandom random = new SplittableRandom(SEED_SHORT_TCP);
        List<FlowSpec> flows = new ArrayList<>();
        for (int source = 0; source < 10; source++) {
            double t = 5 + random.nextDouble() * 10;
            while (t < durationS) {
                for (int i = 0; i < 3; i++) {
                    flows.add(FlowSpec.tcpShort(t, 30_000 + random.nextLong(20_001)));
                }
                t += -10 * Math.log(1 - random.nextDouble());
            }
        }
        flows.sort((a, b) -> Double.compare(a.startS(), b.startS()));
        return flows;
    }

    /** Scenarios that measure the goals directly. */
    static List<ScenarioSpec> goals() {
        CapacitySchedule reverse = CapacitySchedule.constant(REVERSE_CAPACITY_BPS);
        return List.of(
                // Ramp-up to 1.5 Mbps on 2 Mbps / RTT 100 ms, then steady-state utilization.
                new ScenarioSpec("goal-steady-2mbps", constantMbps(2.0), reverse, 50, 300, 0, 60,
                        List.of(FlowSpec.media(0))),
                // A capacity drop: queue recovery and convergence to the new capacity.
                new ScenarioSpec("goal-drop-3to1mbps", steps(50, 0, 3.0, 25, 1.0), reverse, 50,
                        300, 0, 50, List.of(FlowSpec.media(0))),
                // Three same-controller flows started together on a 6 Mbps link.
                new ScenarioSpec("goal-three-flows-6mbps", constantMbps(6.0), reverse, 50, 300, 0,
                        90, List.of(FlowSpec.media(0), FlowSpec.media(0), FlowSpec.media(0))));
    }

    /** One scenario per trace file, named after its set and file. */
    List<ScenarioSpec> traces() {
        List<ScenarioSpec> list = new ArrayList<>();
        if (tracesDir == null || !Files.isDirectory(tracesDir)) {
            return list;
        }
        for (String set : List.of("twitch/normal", "twitch/fast", "twitch/early", "norway", "fcc")) {
            Path dir = tracesDir.resolve(set);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.sorted().toList()) {
                    String base = file.getFileName().toString().replaceFirst("\\.tsv$", "")
                            .replaceFirst("^profile_", "").replace('_', '-');
                    String prefix = set.replace('/', '-') + "-";
                    String name = base.startsWith(set.replaceFirst("/.*", ""))
                            ? base : prefix + base;
                    list.add(traceScenario(name, file, -1, DEFAULT_ONE_WAY_DELAY_MS * 2, 0));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list traces in " + dir, e);
            }
        }
        return list;
    }

    /**
     * A single media flow over a trace.
     *
     * @param durationS run length, or -1 for the trace's own length clamped to
     *     [MIN_TRACE_S, MAX_TRACE_S]
     */
    static ScenarioSpec traceScenario(String name, Path file, double durationS, long rttMs,
            double loss) {
        CapacitySchedule schedule;
        try {
            schedule = CapacitySchedule.fromTraceFile(file, AfterEnd.REPEAT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read trace " + file, e);
        }
        double length = schedule.durationNs() / 1e9;
        double duration = durationS > 0 ? durationS
                : Math.max(MIN_TRACE_S, Math.min(MAX_TRACE_S, length));
        return new ScenarioSpec(name, schedule, CapacitySchedule.constant(REVERSE_CAPACITY_BPS),
                rttMs / 2, DEFAULT_QUEUE_MS, loss, duration, List.of(FlowSpec.media(0)));
    }

    static CapacitySchedule constantMbps(double mbps) {
        return CapacitySchedule.constant(Math.round(mbps * 1e6));
    }

    /** Steps from pairs (startS, Mbps), holding the last value; {@code durationS} is the length. */
    static CapacitySchedule steps(double durationS, double... startSAndMbps) {
        int n = startSAndMbps.length / 2;
        long[] starts = new long[n];
        long[] rates = new long[n];
        for (int i = 0; i < n; i++) {
            starts[i] = Math.round(startSAndMbps[2 * i] * 1e9);
            rates[i] = Math.round(startSAndMbps[2 * i + 1] * 1e6);
        }
        return CapacitySchedule.steps(starts, rates, Math.round(durationS * 1e9), AfterEnd.HOLD);
    }
}
