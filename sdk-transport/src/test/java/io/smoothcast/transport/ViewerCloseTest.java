package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link Viewer#close()} from a listener callback on the I/O thread, and when the I/O thread
 * does not run the engine's close within the close's wait (shortened to 300 ms here through the
 * test hook). Real socket on 127.0.0.1, a node that never answers. The callback on the I/O thread
 * is the token expiry warning: the viewer's token expires within the warning's lead, so its
 * first tick gives it.
 */
class ViewerCloseTest {

    private static final Duration CLOSE_WAIT = Duration.ofMillis(300);
    private static final String STREAM = "close";

    @Test
    void closeFromACallbackOnTheIoThread_closesWithoutWaiting_theGoodbyeFollows() throws Exception {
        try (DatagramSocket silentNode = CloseFixtures.silentNode()) {
            AtomicReference<Viewer> self = new AtomicReference<>();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Thread> callbackThread = new AtomicReference<>();
            CountDownLatch closedInCallback = new CountDownLatch(1);
            ViewerListener closing = new ViewerListener() {
                @Override
                public void onTokenExpiring(long expiresAtEpochSeconds) {
                    callbackThread.set(Thread.currentThread());
                    try {
                        self.get().close();
                    } catch (Throwable t) {
                        thrown.set(t);
                    }
                    closedInCallback.countDown();
                }
            };
            Viewer viewer = viewer(null, silentNode, closing, false);
            self.set(viewer);
            viewer.start();

            assertTrue(closedInCallback.await(10, TimeUnit.SECONDS), "the callback's close returned");
            assertNull(thrown.get(), "the callback's close threw");
            assertNotEquals(Thread.currentThread(), callbackThread.get(), "called on the I/O thread");
            assertEquals(ConnectionState.CLOSED, viewer.state());
            assertNotNull(ControlDatagrams.receive(silentNode, ControlMessage.Leave.class), "the goodbye");
            viewer.close(); // idempotent
        }
    }

    /**
     * A shared I/O thread held by other work past the close's wait: the closing thread takes the
     * engine over, so the held thread, once free, runs nothing on it (no late goodbye after the
     * close returned) and only closes the socket.
     */
    @Test
    void ioThreadBusyElsewhere_closeTakesTheEngineOver_theFreedThreadRunsNothingOnIt() throws Exception {
        try (SharedIoThreads io = SharedIoThreads.create(1); DatagramSocket silentNode = CloseFixtures.silentNode()) {
            Viewer viewer = viewer(io, silentNode, ViewerListener.NONE, true);
            CountDownLatch release = CloseFixtures.hold(io);

            viewer.close(); // the engine's close waits behind the held thread
            assertEquals(ConnectionState.CLOSED, viewer.state());
            assertTrue(viewer.carryingNodes().isEmpty());

            release.countDown();
            io.group().submit(() -> { }).await(); // the close queued meanwhile has run
            silentNode.setSoTimeout(200); // loopback: a datagram sent before the await is there already
            assertThrows(SocketTimeoutException.class,
                    () -> ControlDatagrams.receive(silentNode, ControlMessage.Leave.class), "no late goodbye");
        }
    }

    /**
     * Closed by its CONNECTING callback, which runs inside {@link Viewer#start()} on the starting
     * thread, before the engine's start: the start returns, closed, and sends nothing.
     */
    @Test
    void closeFromTheConnectingCallback_startReturnsClosed_noHelloLeaves() throws Exception {
        try (DatagramSocket silentNode = CloseFixtures.silentNode()) {
            AtomicReference<Viewer> self = new AtomicReference<>();
            ViewerListener closing = new ViewerListener() {
                @Override
                public void onStateChanged(ConnectionState state, String reason) {
                    if (state == ConnectionState.CONNECTING) {
                        self.get().close();
                    }
                }
            };
            Viewer viewer = viewer(null, silentNode, closing, false);
            self.set(viewer);

            assertSame(viewer, viewer.start()); // had thrown RejectedExecutionException (its I/O thread stopped)
            assertEquals(ConnectionState.CLOSED, viewer.state());
            silentNode.setSoTimeout(200);
            assertThrows(SocketTimeoutException.class,
                    () -> ControlDatagrams.receive(silentNode, ControlMessage.Hello.class), "no HELLO");
        }
    }

    /** Held inside the viewer (a callback that blocks) past the wait: the goodbye follows the callback. */
    @Test
    void ioThreadHeldInACallback_closeReturnsAfterItsWait_theGoodbyeLeavesOnceTheCallbackReturns() throws Exception {
        try (DatagramSocket silentNode = CloseFixtures.silentNode()) {
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ViewerListener blocking = new ViewerListener() {
                @Override
                public void onTokenExpiring(long expiresAtEpochSeconds) {
                    held.countDown();
                    CloseFixtures.awaitQuietly(release);
                }
            };
            Viewer viewer = viewer(null, silentNode, blocking, false);
            viewer.start();
            held.await();

            viewer.close();
            assertEquals(ConnectionState.CLOSED, viewer.state());

            release.countDown();
            assertNotNull(ControlDatagrams.receive(silentNode, ControlMessage.Leave.class), "the goodbye");
        }
    }

