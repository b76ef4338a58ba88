package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.alert.Subject;
import io.smoothcast.netsim.LinkModel;
import io.smoothcast.stats.ReceiveStreamStats;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End-to-end latency measured from the abs-capture-time stamps through a real relay (which
 * rewrites the transport-wide sequence number of every packet and must keep the stamp): one viewer
 * straight on the relay, one behind a {@link NetworkEmulator} adding a known one-way delay, both
 * with the same fixed playout delay. The delayed viewer's latencies, at receipt and at playout,
 * exceed the direct one's by the emulated delay, and its capture-to-playout latency is at least
 * that delay plus the playout delay. Tolerances cover the scheduling noise of a shared machine.
 */
class EndToEndLatencyIT {

    private static final int FRAMES = 120;
    private static final long EMULATED_DELAY_MS = 80;
    private static final int PLAYOUT_DELAY_MS = 100;

    @Test
    @Timeout(60)
    void latency_isEmulatedDelayPlusPlayoutDelay() throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (RelayNode relay = RelayNode.builder().bindAddress(loopback).build().start();
                NetworkEmulator delayed = NetworkEmulator.builder().target(relay.localAddress()).bindAddress(loopback)
                        .fromTarget(LinkModel.builder().propagationDelayNs(EMULATED_DELAY_MS * 1_000_000L)
                                .constantCapacityBps(100_000_000L).seed(1))
                        .toTarget(LinkModel.builder().constantCapacityBps(100_000_000L).seed(2))
                        .build().start();
                OpsMonitor ops = OpsMonitor.builder().build()) {
            FrameCollector directFrames = new FrameCollector(FRAMES - 1);
            FrameCollector delayedFrames = new FrameCollector(FRAMES - 1);
            try (Viewer direct = Viewer.builder().node(relay.localAddress()).localAddress(loopback).streamId("it-show")
                    .fixedPlayoutDelayMs(PLAYOUT_DELAY_MS).listener(directFrames)
                    .failover(StallTolerantFailover.POLICY).build().start();
                    Viewer behindDelay = Viewer.builder().node(delayed.localAddress()).localAddress(loopback)
                            .streamId("it-show").fixedPlayoutDelayMs(PLAYOUT_DELAY_MS).listener(delayedFrames)
                            .failover(StallTolerantFailover.POLICY).build().start()) {
                FrameCollector.await(directFrames.connected, 5, "direct viewer connected");
                FrameCollector.await(delayedFrames.connected, 5, "delayed viewer connected");
                ops.watch(behindDelay, new Subject("it-show", "delayed", "node-a", "eu-west"));
                try (Broadcaster broadcaster = BroadcastThroughRelayIT.connectedBroadcaster(relay, new AtomicInteger(),
                        StallTolerantFailover.POLICY)) {
                    ops.sample(0);
                    BroadcastThroughRelayIT.sendFrames(broadcaster, FRAMES, null);
                    FrameCollector.await(directFrames.lastFrame, 10, "last frame at the direct viewer");
                    FrameCollector.await(delayedFrames.lastFrame, 10, "last frame at the delayed viewer");
                    ReceiveStreamStats sampled = ops.sample(1_000_000_000L).receive().get(0);

                    ViewerStats near = direct.stats();
                    ViewerStats far = behindDelay.stats();
                    String both = "direct " + near + "\ndelayed " + far;
                    assertEquals(FRAMES, near.receiptLatencyCount(), "one stamp per frame survives the relay: " + both);
                    assertEquals(FRAMES, far.endToEndLatencyCount(), both);
                    // Lower bounds hold whatever the load: the emulator never delivers early, a frame
                    // is handed over after it arrived, and a fixed playout delay counts from the
                    // earliest transit seen. The upper bounds leave room for the scheduling stalls
                    // of a machine shared with other builds (the emulator's thread, the relay's).
                    assertTrue(far.meanReceiptLatencyMs() >= EMULATED_DELAY_MS, both);
                    double addedMs = far.meanReceiptLatencyMs() - near.meanReceiptLatencyMs();
                    assertTrue(addedMs > EMULATED_DELAY_MS - 10 && addedMs < EMULATED_DELAY_MS + 250,
                            "receipt latency grows by the emulated delay: +" + addedMs + " ms\n" + both);
                    double addedEndToEndMs = far.meanEndToEndLatencyMs() - near.meanEndToEndLatencyMs();
                    assertTrue(addedEndToEndMs > EMULATED_DELAY_MS - 10 && addedEndToEndMs < EMULATED_DELAY_MS + 250,
                            "so does the end-to-end latency: +" + addedEndToEndMs + " ms\n" + both);
                    double bufferedMs = far.meanEndToEndLatencyMs() - far.meanReceiptLatencyMs();
                    assertTrue(bufferedMs > 0 && bufferedMs <= PLAYOUT_DELAY_MS + 10,
                            "playout adds at most the playout delay (+ the 5 ms playout tick): +" + bufferedMs
                                    + " ms\n" + both);
                    assertTrue(far.meanEndToEndLatencyMs() >= EMULATED_DELAY_MS + PLAYOUT_DELAY_MS,
                            "end to end at least delay + playout: " + far.meanEndToEndLatencyMs() + " ms");
                    System.out.printf("EndToEndLatencyIT: direct receipt %.1f ms, playout %.1f ms;"
                            + " delayed receipt %.1f ms, playout %.1f ms%n", near.meanReceiptLatencyMs(),
                            near.meanEndToEndLatencyMs(), far.meanReceiptLatencyMs(), far.meanEndToEndLatencyMs());
                    assertEquals(far.meanEndToEndLatencyMs(), sampled.endToEndLatencyMs(), 2.0,
                            "the monitor's interval mean covers the same frames: " + sampled);
                    assertEquals(far.meanReceiptLatencyMs(), sampled.captureToReceiptLatencyMs(), 2.0, sampled.toString());
                    assertEquals(0, sampled.failoverCount(), sampled.toString());
                }
            }
        }
    }
}
