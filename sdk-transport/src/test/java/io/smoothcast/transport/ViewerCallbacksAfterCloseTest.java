package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.time.NanoClock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A viewer closed in {@link ViewerListener#onFrame} while further frames are due in the same
 * playout pass: none of them reaches the listener after {@code onStateChanged(CLOSED)}. Real
 * relay, broadcaster and viewer on 127.0.0.1; the viewer's clock is the system clock plus an
 * offset the test moves forward, so that the frames that arrived while the playout thread was
 * held all fall due in one pass.
 */
class ViewerCallbacksAfterCloseTest {

    private static final int FRAMES_IN_THE_PASS = 5;

    @Test
    void closeInOnFrame_theOtherFramesDueInThatPassAreNotDelivered() throws Exception {
        AtomicLong offsetNs = new AtomicLong();
        NanoClock viewerClock = () -> System.nanoTime() + offsetNs.get();
        AtomicReference<Viewer> self = new AtomicReference<>();
        AtomicReference<Thread> playout = new AtomicReference<>();
        AtomicInteger calls = new AtomicInteger();
        AtomicBoolean toldClosed = new AtomicBoolean();
        List<String> afterClosed = new CopyOnWriteArrayList<>();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch connected = new CountDownLatch(1);
        ViewerListener listener = new ViewerListener() {
            @Override
            public void onStateChanged(ConnectionState state, String reason) {
                toldClosed.compareAndSet(false, state == ConnectionState.CLOSED);
            }

            @Override
            public void onFrame(ReceivedFrame frame) {
                if (toldClosed.get()) {
                    afterClosed.add("onFrame");
                    return;
                }
                int call = calls.incrementAndGet();
                if (call == 1) { // holds the playout thread while the next frames arrive
                    playout.set(Thread.currentThread());
                    held.countDown();
                    CloseFixtures.awaitQuietly(release);
                } else if (call == 2) { // the first of the frames due together
                    self.get().close();
                }
            }
        };
        try (RelayNode relay = RelayNode.builder().build().start();
                Viewer viewer = Viewer.builder().node(relay.localAddress()).streamId("cb").fixedPlayoutDelayMs(200)
                        .clock(viewerClock).listener(listener).build();
                Broadcaster broadcaster = Broadcaster.builder().node(relay.localAddress()).streamId("cb")
                        .video(false).messages(true).listener(new BroadcasterListener() {
                            @Override
                            public void onStateChanged(ConnectionState state, String reason) {
                                if (state == ConnectionState.CONNECTED) {
                                    connected.countDown();
                                }
                            }
                        }).build()) {
            self.set(viewer);
            viewer.start();
            broadcaster.start();
            assertTrue(connected.await(10, TimeUnit.SECONDS), "broadcaster connected");
            byte[] message = {1, 2, 3};
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long sendTimeNs = 0;
            while (!held.await(20, TimeUnit.MILLISECONDS)) { // until the viewer gets one
                assertTrue(System.nanoTime() < deadlineNs, "no frame reached the viewer");
                broadcaster.sendMessage(message, 0, message.length, sendTimeNs += 20_000_000L);
            }
            long receivedBefore = viewer.stats().packetsReceived();
            for (int i = 0; i < FRAMES_IN_THE_PASS; i++) {
                assertTrue(broadcaster.sendMessage(message, 0, message.length, sendTimeNs += 20_000_000L));
            }
            while (viewer.stats().packetsReceived() < receivedBefore + FRAMES_IN_THE_PASS) {
                assertTrue(System.nanoTime() < deadlineNs, "the messages did not reach the viewer");
                Thread.yield();
            }
            offsetNs.set(TimeUnit.SECONDS.toNanos(1)); // all of them due at the next pass
            release.countDown();

            playout.get().join(10_000);
            assertEquals(Thread.State.TERMINATED, playout.get().getState(), "the playout thread stopped");
            assertTrue(toldClosed.get(), "closed in onFrame");
            assertEquals(List.of(), afterClosed, "frames after onStateChanged(CLOSED)");
        }
    }
}
