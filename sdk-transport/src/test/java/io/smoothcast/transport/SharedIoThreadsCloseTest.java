package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.transport.internal.control.ControlMessage;
import io.smoothcast.transport.internal.control.DecodeResult;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A {@link SharedIoThreads} pool closed while clients still run on it closes them (the old code
 * left them CONNECTING, sends accepted, frames held until their own close), and a start called
 * on a thread of the pool binds on another of its threads. Real sockets on 127.0.0.1, a node
 * that never answers; the close's and the bind's wait shortened to 300 ms through the test hook.
 */
class SharedIoThreadsCloseTest {

    private static final int FRAMES = 20;
    private static final Duration CLOSE_WAIT = Duration.ofMillis(300);
    private static final Duration DEFAULT_WAIT = Duration.ofNanos(ClientIo.DEFAULT_CLOSE_WAIT_NS);
    private static final String CLOSED_BY_POOL = "CLOSED " + SharedIoThreads.CLOSED_REASON;

    @Test
    void poolClosedUnderABroadcaster_closesIt_toldOnce_framesReleased_sendsRefused() throws Exception {
        try (DatagramSocket node = CloseFixtures.silentNode()) {
            SharedIoThreads io = SharedIoThreads.create(1);
            List<String> events = new CopyOnWriteArrayList<>();
            Broadcaster broadcaster = Broadcaster.builder()
                    .node(address(node))
                    .streamId("pool")
                    .sharedIoThreads(io)
                    .listener(new BroadcasterListener() {
                        @Override
                        public void onStateChanged(ConnectionState state, String reason) {
                            events.add(state + " " + reason);
                        }

                        @Override
                        public void onTargetBitrate(long bitrateBps) {
                            events.add("onTargetBitrate");
                        }
                    })
                    .build().closeWait(CLOSE_WAIT).start();
            for (int i = 0; i < FRAMES; i++) {
                assertTrue(broadcaster.sendVideo(new byte[1_000], 0, 1_000, i * 33_000_000L, i == 0), "accepted");
            }

            io.close();

            assertEquals(ConnectionState.CLOSED, broadcaster.state());
            assertEquals(CLOSED_BY_POOL, events.get(events.size() - 1), "told last: " + events);
            assertEquals(1, events.stream().filter(e -> e.startsWith("CLOSED")).count(), "told once: " + events);
            BroadcasterStats s = broadcaster.stats();
            assertEquals(FRAMES, s.framesSent() + s.framesDroppedNotConnected() + s.framesDroppedStale()
                    + s.videoFramesSkippedToKeyframe() + s.framesDroppedPacerFull(), "every frame released: " + s);
            assertFalse(broadcaster.sendVideo(new byte[1_000], 0, 1_000, FRAMES * 33_000_000L, false),
                    "a send after the pool closed it");
            assertNotNull(ControlDatagrams.receive(node, ControlMessage.Leave.class), "the goodbye");
            int told = events.size();
            broadcaster.close(); // idempotent: nothing more told
            assertEquals(told, events.size(), "after the app's own close: " + events);
        }
    }

    @Test
    void poolClosedUnderAViewer_closesIt_toldOnce_goodbyeSent() throws Exception {
        try (DatagramSocket node = CloseFixtures.silentNode()) {
            SharedIoThreads io = SharedIoThreads.create(1);
            List<String> events = new CopyOnWriteArrayList<>();
            Viewer viewer = viewer(io, node, (state, reason) -> events.add(state + " " + reason)).start();

            io.close();

            assertEquals(ConnectionState.CLOSED, viewer.state());
            assertEquals(List.of("CONNECTING start", CLOSED_BY_POOL), events);
            assertTrue(viewer.carryingNodes().isEmpty());
            assertNotNull(ControlDatagrams.receive(node, ControlMessage.Leave.class), "the goodbye");
            viewer.close();
            assertEquals(2, events.size(), "nothing told after the app's own close: " + events);
        }
    }

