package io.smoothcast.transport;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
