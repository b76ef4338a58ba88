package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * {@link Broadcaster#close()} when the I/O thread does not run the engine's close within the
 * close's wait (5 s, twice: the engine's close and the socket's): the frame counters still add
 * up to the frames handed in, whether the thread is busy elsewhere (a shared thread held by
 * other work) or held inside the engine (an application callback that blocks). Real socket on
 * 127.0.0.1, a node that never answers; each case waits out the close's 10 s.
 */
class BroadcasterCloseTest {

    private static final int FRAMES = 20;

    @Test
    void ioThreadBusyElsewhere_closeTakesTheEngineOver_framesStillQueuedCountedAsNotConnected() throws Exception {
        try (SharedIoThreads io = SharedIoThreads.create(1); DatagramSocket silentNode = silentNode()) {
            Broadcaster broadcaster = broadcaster(io, silentNode, BroadcasterListener.NONE);
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            io.group().execute(() -> {
                held.countDown();
                awaitQuietly(release);
            });
            held.await();
            handIn(broadcaster);

            broadcaster.close(); // the engine's close waits behind the held thread
            assertAddsUp(broadcaster, "after the close");
            assertEquals(FRAMES, broadcaster.stats().framesDroppedNotConnected(), "counted by the close");

            release.countDown();
            io.group().submit(() -> { }).await(); // the held thread runs the drain and close queued meanwhile
            assertAddsUp(broadcaster, "once the I/O thread ran again");
            assertEquals(FRAMES, broadcaster.stats().framesDroppedNotConnected(), "counted once");
        }
    }

    @Test
    void ioThreadHeldInsideTheEngine_theClosingThreadTouchesNothing_framesCountedOnceTheCallReturns() throws Exception {
        try (SharedIoThreads io = SharedIoThreads.create(1); DatagramSocket silentNode = silentNode()) {
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            BroadcasterListener blocking = new BroadcasterListener() {
                @Override
                public void onTargetBitrate(long bitrateBps) { // the engine's first tick calls it
                    held.countDown();
                    awaitQuietly(release);
                }
            };
            Broadcaster broadcaster = broadcaster(io, silentNode, blocking);
            held.await();
            handIn(broadcaster);

            broadcaster.close();
            long counted = broadcaster.stats().framesDroppedNotConnected();
            assertEquals(0, counted, "still queued: the engine is the held thread's");

            release.countDown();
            io.group().submit(() -> { }).await(); // the drain and the close queued behind the held call
            assertAddsUp(broadcaster, "once the held call returned");
            assertEquals(FRAMES, broadcaster.stats().framesDroppedNotConnected(), "dropped by the I/O thread");
        }
    }

    /** Holds the I/O thread until released (an interrupt, e.g. the pool's shutdown, ends it too). */
    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static DatagramSocket silentNode() throws Exception {
        return new DatagramSocket(0, InetAddress.getLoopbackAddress());
    }

    private static Broadcaster broadcaster(SharedIoThreads io, DatagramSocket node, BroadcasterListener listener) {
        return Broadcaster.builder()
                .node(new InetSocketAddress(InetAddress.getLoopbackAddress(), node.getLocalPort()))
                .streamId("close")
                .sharedIoThreads(io)
                .listener(listener)
                .build()
                .start();
    }

    private static void handIn(Broadcaster broadcaster) {
        for (int i = 0; i < FRAMES; i++) {
            assertTrue(broadcaster.sendVideo(new byte[1_000], 0, 1_000, i * 33_000_000L, i == 0), "accepted");
        }
    }

    private static void assertAddsUp(Broadcaster broadcaster, String when) {
        BroadcasterStats s = broadcaster.stats();
        assertEquals(FRAMES, s.framesSent() + s.framesDroppedNotConnected() + s.framesDroppedStale()
                + s.videoFramesSkippedToKeyframe() + s.framesDroppedPacerFull(), when + ": " + s);
    }
}