    @Test
    void startOnAClosedPool_failsClosed() throws Exception {
        try (DatagramSocket node = CloseFixtures.silentNode()) {
            SharedIoThreads io = SharedIoThreads.create(1);
            io.close();
            List<String> events = new CopyOnWriteArrayList<>();
            Viewer viewer = viewer(io, node, (state, reason) -> events.add(state + " " + reason));

            IllegalStateException e = assertThrows(IllegalStateException.class, viewer::start);
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertEquals(ConnectionState.CLOSED, viewer.state());
            assertEquals(List.of("CLOSED close"), events);
        }
    }

    /**
     * The pool closed while a viewer's start waits for its bind on the pool's held thread: the
     * start gives up (the pool is closing) and closes the viewer, the pool's close of it waiting
     * for the viewer's lifecycle lock meanwhile; both return, and the listener is told CLOSED
     * once, last.
     */
    @Test
    void poolClosedWhileAStartWaitsForItsBind_bothReturn_closedOnce() throws Exception {
        try (DatagramSocket node = CloseFixtures.silentNode()) {
            SharedIoThreads io = SharedIoThreads.create(1);
            CountDownLatch release = CloseFixtures.hold(io);
            List<String> events = new CopyOnWriteArrayList<>();
            Viewer viewer = viewer(io, node, (state, reason) -> events.add(state + " " + reason));
            Thread starter = CloseFixtures.startThread("starter", () -> {
                try {
                    viewer.start();
                } catch (IllegalStateException expected) {
                    // the bind's wait ran out: closed by the start itself
                }
            });
            CloseFixtures.awaitWaiting(starter); // in the bind's wait, holding the lifecycle lock
            Thread closer = CloseFixtures.startThread("pool closer", io::close);
            CloseFixtures.awaitWaiting(closer); // waiting for the viewer's lock, or for the start's bind
            release.countDown();

            starter.join(10_000);
            closer.join(20_000);
            assertEquals(Thread.State.TERMINATED, starter.getState(), "the start returned");
            assertEquals(Thread.State.TERMINATED, closer.getState(), "the pool's close returned");
            assertEquals(ConnectionState.CLOSED, viewer.state());
            assertTrue(events.get(events.size() - 1).startsWith("CLOSED"), "told last: " + events);
            assertEquals(1, events.stream().filter(e -> e.startsWith("CLOSED")).count(), "told once: " + events);
        }
    }

    /**
     * Two viewers started one after the other in a task on a thread of a pool of two: the pool
     * hands its threads round, so the old code bound one of them on the calling thread itself,
     * which waited for its own bind and failed after the wait. Both start now. The default 5 s
     * wait here: the other thread runs the first viewer's start meanwhile, slow on a loaded host.
     */
    @Test
    void startsInATaskOnAPoolThread_bindOnTheOtherThread() throws Exception {
        try (SharedIoThreads io = SharedIoThreads.create(2); DatagramSocket node = CloseFixtures.silentNode()) {
            List<Viewer> viewers = io.group().submit(() -> List.of(
                    viewer(io, node, (state, reason) -> { }).closeWait(DEFAULT_WAIT).start(),
                    viewer(io, node, (state, reason) -> { }).closeWait(DEFAULT_WAIT).start()))
                    .get(20, TimeUnit.SECONDS);

            for (Viewer viewer : viewers) {
                assertEquals(ConnectionState.CONNECTING, viewer.state());
                assertNotNull(viewer.localAddress());
                viewer.close();
            }
        }
    }

    /**
     * A listener that closes the pool when told its viewer closed (here by the pool's close, on
     * the thread it runs that viewer's close on): the old nested close found no clients left on the pool's list and
     * stopped the threads at once, under the outer close, so the next viewer's close was refused
     * by the stopped thread and its goodbye never left. The pool stops only after its clients.
     */
    @Test
    void poolClosedAgainFromAClientsListener_stillClosesTheOthersFirst() throws Exception {
        try (DatagramSocket node = CloseFixtures.silentNode()) {
            SharedIoThreads io = SharedIoThreads.create(1);
            Viewer first = viewer(io, node, (state, reason) -> {
                if (state == ConnectionState.CLOSED) {
                    io.close();
                }
            }).start();
            Viewer second = viewer(io, node, (state, reason) -> { }).start();

            io.close();

            assertClosedWithGoodbyes(node, first, second);
        }
    }