    /**
     * A callback on the I/O thread reads the viewer's stats while another thread closes it: the
     * reads do not wait for the close (which held the lifecycle lock for its whole wait for that
     * very thread, here 20 s), and the goodbye leaves as the callback returns.
     */
    @Test
    void callbackReadsTheStatsWhileAnotherThreadCloses_readsAtOnce_theCloseAndGoodbyeFollow() throws Exception {
        try (DatagramSocket silentNode = CloseFixtures.silentNode()) {
            CloseFixtures.ReadingCallback callback = new CloseFixtures.ReadingCallback();
            AtomicReference<Viewer> self = new AtomicReference<>();
            ViewerListener reading = new ViewerListener() {
                @Override
                public void onTokenExpiring(long expiresAtEpochSeconds) {
                    callback.holdThenRead(() -> {
                        Viewer v = self.get();
                        v.stats();
                        v.failoverCount();
                        v.carryingNodes();
                        v.readerStallCount();
                        v.localAddress();
                    });
                }
            };
            Viewer viewer = viewer(null, silentNode, reading, false).closeWait(Duration.ofSeconds(20));
            self.set(viewer);
            viewer.start();
            callback.closeWhileReading(viewer::close, viewer::state, silentNode);
        }
    }

    /** The shared pool closed before the viewer: its close still ends CLOSED, without throwing. */
    @Test
    void closedAfterItsSharedPool_closesWithoutThrowing() throws Exception {
        try (DatagramSocket silentNode = CloseFixtures.silentNode()) {
            SharedIoThreads io = SharedIoThreads.create(1);
            Viewer viewer = viewer(io, silentNode, ViewerListener.NONE, true);
            io.close();

            viewer.close(); // threw RejectedExecutionException, the viewer left short of CLOSED
            assertEquals(ConnectionState.CLOSED, viewer.state());
            assertTrue(viewer.carryingNodes().isEmpty());
            viewer.close(); // idempotent
        }
    }

    /**
     * A start waiting for its bind on a shared I/O thread that is held by work closing this very
     * viewer (another client's callback): the start held the lifecycle lock across an endless
     * wait for the bind, the held thread waited for that lock in the close, and neither ever
     * returned. Now the start gives up after the wait (the test hook's 300 ms) and fails, closed,
     * and the held thread's close returns.
     */
    @Test
    void startWaitingForABindOnAThreadThatClosesTheViewer_failsClosedAfterItsWait_noDeadlock() throws Exception {
        try (SharedIoThreads io = SharedIoThreads.create(1); DatagramSocket silentNode = CloseFixtures.silentNode()) {
            Viewer viewer = viewer(io, silentNode, ViewerListener.NONE, false);
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch startWaiting = new CountDownLatch(1);
            CountDownLatch closed = new CountDownLatch(1);
            AtomicReference<Throwable> closeFailure = new AtomicReference<>();
            io.group().execute(() -> { // another client's callback on the shared thread
                held.countDown();
                CloseFixtures.awaitQuietly(startWaiting);
                try {
                    viewer.close();
                } catch (Throwable t) {
                    closeFailure.set(t);
                }
                closed.countDown();
            });
            held.await();
            AtomicReference<Throwable> startFailure = new AtomicReference<>();
            Thread starter = CloseFixtures.startThread("starter", () -> {
                try {
                    viewer.start();
                } catch (Throwable t) {
                    startFailure.set(t);
                }
            });
            CloseFixtures.awaitWaiting(starter); // in start(), waiting for the bind
            startWaiting.countDown();

            assertTrue(closed.await(10, TimeUnit.SECONDS), "the held thread's close returned: no deadlock");
            starter.join(10_000);
            assertEquals(Thread.State.TERMINATED, starter.getState(), "the start returned");
            assertNull(closeFailure.get(), "the held thread's close threw");
            assertTrue(startFailure.get() instanceof IllegalStateException, "the start failed: " + startFailure.get());
            assertEquals(ConnectionState.CLOSED, viewer.state());
            io.group().submit(() -> { }).await(); // the late bind ran, and the close it was given
        }
    }

    /**
     * @param io a shared pool, or null for a thread of the viewer's own
     * @param started whether to start it here
     */
    private static Viewer viewer(SharedIoThreads io, DatagramSocket node, ViewerListener listener, boolean started) {
        Viewer.Builder builder = Viewer.builder()
                .node(new InetSocketAddress(InetAddress.getLoopbackAddress(), node.getLocalPort()))
                .streamId(STREAM)
                .token(expiringToken())
                .listener(listener);
        if (io != null) {
            builder.sharedIoThreads(io);
        }
        Viewer viewer = builder.build().closeWait(CLOSE_WAIT);
        return started ? viewer.start() : viewer;
    }

    /** A token that expires within the expiry warning's default lead (30 s). */
    private static String expiringToken() {
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) 7);
        long expiry = System.currentTimeMillis() / 1000 + 10;
        return new TokenIssuer(TokenKey.of("k1", secret))
                .issue(TokenClaims.builder(STREAM, TokenRole.SUBSCRIBE, expiry).build());
    }
}
