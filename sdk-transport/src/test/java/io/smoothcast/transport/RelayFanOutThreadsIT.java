package io.smoothcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A relay sending each packet's copies from several threads and sockets sharing its port: every
 * viewer gets every frame, in order, intact, from the node's one address (a viewer drops
 * datagrams from any other source), while the kernel gives the clients' datagrams (media,
 * feedback, keepalives) to whichever socket it picks; and NIO falls back to one thread.
 */
class RelayFanOutThreadsIT {

    @BeforeAll
    static void hookLeakDetector() {
        NettyLeaks.install();
    }

    @Test
    @Timeout(60)
    void threeFanOutThreads_sixViewers_receiveEveryFrame_inOrder_intact() throws Exception {
        assumeTrue(Epoll.isAvailable(), "sockets sharing a port need the epoll transport");
        try (SharedIoThreads ioThreads = SharedIoThreads.create(2);
                RelayNode relay = RelayNode.builder().fanOutThreads(3).build().start()) {
            assertEquals(3, relay.fanOutThreads());
            BroadcastThroughRelayIT.watchEveryFrameIntact(relay, ioThreads, 6);
        }
        NettyLeaks.assertNoLeaks();
    }

    @Test
    @Timeout(60)
    void nio_usesOneThread_whateverIsAsked() throws Exception {
        try (SharedIoThreads ioThreads = SharedIoThreads.create(2);
                RelayNode relay = RelayNode.builder().forceNio(true).fanOutThreads(4).build()) {
            assertEquals(4, relay.fanOutThreads(), "as asked, before start");
            relay.start();
            assertEquals(1, relay.fanOutThreads());
            BroadcastThroughRelayIT.watchEveryFrameIntact(relay, ioThreads, 6);
        }
        NettyLeaks.assertNoLeaks();
    }
}