    /**
     * Two threads close the pool at once: the second returns and leaves the stop of the threads
     * to the first, which closes the clients first (the old second close found the list taken
     * and stopped the threads, the first's next client close then refused by a stopped thread).
     */
    @Test
    void poolClosedOnTwoThreads_theSecondLeavesTheStopToTheFirst() throws Exception {
        try (DatagramSocket node = CloseFixtures.silentNode()) {
            SharedIoThreads io = SharedIoThreads.create(1);
            CountDownLatch told = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Viewer held = viewer(io, node, (state, reason) -> {
                if (state == ConnectionState.CLOSED) {
                    told.countDown();
                    CloseFixtures.awaitQuietly(release); // the first close held in its first client
                }
            }).start();
            Viewer next = viewer(io, node, (state, reason) -> { }).start();
            Thread firstCloser = CloseFixtures.startThread("first closer", io::close);
            assertTrue(told.await(10, TimeUnit.SECONDS));
            Thread secondCloser = CloseFixtures.startThread("second closer", io::close);
            secondCloser.join(10_000);
            assertEquals(Thread.State.TERMINATED, secondCloser.getState(), "the second close returned");
            release.countDown();
            firstCloser.join(20_000);
            secondCloser.join(20_000);

            assertClosedWithGoodbyes(node, held, next);
        }
    }

    /**
     * The pool's close starts its clients' closes at once: a viewer whose listener, told CLOSED,
     * holds its close until a broadcaster on the same pool is closed too. The old close ran the
     * clients' closes one after another (each waiting up to 5 s for its I/O thread), so the
     * broadcaster's close began only after the viewer's had returned.
     */
    @Test
    void poolClose_closesItsClientsAtOnce_oneHeldDoesNotHoldBackTheOthers() throws Exception {
        try (DatagramSocket viewerNode = CloseFixtures.silentNode(); DatagramSocket broadcasterNode = CloseFixtures.silentNode()) {
            SharedIoThreads io = SharedIoThreads.create(1);
            List<String> broadcasterEvents = new CopyOnWriteArrayList<>();
            Broadcaster other = Broadcaster.builder()
                    .node(address(broadcasterNode))
                    .streamId("pool")
                    .sharedIoThreads(io)
                    .listener(new BroadcasterListener() {
                        @Override
                        public void onStateChanged(ConnectionState state, String reason) {
                            broadcasterEvents.add(state + " " + reason);
                        }
                    })
                    .build().closeWait(DEFAULT_WAIT); // nothing holds the thread: no need to shorten
            List<String> events = new CopyOnWriteArrayList<>();
            Viewer held = viewer(io, viewerNode, (state, reason) -> {
                if (state == ConnectionState.CLOSED) {
                    long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    while (other.state() != ConnectionState.CLOSED && System.nanoTime() < deadlineNs) {
                        Thread.yield();
                    }
                    events.add("other closed while held: " + (other.state() == ConnectionState.CLOSED));
                }
            }).closeWait(DEFAULT_WAIT).start(); // first on the pool: the old close closed it first
            other.start();

            Thread closer = CloseFixtures.startThread("pool closer", io::close);
            closer.join(60_000);

            assertEquals(Thread.State.TERMINATED, closer.getState(), "the pool's close returned");
            assertEquals(List.of("other closed while held: true"), events);
            assertEquals(ConnectionState.CLOSED, held.state());
            assertEquals(List.of("CONNECTING start", CLOSED_BY_POOL), broadcasterEvents);
            assertNotNull(ControlDatagrams.receive(viewerNode, ControlMessage.Leave.class), "the viewer's goodbye");
            assertNotNull(ControlDatagrams.receive(broadcasterNode, ControlMessage.Leave.class), "the broadcaster's goodbye");
        }
    }

