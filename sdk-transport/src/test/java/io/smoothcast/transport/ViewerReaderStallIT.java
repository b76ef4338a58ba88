package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.transport.internal.cc.ReaderStallDetector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stalls of a viewer's own I/O thread over real sockets: a broadcaster publishes three simulcast
 * layers to a relay, one viewer watches with an I/O thread of its own, and that thread is made
 * to stop for 250 ms, eight times, a second apart (a task that parks it, as a GC pause or a
 * starved host would). The viewer must count the stalls and report the packets it read late
 * after each, so the relay keeps it on the top layer: its loopback downlink has capacity to
 * spare.
 */
class ViewerReaderStallIT {

    private static final long SEED = 0x5CAD;
    private static final int FPS = 30;
    private static final int LAYER_STRIDE = 100_000; // layer l's frame i carries index l * stride + i
    private static final long[] LAYER_BPS = {100_000, 400_000, 1_600_000};
    private static final int STALLS = 8;
    private static final long STALL_NS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final int FIRST_STALL_FRAME = 4 * FPS;

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    @Test
    @Timeout(120)
    void stallsOfTheViewersThread_areCountedAndReported_theViewerKeepsTheTopLayer() throws Exception {
        long runNs = TimeUnit.SECONDS.toNanos(FIRST_STALL_FRAME / FPS + STALLS + 3);
        try (SharedIoThreads viewerThread = SharedIoThreads.create(1);
                RelayNode relay = RelayNode.builder().build().start()) {
            FrameCollector frames = new FrameCollector(Integer.MAX_VALUE);
            try (Viewer viewer = Viewer.builder().node(relay.localAddress()).streamId("it-stall")
                    .sharedIoThreads(viewerThread).listener(frames).build().start()) {
                FrameCollector.await(frames.connected, FrameCollector.CONNECT_WAIT_S, "viewer connected",
                        () -> "; viewer " + viewer.stats() + ", relay " + relay.stats());
                BroadcasterEvents events = new BroadcasterEvents(LAYER_BPS[2]);
                try (Broadcaster broadcaster = Broadcaster.builder().node(relay.localAddress()).streamId("it-stall")
                        .simulcastLayers(3).videoBitrateBps((int) LAYER_BPS[2])
                        .bitrateLimits(1_000_000L, 6_000_000L, 8_000_000L) // a non-adaptive source
                        .listener(events).failover(StallTolerantFailover.POLICY).build().start()) {
                    FrameCollector.await(events.connected, FrameCollector.CONNECT_WAIT_S, "broadcaster connected",
                            () -> "; broadcaster " + broadcaster.stats() + ", relay " + relay.stats());
                    long startNs = System.nanoTime();
                    AtomicInteger stallsInjected = new AtomicInteger();
                    List<long[]> parks = Collections.synchronizedList(new ArrayList<>());
                    long[] firstStallNs = {Long.MAX_VALUE};
                    FrameTicker.runUntil(FPS, startNs + runNs, (i, nowNs) -> {
                        boolean keyframe = events.keyframeWanted.getAndSet(false) || i % (2 * FPS) == 0;
                        for (int layer = 0; layer < LAYER_BPS.length; layer++) {
                            int maxBytes = (int) (2 * LAYER_BPS[layer] / 8 / FPS);
                            byte[] frame = SyntheticFrames.frame(SEED, layer * LAYER_STRIDE + i, maxBytes);
                            broadcaster.sendVideoLayer(layer, frame, 0, frame.length, nowNs, keyframe);
                        }
                        if (i >= FIRST_STALL_FRAME && (i - FIRST_STALL_FRAME) % FPS == 0
                                && stallsInjected.get() < STALLS) {
                            firstStallNs[0] = Math.min(firstStallNs[0], nowNs);
                            stallsInjected.incrementAndGet();
                            viewerThread.group().next().execute(() -> {
                                long parkStartNs = System.nanoTime();
                                LockSupport.parkNanos(STALL_NS);
                                parks.add(new long[] {parkStartNs, System.nanoTime()});
                            });
                        }
                    });
                    int separateStalls = separateStalls(parks);
                    String detail = "viewer " + viewer.stats() + ", reader stalls " + viewer.readerStallCount()
                            + " of " + separateStalls + " separate stalls injected (" + parks.size() + " parks)"
                            + ", relay " + relay.stats() + ", layers " + layerRuns(frames, startNs);
                    System.out.println("ViewerReaderStallIT: " + detail);

                    assertEquals(0, frames.corrupted(), detail);
                    assertEquals(STALLS, parks.size(), detail);
                    assertTrue(viewer.readerStallCount() >= separateStalls, "every injected stall counted; " + detail);
                    assertTrue(onlyTopLayerFrom(frames, firstStallNs[0] - TimeUnit.SECONDS.toNanos(1)),
                            "the viewer kept the top layer through its own stalls; " + detail);
                }
            }
        }
        NettyLeaks.assertNoLeaks();
    }

    /**
     * How many stalls the parks make at least: on a loaded host the ticker can fall behind and
     * queue two parks back to back, which the thread lives through as one longer stall. Parks
     * less than {@link ReaderStallDetector#STALL_GAP_NS} apart are taken as one (the detector may
     * still see two, the assertion needs at most this many).
     */
    private static int separateStalls(List<long[]> parks) {
        List<long[]> byStart = new ArrayList<>(parks);
        byStart.sort(Comparator.comparingLong(p -> p[0]));
        int stalls = 0;
        long previousEndNs = Long.MIN_VALUE;
        for (long[] park : byStart) {
            if (stalls == 0 || park[0] - previousEndNs > ReaderStallDetector.STALL_GAP_NS) {
                stalls++;
            }
            previousEndNs = park[1];
        }
        return stalls;
    }

    /** Whether every frame delivered from {@code fromNs} on came from the top layer (and there were some). */
    private static boolean onlyTopLayerFrom(FrameCollector frames, long fromNs) {
        List<Integer> indices = frames.indices();
        List<Long> times = frames.deliveryTimesNs();
        int counted = 0;
        for (int i = 0; i < indices.size(); i++) {
            if (times.get(i) - fromNs >= 0) {
                if (indices.get(i) / LAYER_STRIDE != LAYER_BPS.length - 1) {
                    return false;
                }
                counted++;
            }
        }
        return counted > 0;
    }

    /** Layer runs with their start times: "2@0.4s 1@6.1s". */
    private static String layerRuns(FrameCollector frames, long originNs) {
        List<Integer> indices = frames.indices();
        List<Long> times = frames.deliveryTimesNs();
        StringBuilder b = new StringBuilder();
        int previous = -1;
        for (int i = 0; i < indices.size(); i++) {
            int layer = indices.get(i) / LAYER_STRIDE;
            if (layer != previous) {
                b.append(' ').append(layer).append('@').append(String.format("%.1fs", (times.get(i) - originNs) / 1e9));
                previous = layer;
            }
        }
        return b.toString().trim();
    }
}
