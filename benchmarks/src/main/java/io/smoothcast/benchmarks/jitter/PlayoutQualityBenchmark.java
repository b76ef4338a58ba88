package io.smoothcast.benchmarks.jitter;

import io.smoothcast.jitter.JitterBufferStats;
import io.smoothcast.jitter.JitterFrame;
import io.smoothcast.jitter.SpscJitterBuffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reproducible playout-quality comparison of the jitter buffer's adaptive mode against fixed
 * 200 ms (GStreamer rtpjitterbuffer's default latency) and fixed 120 ms (SRT's default latency),
 * over seeded synthetic arrival traces ({@link ArrivalTrace}), in virtual time.
 *
 * <p>For each profile and mode: mean and p95 added delay (a frame's time in the buffer, from its
 * first packet's arrival to delivery, the W3C jitterBufferDelay), the late-loss rate (packets that
 * were not played because they, or a packet of their frame, came after the playout deadline),
 * and W3C freezes. Writes a JSON summary and prints a table.
 *
 * <p>Usage: {@code PlayoutQualityBenchmark <output.json> [--seconds N] [--seed S]} (defaults:
 * 600 s per profile, seed 1).
 */
public final class PlayoutQualityBenchmark {

    private static final long MS = 1_000_000L;
    /** The consumer (playout) thread wakes every millisecond. */
    private static final long POLL_INTERVAL_NS = MS;

    /** One mode's outcome on one profile. */
    record Result(String profile, String mode, long packets, long framesSent, long framesDelivered, double meanAddedDelayMs,
            double p95AddedDelayMs, double lateLossRate, long freezeCount, double totalFreezesDurationSeconds,
            double meanTargetDelayMs) {
    }

