package io.smoothcast.transport;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.concurrent.CountDownLatch;

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
