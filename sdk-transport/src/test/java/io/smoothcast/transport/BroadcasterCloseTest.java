package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.security.TokenClaims;
import io.smoothcast.security.TokenIssuer;
import io.smoothcast.security.TokenKey;
import io.smoothcast.security.TokenRole;
import io.smoothcast.transport.internal.control.ControlMessage;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link Broadcaster#close()} when the I/O thread does not run the engine's close within the
 * close's wait (shortened to 300 ms here through the test hook): the frame counters still add up
 * to the frames handed in, whether the thread is busy elsewhere (a shared thread held by other
 * work) or held inside the engine (an application callback that blocks), and the goodbye leaves
 * before the socket closes; and a close called from a listener callback, on the I/O thread
 * itself. Real socket on 127.0.0.1, a node that never answers.
 */
class BroadcasterCloseTest {

    private static final int FRAMES = 20;
    private static final Duration CLOSE_WAIT = Duration.ofMillis(300);

    @Test
    void ioThreadBusyElsewhere_closeTakesTheEngineOver_framesStillQueuedCountedAsNotConnected() throws Exception {
        try (SharedIoThreads io = SharedIoThreads.create(1); DatagramSocket silentNode = CloseFixtures.silentNode()) {
            Broadcaster broadcaster = broadcaster(io, silentNode, BroadcasterListener.NONE);
            CountDownLatch release = CloseFixtures.hold(io);
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
        try (SharedIoThreads io = SharedIoThreads.create(1); DatagramSocket silentNode = CloseFixtures.silentNode()) {
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Broadcaster broadcaster = broadcaster(io, silentNode, blockingFirstTick(held, release));
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

    /**
     * Its own I/O thread held in a callback past the close's wait: the close returns after that
     * one wait, and once the callback returns the goodbye still reaches the node, before the
     * socket closes and the thread stops (stopping the thread first closed the socket under the
     * late goodbye).
     */
    @Test
    void ownIoThreadHeldInACallback_closeReturnsAfterItsWait_theGoodbyeLeavesOnceTheCallbackReturns() throws Exception {
        try (DatagramSocket silentNode = CloseFixtures.silentNode()) {
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Broadcaster broadcaster = broadcaster(null, silentNode, blockingFirstTick(held, release));
            held.await();

            broadcaster.close();
            assertEquals(ConnectionState.CLOSED, broadcaster.state());

            release.countDown();
            assertNotNull(ControlDatagrams.receive(silentNode, ControlMessage.Leave.class), "the goodbye");
        }
    }

    /**
     * The application closes from a callback on the I/O thread (a close on a state change or a
     * token refusal): it returns at once, closed, and the goodbye and the drop of the queued
     * frames follow as the callback returns.
     */
    @Test
    void closeFromACallbackOnTheIoThread_closesWithoutWaiting_goodbyeAndDropFollow() throws Exception {
        try (DatagramSocket silentNode = CloseFixtures.silentNode()) {
            AtomicReference<Broadcaster> self = new AtomicReference<>();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            CountDownLatch closedInCallback = new CountDownLatch(1);
            CountDownLatch framesHandedIn = new CountDownLatch(1);
            BroadcasterListener closing = new BroadcasterListener() {
                @Override
                public void onTargetBitrate(long bitrateBps) { // the engine's first tick calls it
                    if (closedInCallback.getCount() == 0) {
                        return;
                    }
                    try {
                        CloseFixtures.awaitQuietly(framesHandedIn);
                        self.get().close();
                    } catch (Throwable t) {
                        thrown.set(t);
                    }
                    closedInCallback.countDown();
                }
            };
            Broadcaster broadcaster = broadcaster(null, silentNode, closing);
            self.set(broadcaster);
            handIn(broadcaster);
            framesHandedIn.countDown();

            assertTrue(closedInCallback.await(10, TimeUnit.SECONDS), "the callback's close returned");
            assertNull(thrown.get(), "the callback's close threw");
            assertEquals(ConnectionState.CLOSED, broadcaster.state());
            assertNotNull(ControlDatagrams.receive(silentNode, ControlMessage.Leave.class), "the goodbye");
            broadcaster.close(); // idempotent
            assertAddsUp(broadcaster, "after the goodbye");
            assertEquals(FRAMES, broadcaster.stats().framesDroppedNotConnected(), "dropped by the I/O thread");
        }
    }

    /**
     * Closed by its CONNECTING callback, which runs inside {@link Broadcaster#start()} on the
     * starting thread, before the engine's start: the start returns, closed, and sends nothing.
     */
    @Test
    void closeFromTheConnectingCallback_startReturnsClosed_noHelloLeaves() throws Exception {
        try (DatagramSocket silentNode = CloseFixtures.silentNode()) {
            AtomicReference<Broadcaster> self = new AtomicReference<>();
            BroadcasterListener closing = new BroadcasterListener() {
                @Override
                public void onStateChanged(ConnectionState state, String reason) {
                    if (state == ConnectionState.CONNECTING) {
                        self.get().close();
                    }
                }
            };
            Broadcaster broadcaster = Broadcaster.builder()
                    .node(new InetSocketAddress(InetAddress.getLoopbackAddress(), silentNode.getLocalPort()))
                    .streamId("close")
                    .listener(closing)
                    .build()
                    .closeWait(CLOSE_WAIT);
            self.set(broadcaster);

            assertSame(broadcaster, broadcaster.start()); // had thrown RejectedExecutionException
            assertEquals(ConnectionState.CLOSED, broadcaster.state());
            silentNode.setSoTimeout(200);
            assertThrows(SocketTimeoutException.class,
                    () -> ControlDatagrams.receive(silentNode, ControlMessage.Hello.class), "no HELLO");
        }
    }

    /**
     * A callback on the I/O thread reads the broadcaster's stats while another thread closes it:
     * the reads do not wait for the close (which held the lifecycle lock for its whole wait for
     * that very thread, here 20 s), and the goodbye and the drop follow as the callback returns.
     */
    @Test
    void callbackReadsTheStatsWhileAnotherThreadCloses_readsAtOnce_theCloseAndGoodbyeFollow() throws Exception {
        try (DatagramSocket silentNode = CloseFixtures.silentNode()) {
            CloseFixtures.ReadingCallback callback = new CloseFixtures.ReadingCallback();
            AtomicReference<Broadcaster> self = new AtomicReference<>();
            BroadcasterListener reading = new BroadcasterListener() {
                @Override
                public void onTargetBitrate(long bitrateBps) { // the engine's first tick calls it
                    callback.holdThenRead(() -> {
                        Broadcaster b = self.get();
                        b.stats();
                        b.failoverCount();
                        b.carryingNodes();
                        b.nodeStallReportCount();
                        b.localAddress();
                    });
                }
            };
            Broadcaster broadcaster = Broadcaster.builder()
                    .node(new InetSocketAddress(InetAddress.getLoopbackAddress(), silentNode.getLocalPort()))
                    .streamId("close").listener(reading).build().closeWait(Duration.ofSeconds(20));
            self.set(broadcaster);
            broadcaster.start();
            callback.held.await();
            handIn(broadcaster);
            callback.closeWhileReading(broadcaster::close, broadcaster::state, silentNode);
            assertAddsUp(broadcaster, "after the close");
        }
    }

    /**
     * The shared pool closed before the broadcaster: its close still ends CLOSED, without
     * throwing, and counts the frames left queued.
     */
    @Test
    void closedAfterItsSharedPool_closesWithoutThrowing_framesStillQueuedCounted() throws Exception {
        try (DatagramSocket silentNode = CloseFixtures.silentNode()) {
            SharedIoThreads io = SharedIoThreads.create(1);
            Broadcaster broadcaster = broadcaster(io, silentNode, BroadcasterListener.NONE);
            handIn(broadcaster);
            io.close();

            broadcaster.close(); // threw RejectedExecutionException, the broadcaster left short of CLOSED
            assertEquals(ConnectionState.CLOSED, broadcaster.state());
            assertAddsUp(broadcaster, "after the close");
            assertEquals(FRAMES, broadcaster.stats().framesDroppedNotConnected(), "counted by the close");
            broadcaster.close(); // idempotent
        }
    }

    /**
     * Closed from a callback in the middle of an engine call: the first tick warns of the expiring
     * token (the close returns at once, CLOSED told), then reports the target bitrate. Nothing
     * reaches the listener after {@code onStateChanged(CLOSED)} (the old code still called
     * {@code onTargetBitrate}).
     */
    @Test
    void closeFromACallback_theRestOfTheEngineCallReachesNoListener() throws Exception {
        try (DatagramSocket silentNode = CloseFixtures.silentNode()) {
            AtomicReference<Broadcaster> self = new AtomicReference<>();
            AtomicBoolean toldClosed = new AtomicBoolean();
            List<String> afterClosed = new CopyOnWriteArrayList<>();
            BroadcasterListener closing = new BroadcasterListener() {
                @Override
                public void onStateChanged(ConnectionState state, String reason) {
                    note("onStateChanged " + state);
                    toldClosed.compareAndSet(false, state == ConnectionState.CLOSED);
                }

                @Override
                public void onTokenExpiring(long expiresAtEpochSeconds) { // the first tick, before its target
                    note("onTokenExpiring");
                    self.get().close();
                }

                @Override
                public void onTargetBitrate(long bitrateBps) {
                    note("onTargetBitrate");
                }

                @Override
                public void onKeyframeRequested() {
                    note("onKeyframeRequested");
                }

                @Override
                public void onNodeSwitched(InetSocketAddress from, InetSocketAddress to, NodeSwitchReason reason,
                        String detail) {
                    note("onNodeSwitched");
                }

                private void note(String callback) {
                    if (toldClosed.get()) {
                        afterClosed.add(callback);
                    }
                }
            };
            Broadcaster broadcaster = Broadcaster.builder()
                    .node(new InetSocketAddress(InetAddress.getLoopbackAddress(), silentNode.getLocalPort()))
                    .streamId("close")
                    .token(expiringToken("close"))
                    .listener(closing)
                    .build();
            self.set(broadcaster);
            broadcaster.start();

            // The goodbye leaves in the close queued behind the tick: the tick has returned by then.
            assertNotNull(ControlDatagrams.receive(silentNode, ControlMessage.Leave.class), "the goodbye");
            assertTrue(toldClosed.get(), "closed from the token warning");
            assertEquals(List.of(), afterClosed, "callbacks after onStateChanged(CLOSED)");
        }
    }

    /**
     * Frames handed in after the shared pool was closed, before the broadcaster: the pool's close
     * closed the broadcaster, so each send is refused without throwing (it threw
     * RejectedExecutionException from the drain's scheduling, then, session 17, was queued and
     * held until the broadcaster's own close).
     */
    @Test
    void sendAfterItsSharedPoolClosed_refusedWithoutThrowing() throws Exception {
        try (DatagramSocket silentNode = CloseFixtures.silentNode()) {
            SharedIoThreads io = SharedIoThreads.create(1);
            Broadcaster broadcaster = broadcaster(io, silentNode, BroadcasterListener.NONE);
            io.close();

            for (int i = 0; i < FRAMES; i++) {
                assertFalse(broadcaster.sendVideo(new byte[1_000], 0, 1_000, i * 33_000_000L, i == 0), "refused");
            }
            broadcaster.close();
            assertEquals(ConnectionState.CLOSED, broadcaster.state());
            assertEquals(0, broadcaster.stats().framesDroppedNotConnected(), "nothing was taken");
        }
    }

    /** A publish token for {@code stream} that expires within the expiry warning's default lead (30 s). */
    private static String expiringToken(String stream) {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) 7);
        long expiry = System.currentTimeMillis() / 1000 + 10;
        return new TokenIssuer(TokenKey.of("k1", secret))
                .issue(TokenClaims.builder(stream, TokenRole.PUBLISH, expiry).build());
    }

    /** Holds the I/O thread in the engine's first tick until released. */
    private static BroadcasterListener blockingFirstTick(CountDownLatch held, CountDownLatch release) {
        return new BroadcasterListener() {
            @Override
            public void onTargetBitrate(long bitrateBps) { // the engine's first tick calls it
                held.countDown();
                CloseFixtures.awaitQuietly(release);
            }
        };
    }

    /** @param io a shared pool, or null for a thread of the broadcaster's own */
    private static Broadcaster broadcaster(SharedIoThreads io, DatagramSocket node, BroadcasterListener listener) {
        Broadcaster.Builder builder = Broadcaster.builder()
                .node(new InetSocketAddress(InetAddress.getLoopbackAddress(), node.getLocalPort()))
                .streamId("close")
                .listener(listener);
        if (io != null) {
            builder.sharedIoThreads(io);
        }
        return builder.build().closeWait(CLOSE_WAIT).start();
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