    private PlayoutQualityBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: PlayoutQualityBenchmark <output.json> [--seconds N] [--seed S]");
            System.exit(2);
        }
        Path output = Path.of(args[0]);
        int seconds = 600;
        long seed = 1;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seconds": seconds = Integer.parseInt(args[i + 1]); break;
                case "--seed": seed = Long.parseLong(args[i + 1]); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<Result> results = run(seed, seconds);
        Files.writeString(output, toJson(results, seed, seconds), StandardCharsets.UTF_8);
        System.out.print(toTable(results));
        System.out.println("JSON written to " + output);
    }

    static List<Result> run(long seed, int seconds) {
        List<Result> results = new ArrayList<>();
        for (ArrivalTrace.Profile profile : ArrivalTrace.PROFILES) {
            ArrivalTrace trace = new ArrivalTrace(profile, seed, seconds);
            results.add(play(trace, "adaptive", SpscJitterBuffer.builder().adaptive()));
            results.add(play(trace, "fixed-200ms", SpscJitterBuffer.builder().fixedDelayMs(200)));
            results.add(play(trace, "fixed-120ms", SpscJitterBuffer.builder().fixedDelayMs(120)));
        }
        return results;
    }

    private static Result play(ArrivalTrace trace, String mode, SpscJitterBuffer.Builder builder) {
        SpscJitterBuffer buffer = builder.clockRateHz(ArrivalTrace.CLOCK_RATE_HZ).capacityPackets(2048)
                .maxPayloadBytes(16).nackEnabled(false).build();
        byte[] payload = new byte[16];
        long[] delays = new long[trace.frames];
        int[] delivered = {0};
        long[] nowHolder = {0};
        List<ArrivalTrace.Packet> packets = trace.packets;
        long start = packets.get(0).arrivalNs();
        long end = packets.get(packets.size() - 1).arrivalNs() + 3_000 * MS;
        int next = 0;
        for (long now = start; now <= end; now += POLL_INTERVAL_NS) {
            while (next < packets.size() && packets.get(next).arrivalNs() <= now) {
                ArrivalTrace.Packet p = packets.get(next++);
                buffer.offer(1, p.sequence(), p.rtpTimestamp(), p.marker(), p.arrivalNs(), payload, 0, payload.length);
            }
            nowHolder[0] = now;
            buffer.poll(now, (JitterFrame frame) -> delays[delivered[0]++] = nowHolder[0] - frame.firstArrivalNs());
        }
        JitterBufferStats stats = buffer.readStats(new JitterBufferStats());
        long[] sorted = Arrays.copyOf(delays, delivered[0]);
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0) / MS;
        double p95 = sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] / (double) MS;
        long total = packets.size();
        double lateLoss = (double) (total - stats.packetsEmitted()) / total;
        double meanTargetMs = stats.jitterBufferEmittedCount() == 0 ? 0
                : stats.jitterBufferTargetDelaySeconds() * 1000 / stats.jitterBufferEmittedCount();
        return new Result(trace.profile.name(), mode, total, trace.frames, delivered[0], mean, p95, lateLoss,
                stats.freezeCount(), stats.totalFreezesDurationSeconds(), meanTargetMs);
    }

    static String toJson(List<Result> results, long seed, int seconds) {
        StringBuilder json = new StringBuilder();
        json.append("{\n  \"benchmark\": \"PlayoutQualityBenchmark\",\n");
        json.append("  \"seed\": ").append(seed).append(",\n");
        json.append("  \"secondsPerProfile\": ").append(seconds).append(",\n");
        json.append("  \"results\": [\n");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            json.append("    {\"profile\": \"").append(r.profile()).append("\", \"mode\": \"").append(r.mode())
                    .append("\", \"packets\": ").append(r.packets())
                    .append(", \"framesSent\": ").append(r.framesSent())
                    .append(", \"framesDelivered\": ").append(r.framesDelivered())
                    .append(", \"meanAddedDelayMs\": ").append(number(r.meanAddedDelayMs()))
                    .append(", \"p95AddedDelayMs\": ").append(number(r.p95AddedDelayMs()))
                    .append(", \"lateLossRate\": ").append(number(r.lateLossRate()))
                    .append(", \"freezeCount\": ").append(r.freezeCount())
                    .append(", \"totalFreezesDurationSeconds\": ").append(number(r.totalFreezesDurationSeconds()))
                    .append(", \"meanTargetDelayMs\": ").append(number(r.meanTargetDelayMs()))
                    .append('}').append(i + 1 < results.size() ? ",\n" : "\n");
        }
        json.append("  ],\n  \"goal\": [\n");
        List<String> profiles = results.stream().map(Result::profile).distinct().toList();
        for (int i = 0; i < profiles.size(); i++) {
            String profile = profiles.get(i);
            Result adaptive = find(results, profile, "adaptive");
            Result fixed200 = find(results, profile, "fixed-200ms");
            double reduction = 1 - adaptive.meanAddedDelayMs() / fixed200.meanAddedDelayMs();
            boolean met = adaptive.lateLossRate() <= 0.01 && reduction >= 0.30;
            json.append("    {\"profile\": \"").append(profile).append("\", \"adaptiveLateLossRate\": ")
                    .append(number(adaptive.lateLossRate())).append(", \"meanDelayReductionVsFixed200\": ")
                    .append(number(reduction)).append(", \"met\": ").append(met).append('}')
                    .append(i + 1 < profiles.size() ? ",\n" : "\n");
        }
        json.append("  ]\n}\n");
        return json.toString();
    }

    private static Result find(List<Result> results, String profile, String mode) {
        return results.stream().filter(r -> r.profile().equals(profile) && r.mode().equals(mode)).findFirst()
                .orElseThrow();
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.6f", value);
    }

    static String toTable(List<Result> results) {
        StringBuilder table = new StringBuilder();
        table.append("| profile | mode | mean added delay (ms) | p95 added delay (ms) | late loss | freezes | frozen (s) |\n");
        table.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            table.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.2f %% | %d | %.2f |%n", r.profile(),
                    r.mode(), r.meanAddedDelayMs(), r.p95AddedDelayMs(), 100 * r.lateLossRate(), r.freezeCount(),
                    r.totalFreezesDurationSeconds()));
        }
        return table.toString();
    }
}
