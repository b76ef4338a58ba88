package io.smoothcast.samples.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.smoothcast.transport.NettyLeaks;
import io.smoothcast.transport.RelayNode;
import io.smoothcast.transport.RelayStats;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Soak: one relay node, one publisher, 1000 subscribers on 127.0.0.1 for a bounded time (20 s in
 * CI; {@code -Dsmoothcast.soak.seconds=N} for a long run, {@code -Dsmoothcast.soak.subscribers}
 * to change the count). The subscribers are {@link LoadSubscribers}: plain UDP clients speaking
 * the control protocol, not full Viewers (a thousand playout threads would measure the test
 * machine, not the relay). The rate is modest by default (5 fps, one packet per frame, so about
 * 5,000 forwarded packets per second) so it holds on a shared 2-core CI machine;
 * {@code smoothcast.soak.fps} and {@code smoothcast.soak.bitrate} raise it. The CPU figures are
 * taken with Netty's paranoid leak detector on, which tracks every buffer: they overstate the
 * cost of a production relay.
 *
 * <p>Asserts: every subscriber joined and stayed, no error reply, no join failure, no malformed
 * datagram; the used heap after GC shows no growth trend (least-squares slope over samples
 * every two seconds, bounded); no Netty ByteBuf leak (paranoid detector). Reports CPU per
 * forwarded packet (the relay's I/O thread, and the whole process) in
 * {@code target/soak-report.json}.
 */
class RelaySoakIT {

    private static final int SECONDS = Integer.getInteger("smoothcast.soak.seconds", 20);
    private static final int SUBSCRIBERS = Integer.getInteger("smoothcast.soak.subscribers", 1000);
    private static final int FPS = Integer.getInteger("smoothcast.soak.fps", 5);
    /** With 5 fps, 1000-byte frames: one packet per frame (two for keyframes). */
    private static final long BITRATE_BPS = Long.getLong("smoothcast.soak.bitrate", 40_000);
    /**
     * Largest heap growth trend tolerated, bytes per second: 20 MB over the 20 s CI run. A leak
     * of 200 bytes per forwarded packet (about 5,000 packets per second in CI) would show it; a
     * longer run narrows the slope's noise.
     */
    private static final double MAX_HEAP_SLOPE_BYTES_PER_S = 1_000_000;

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void thousandSubscribers_noErrors_flatHeap_noLeaks() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Map<String, Object> report = new LinkedHashMap<>();
        System.gc();
        long heapBeforeBytes = memory.getHeapMemoryUsage().getUsed();
        try (RelayNode relay = RelayNode.builder().build().start();
                LoadPublishers publisher = new LoadPublishers(relay.localAddress(), List.of("soak"), FPS, BITRATE_BPS, 0);
                LoadSubscribers subscribers = new LoadSubscribers(relay.localAddress(), List.of("soak"), SUBSCRIBERS,
                        10_000, 1000, 2026)) {
            publisher.start();
            subscribers.start();
            awaitAll(subscribers, TimeUnit.SECONDS.toNanos(90));
            // The relay sets up a subscriber's downlink state with its first packet: measure the
            // heap trend only once every subscriber has media, and a little after.
            Thread.sleep(2000);
            LoadReport.Viewers start = subscribers.snapshot();
            RelayStats relayStart = relay.stats();
            long relayCpuStart = relayThreadCpuNs(threads);
            long processCpuStart = os.getProcessCpuTime();
            long startNs = System.nanoTime();
            List<double[]> heap = new ArrayList<>();
            while (System.nanoTime() - startNs < TimeUnit.SECONDS.toNanos(SECONDS)) {
                System.gc();
                heap.add(new double[] {(System.nanoTime() - startNs) / 1e9, memory.getHeapMemoryUsage().getUsed()});
                Thread.sleep(2000); // sampling interval of the heap trend
            }
            double seconds = (System.nanoTime() - startNs) / 1e9;
            long relayCpuNs = relayThreadCpuNs(threads) - relayCpuStart;
            long processCpuNs = os.getProcessCpuTime() - processCpuStart;
            LoadReport.Viewers end = subscribers.snapshot();
            RelayStats relayEnd = relay.stats();
            long forwarded = relayEnd.packetsForwarded() - relayStart.packetsForwarded();
            double slope = slope(heap);

            report.put("subscribers", SUBSCRIBERS);
            report.put("seconds", Math.round(seconds));
            report.put("packetsForwarded", forwarded);
            report.put("packetsForwardedPerSecond", Math.round(forwarded / seconds));
            report.put("receivedPackets", end.packets() - start.packets());
            report.put("lossPercent", Math.round(10_000 * end.lossRatio()) / 100.0);
            report.put("relayCpuNsPerForwardedPacket", forwarded == 0 ? null : relayCpuNs / forwarded);
            report.put("processCpuNsPerForwardedPacket", forwarded == 0 ? null : processCpuNs / forwarded);
            report.put("relayCpuPercentOfOneCore", Math.round(100.0 * relayCpuNs / (seconds * 1e9)));
            report.put("heapSamples", heap.size());
            report.put("heapUsedMbFirst", Math.round(heap.get(0)[1] / 1e6));
            report.put("heapUsedMbLast", Math.round(heap.get(heap.size() - 1)[1] / 1e6));
            report.put("heapSlopeBytesPerSecond", Math.round(slope));
            report.put("heapUsedMbBeforeStart", Math.round(heapBeforeBytes / 1e6));
            report.put("heapUsedMbSamples", heap.stream().map(p -> Math.round(p[1] / 1e6)).toList());
            report.put("latencyMsP50", end.latencyUs().getValueAtPercentile(50) / 1000.0);
            report.put("latencyMsP99", end.latencyUs().getValueAtPercentile(99) / 1000.0);
            report.put("freezes", end.freezes() - start.freezes());
            report.put("errorReplies", end.errorReplies());
            report.put("joinFailures", end.joinFailures());
            report.put("relayMalformedDropped", relayEnd.malformedDropped());
            String text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report);
            Files.writeString(Path.of("target", "soak-report.json"), text);
            System.out.println(text);

            assertEquals(SUBSCRIBERS, end.subscribed(), "subscribers still subscribed\n" + text);
            assertEquals(SUBSCRIBERS, relayEnd.subscribers(), "subscribers the relay holds\n" + text);
            assertEquals(0, end.errorReplies(), text);
            assertEquals(0, end.joinFailures(), text);
            assertEquals(0, end.rejoins(), "the relay forgot no one\n" + text);
            assertEquals(0, end.malformed(), text);
            assertEquals(0, relayEnd.malformedDropped(), text);
            assertTrue(forwarded > 0 && end.packets() > start.packets(), text);
            assertTrue(heap.size() >= 5, text);
            assertTrue(slope < MAX_HEAP_SLOPE_BYTES_PER_S, String.format(Locale.ROOT,
                    "heap grows %.0f bytes/s after GC%n%s", slope, text));
        }
        NettyLeaks.assertNoLeaks();
    }

    /** Waits until every subscriber is subscribed and has received media. */
    private static void awaitAll(LoadSubscribers subscribers, long timeoutNs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNs;
        LoadReport.Viewers s;
        while ((s = subscribers.snapshot()).subscribed() < SUBSCRIBERS || s.receiving() < SUBSCRIBERS) {
            assertTrue(System.nanoTime() - deadline < 0, s.subscribed() + " subscribed and " + s.receiving()
                    + " receiving of " + SUBSCRIBERS);
            Thread.sleep(100); // the subscribers have no blocking wait
        }
    }

    /** CPU time of the relay's I/O thread(s), named by RelayNode. */
    private static long relayThreadCpuNs(ThreadMXBean threads) {
        long sum = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("smoothcast-relay")) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    /** Least-squares slope of y over x. */
    static double slope(List<double[]> points) {
        double n = points.size();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (double[] p : points) {
            sx += p[0];
            sy += p[1];
            sxx += p[0] * p[0];
            sxy += p[0] * p[1];
        }
        double denominator = n * sxx - sx * sx;
        return denominator == 0 ? 0 : (n * sxy - sx * sy) / denominator;
    }
}
