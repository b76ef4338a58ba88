package io.smoothcast.transport.internal.relay;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smoothcast.time.NanoClock;
import io.smoothcast.transport.internal.netty.UdpTransport;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Test fixture for ITs that drive {@link RelayChannels} directly: a node on a loopback port, and
 * a way to hold its owner's thread so that datagrams and tasks pile up behind it.
 */
final class RelayChannelsFixture {

    /** Longest wait for anything these ITs wait for: generous, the machine is shared. */
    static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(20);

    private RelayChannelsFixture() {
    }

    /** Starts channels with a small default config, without security, on a free loopback port. */
    static RelayChannels start(int threads, RelayCounters counters) {
        return RelayChannels.start(UdpTransport.best(), new InetSocketAddress("127.0.0.1", 0), threads,
                NanoClock.system(), new RelayConfig(7, 500, 5000, 64, 200, 100, 100, null), counters,
                RelaySecurity.NONE, null);
    }

    /** Polls every 10 ms until {@code positive} is above zero; fails after {@link #DEADLINE_NS}. */
    static void waitFor(LongSupplier positive, String what) throws InterruptedException {
        long deadlineNs = System.nanoTime() + DEADLINE_NS;
        while (positive.getAsLong() <= 0) {
            assertTrue(System.nanoTime() - deadlineNs < 0,
                    what + " within " + TimeUnit.NANOSECONDS.toSeconds(DEADLINE_NS) + " s");
            Thread.sleep(10);
        }
    }

    /**
     * The owner's thread, blocked in a task from {@link #take} until {@link #close}: nothing it
     * would run (reads, ticks, queued tasks) runs meanwhile.
     */
    static final class HeldOwner implements AutoCloseable {

        private final CountDownLatch release = new CountDownLatch(1);

        private HeldOwner() {
        }

        /** Blocks the owner's thread of {@code channels}; returns once the thread is blocked. */
        static HeldOwner take(RelayChannels channels) throws InterruptedException {
            HeldOwner hold = new HeldOwner();
            CountDownLatch held = new CountDownLatch(1);
            channels.ownerLoop().execute(() -> {
                held.countDown();
                try {
                    hold.release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(held.await(10, TimeUnit.SECONDS), "the owner's thread took the blocking task");
            return hold;
        }

        /** Lets the owner's thread go on; idempotent. */
        @Override
        public void close() {
            release.countDown();
        }
    }
}
