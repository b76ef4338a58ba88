package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.transport.internal.control.ControlMessage;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Test fixture for the close tests: a node on 127.0.0.1 that never answers (a plain socket whose
 * datagrams the test reads, 10 s read timeout), and ways to hold an I/O thread.
 */
final class CloseFixtures {

    private CloseFixtures() {
    }

    /** @return a bound socket on 127.0.0.1, free port, 10 s read timeout */
    static DatagramSocket silentNode() throws SocketException {
        DatagramSocket node = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        node.setSoTimeout(10_000);
        return node;
    }

    /** Holds the calling thread until released (an interrupt, e.g. a pool's shutdown, ends it too). */
    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until {@code thread} waits (parked, in a timed wait, or for a monitor): for a thread
     * of the test that called into a client, that it reached the wait inside. Spins, 10 s at most.
     */
    static void awaitWaiting(Thread thread) {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Thread.State s;
        while ((s = thread.getState()) == Thread.State.NEW || s == Thread.State.RUNNABLE) {
            if (System.nanoTime() > deadlineNs) {
                throw new AssertionError(thread.getName() + " still " + s + " after 10 s");
            }
            Thread.yield();
        }
    }

    /** Waits until {@code condition} holds, polling, 10 s at most. */
    static void awaitCondition(BooleanSupplier condition, String what) {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadlineNs) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.yield();
        }
    }

    /**
     * Runs {@code call} on a new daemon thread of the test.
     *
     * @return the started thread
     */
    static Thread startThread(String name, Runnable call) {
        Thread t = new Thread(call, name);
        t.setDaemon(true); // a client deadlocked by the old code does not hold the test JVM
        t.start();
        return t;
    }

    /**
     * A listener callback on the I/O thread that holds it until another thread's close waits for
     * it, then reads the client: {@link #holdThenRead} in the callback, {@link #closeWhileReading}
     * in the test.
     */
    static final class ReadingCallback {
        final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch letRead = new CountDownLatch(1);
        private final CountDownLatch read = new CountDownLatch(1);

        /** In the callback, its first call only: holds the thread until let read, then runs {@code reads}. */
        void holdThenRead(Runnable reads) {
            if (held.getCount() == 0) {
                return;
            }
            held.countDown();
            awaitQuietly(letRead);
            reads.run();
            read.countDown();
        }

        /**
         * Once the callback holds the I/O thread: closes the client on a thread of the test, lets
         * the callback read once that close waits for the thread, and checks that the reads and the
         * close return (no 10 s timeout) and that the goodbye reaches the node.
         *
         * @param close the client's close
         * @param state the client's state
         * @param node the node's socket, for the goodbye
         */
        void closeWhileReading(Runnable close, Supplier<ConnectionState> state, DatagramSocket node) throws Exception {
            held.await();
            Thread closer = startThread("closer", close);
            awaitWaiting(closer); // inside close(), waiting for the held I/O thread
            letRead.countDown();

            assertTrue(read.await(10, TimeUnit.SECONDS), "the callback's reads returned during the close");
            closer.join(10_000);
            assertEquals(Thread.State.TERMINATED, closer.getState(), "the close returned");
            assertEquals(ConnectionState.CLOSED, state.get());
            assertNotNull(ControlDatagrams.receive(node, ControlMessage.Leave.class), "the goodbye");
        }
    }

    /**
     * Holds the pool's one thread with a task of its own (other work on a shared thread).
     *
     * @return the latch that releases it
     */
    static CountDownLatch hold(SharedIoThreads io) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        io.group().execute(() -> {
            held.countDown();
            awaitQuietly(release);
        });
        held.await();
        return release;
    }
}