    /**
     * The pool closed in a task on its only thread (as in a listener callback), the pool's wait
     * made an hour: the close returns at once, not after a wait for the thread it runs on; the
     * viewer on that thread then closes with its goodbye, and the threads stop, once the task
     * has returned. The old close waited its whole wait for the threads to stop.
     */
    @Test
    void poolClosedOnItsOwnThread_returnsWithoutWaitingForItself_clientsCloseAfter() throws Exception {
        try (DatagramSocket node = CloseFixtures.silentNode()) {
            SharedIoThreads io = SharedIoThreads.create(1).closeWait(Duration.ofHours(1));
            List<String> events = new CopyOnWriteArrayList<>();
            Viewer viewer = viewer(io, node, (state, reason) -> events.add(state + " " + reason)).start();

            io.group().submit(io::close).get(10, TimeUnit.SECONDS);

            assertNotNull(ControlDatagrams.receive(node, ControlMessage.Leave.class), "the goodbye");
            assertTrue(io.group().terminationFuture().await(10, TimeUnit.SECONDS), "the threads stopped");
            CloseFixtures.awaitCondition(() -> viewer.state() == ConnectionState.CLOSED, "viewer closed");
            CloseFixtures.awaitCondition(() -> events.size() == 2, "CLOSED told");
            assertEquals(List.of("CONNECTING start", CLOSED_BY_POOL), events);
        }
    }

