package io.smoothcast.benchmarks.jitter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded, synthetic arrival trace of a 30 fps video stream: when each RTP packet reaches the
 * viewer. Delay = base + a slowly varying queue (burst episodes where it ramps up and drains) +
 * heavy-tailed per-packet jitter (Pareto), passed through a first-in first-out bottleneck (a
 * packet cannot overtake the one before it there), plus occasional reordering (a packet held back
 * a few milliseconds so later ones overtake it). Same profile and seed, same trace.
 *
 * <p>Immutable after construction; thread-safe.
 */
final class ArrivalTrace {

    static final int CLOCK_RATE_HZ = 90_000;
    static final int FRAME_RATE = 30;
    private static final long MS = 1_000_000L;

    /** A network profile. All delays in milliseconds. */
    record Profile(String name, double baseDelayMs, double paretoScaleMs, double paretoShape, double burstEverySeconds,
            double burstSecondsMin, double burstSecondsMax, double burstPeakMsMin, double burstPeakMsMax,
            double reorderProbability, double reorderDelayMsMax) {
    }

    /** Profiles the quality benchmark runs: from a good wired path to a congested mobile one. */
    static final List<Profile> PROFILES = List.of(
            new Profile("wired", 20, 0.5, 2.0, 60, 0.5, 1.5, 20, 60, 0.002, 3),
            new Profile("wifi-bursty", 40, 1.5, 1.8, 25, 1.0, 3.0, 60, 180, 0.01, 8),
            new Profile("cellular", 60, 3.0, 2.0, 15, 1.0, 4.0, 80, 220, 0.02, 15));

    /** One packet on the wire. */
    record Packet(int sequence, int rtpTimestamp, boolean marker, long sendNs, long arrivalNs, int frame) {
    }

    final Profile profile;
    final List<Packet> packets;
    final int frames;

    ArrivalTrace(Profile profile, long seed, int durationSeconds) {
        this.profile = profile;
        SplittableRandom random = new SplittableRandom(seed ^ profile.name().hashCode());
        frames = durationSeconds * FRAME_RATE;
        long durationNs = durationSeconds * 1_000_000_000L;
        long[] burstStart = new long[4096];
        long[] burstLength = new long[4096];
        double[] burstPeak = new double[4096];
        int bursts = 0;
        long t = (long) (exponential(random, profile.burstEverySeconds()) * 1e9);
        while (t < durationNs && bursts < burstStart.length) {
            burstStart[bursts] = t;
            burstLength[bursts] = (long) (uniform(random, profile.burstSecondsMin(), profile.burstSecondsMax()) * 1e9);
            burstPeak[bursts] = uniform(random, profile.burstPeakMsMin(), profile.burstPeakMsMax());
            t += burstLength[bursts] + (long) (exponential(random, profile.burstEverySeconds()) * 1e9);
            bursts++;
        }
        List<Packet> list = new ArrayList<>();
        int sequence = random.nextInt(65536);
        int firstTimestamp = random.nextInt();
        int burst = 0;
        long lastFifoArrivalNs = 0;
        for (int f = 0; f < frames; f++) {
            long frameSendNs = f * 1_000_000_000L / FRAME_RATE;
            boolean keyframe = f % (2 * FRAME_RATE) == 0;
            int packetCount = keyframe ? 12 + random.nextInt(6) : 1 + random.nextInt(4);
            int rtpTimestamp = firstTimestamp + (int) ((long) f * CLOCK_RATE_HZ / FRAME_RATE);
            for (int i = 0; i < packetCount; i++) {
                long sendNs = frameSendNs + i * MS / 2; // paced: one packet every 0.5 ms
                while (burst < bursts && burstStart[burst] + burstLength[burst] < sendNs) {
                    burst++;
                }
                double queueMs = 0;
                if (burst < bursts && sendNs >= burstStart[burst]) {
                    // Queue builds up over the first third of the episode, drains over the rest.
                    double x = (double) (sendNs - burstStart[burst]) / burstLength[burst];
                    queueMs = burstPeak[burst] * (x < 1.0 / 3 ? 3 * x : 1.5 * (1 - x));
                }
                double jitterMs = pareto(random, profile.paretoScaleMs(), profile.paretoShape()) - profile.paretoScaleMs();
                double delayMs = profile.baseDelayMs() + queueMs + Math.min(jitterMs, 2_000);
                // One bottleneck queue is first-in first-out: a packet held up holds up those
                // behind it, so a delay spike reaches the viewer as a stall and then a clump.
                long fifoArrivalNs = Math.max(sendNs + (long) (delayMs * MS), lastFifoArrivalNs);
                lastFifoArrivalNs = fifoArrivalNs;
                // Reordering happens beside the queue (multipath, link-layer retries).
                long reorderNs = random.nextDouble() < profile.reorderProbability()
                        ? (long) (uniform(random, 1, profile.reorderDelayMsMax()) * MS) : 0;
                list.add(new Packet(sequence & 0xFFFF, rtpTimestamp, i == packetCount - 1, sendNs,
                        fifoArrivalNs + reorderNs, f));
                sequence++;
            }
        }
        list.sort(Comparator.comparingLong(Packet::arrivalNs));
        packets = List.copyOf(list);
    }

    private static double exponential(SplittableRandom random, double mean) {
        return -mean * Math.log(1 - random.nextDouble());
    }

    private static double uniform(SplittableRandom random, double min, double max) {
        return min + (max - min) * random.nextDouble();
    }

    /** Pareto (type I): scale x_m, shape alpha; heavy-tailed for small alpha. */
    private static double pareto(SplittableRandom random, double scale, double shape) {
        return scale / Math.pow(1 - random.nextDouble(), 1 / shape);
    }
}