    /**
     * A start waiting for its bind on the pool's held thread, its wait made an hour, while the
     * pool closes: the start fails at once, as on a closed pool, with the thread still held (the
     * old start waited out its whole wait), and the viewer ends closed, told once.
     */
    @Test
    void startWaitingForItsBind_failsAtOnceWhenThePoolCloses() throws Exception {
        try (DatagramSocket node = CloseFixtures.silentNode()) {
            SharedIoThreads io = SharedIoThreads.create(1);
            CountDownLatch release = CloseFixtures.hold(io);
            try {
                List<String> events = new CopyOnWriteArrayList<>();
                Viewer viewer = viewer(io, node, (state, reason) -> events.add(state + " " + reason))
                        .closeWait(Duration.ofHours(1));
                List<Throwable> failures = new CopyOnWriteArrayList<>();
                Thread starter = CloseFixtures.startThread("starter", () -> {
                    try {
                        viewer.start();
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                });
                CloseFixtures.awaitWaiting(starter); // in the bind's wait
                CloseFixtures.startThread("pool closer", io::close);

                starter.join(10_000);
                assertEquals(Thread.State.TERMINATED, starter.getState(), "the start returned, the thread still held");
                assertEquals(1, failures.size(), "failed: " + failures);
                assertTrue(failures.get(0) instanceof IllegalStateException, "failed: " + failures);
                assertTrue(failures.get(0).getMessage().contains("shared I/O threads are closed"),
                        failures.get(0).getMessage());
                assertEquals(ConnectionState.CLOSED, viewer.state());
                assertEquals(List.of("CLOSED close"), events);
            } finally {
                release.countDown();
            }
        }
    }

    /** On the pool's only thread a start cannot bind: it fails at once, saying why, and ends closed. */
    @Test
    void startInATaskOnThePoolsOnlyThread_failsClosedSayingWhy() throws Exception {
        try (SharedIoThreads io = SharedIoThreads.create(1); DatagramSocket node = CloseFixtures.silentNode()) {
            Viewer viewer = viewer(io, node, (state, reason) -> { });
            Throwable failure = io.group().submit(() -> {
                try {
                    viewer.start();
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            }).get(10, TimeUnit.SECONDS);

            assertTrue(failure instanceof IllegalStateException, "failed: " + failure);
            assertTrue(failure.getMessage().contains("only thread"), failure.getMessage());
            assertEquals(ConnectionState.CLOSED, viewer.state());
        }
    }

    /**
     * A listener called for a datagram (on the pool's thread, inside its read) that closes its
     * viewer and then the pool: the viewer's goodbye, queued behind the read, still leaves. The
     * merged close stopped the threads at once, and Netty closes a stopping thread's sockets
     * after its read and before its queued tasks: the goodbye went to a closed socket.
     */
    @Test
    void viewerAndPoolClosedInADatagramsCallback_goodbyeStillSent() throws Exception {
        try (DatagramSocket node = CloseFixtures.silentNode()) {
            node.setSoTimeout(3_000);
            SharedIoThreads io = SharedIoThreads.create(1);
            Viewer[] self = new Viewer[1];
            List<String> events = new CopyOnWriteArrayList<>();
            self[0] = viewer(io, node, (state, reason) -> {
                events.add(state + " " + reason);
                if (state == ConnectionState.CONNECTED) {
                    self[0].close();
                    io.close();
                }
            });
            self[0].start();
            DecodeResult first = ControlDatagrams.receiveAny(node);
            ControlMessage.Hello h = (ControlMessage.Hello) first.message();
            InetSocketAddress viewerAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    self[0].localAddress().getPort());
            ControlDatagrams.send(node, viewerAddress, first.requestId(),
                    new ControlMessage.HelloAck(h.sessionId(), 500, 5_000, 1, 42));
            DecodeResult subscribe = ControlDatagrams.receiveAny(node);
            while (!(subscribe.message() instanceof ControlMessage.Subscribe)) {
                subscribe = ControlDatagrams.receiveAny(node);
            }
            ControlDatagrams.send(node, viewerAddress, subscribe.requestId(),
                    new ControlMessage.SubscribeAck("pool", List.of()));

            CloseFixtures.awaitCondition(() -> io.group().isShuttingDown(), "the pool closed in the callback");
            assertTrue(events.get(1).startsWith("CONNECTED"), "events: " + events);
            assertNotNull(ControlDatagrams.receive(node, ControlMessage.Leave.class), "the goodbye");
            assertTrue(io.group().terminationFuture().await(10, TimeUnit.SECONDS), "the threads stopped");
        }
    }

    /**
     * A socket still open on the pool when it closes is closed by its threads' stop. The stop
     * begins in a task on a pool thread (behind the goodbyes queued there), and Netty ends such
     * a thread without closing its sockets unless the stop has a quiet period.
     */
    @Test
    void socketStillOnThePool_isClosedByItsStop() {
        SharedIoThreads io = SharedIoThreads.create(1);
        io.netty.channel.Channel socket = io.transport().bind(io.group(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new io.netty.channel.ChannelInboundHandlerAdapter(), DEFAULT_WAIT.toNanos(), null);

        io.close();

        assertTrue(io.group().isTerminated(), "the threads stopped");
        CloseFixtures.awaitCondition(() -> !socket.isOpen(), "the socket closed");
    }

    /** Both viewers closed, and the node got a goodbye from each (within 3 s). */
    private static void assertClosedWithGoodbyes(DatagramSocket node, Viewer a, Viewer b) throws Exception {
        assertEquals(ConnectionState.CLOSED, a.state());
        assertEquals(ConnectionState.CLOSED, b.state());
        node.setSoTimeout(3_000);
        assertNotNull(ControlDatagrams.receive(node, ControlMessage.Leave.class), "a goodbye");
        assertNotNull(ControlDatagrams.receive(node, ControlMessage.Leave.class), "the other viewer's goodbye");
    }

    private static InetSocketAddress address(DatagramSocket node) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), node.getLocalPort());
    }

    /** A viewer on the pool whose listener hears only state changes. */
    private static Viewer viewer(SharedIoThreads io, DatagramSocket node, StateListener states) {
        return Viewer.builder()
                .node(address(node))
                .streamId("pool")
                .sharedIoThreads(io)
                .listener(new ViewerListener() {
                    @Override
                    public void onStateChanged(ConnectionState state, String reason) {
                        states.onStateChanged(state, reason);
                    }
                })
                .build().closeWait(CLOSE_WAIT);
    }

    private interface StateListener {
        void onStateChanged(ConnectionState state, String reason);
    }
}
